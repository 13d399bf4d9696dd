"""The live view of ``cdk-clone deploy``: one line per source instance, however many clones it gets.

A task of 20 sources x 100 clones is 63 Terraform resources and 2,000 instances; what a person watching
wants is, per source, how far its image and its copy are and how many of its clones run::

    deploying 20 source(s), 2000 clone(s) [12s]
      i-bp1d3m0s0urce00001  image  45%  copy    -   clones    0/100
      i-bp1sca1e00000000002  image 100%  copy  10%   clones    0/100
      ...

The rows come from the stack's clone outputs (which image, copy and instance group belong to which
source), Terraform's events (what started, finished or failed) and the provider's progress lines (image
and copy percentages, instances running: see :mod:`cdk_clone.provider._progress`), read from the file the
command gives the provider. Nothing is asked of the cloud for it.

On a terminal the block is redrawn in place; otherwise (a log, a pipe) it is printed when it changed, at
most every ``CDK_CLONE_PROGRESS_INTERVAL`` seconds (default 10). Resources that belong to no source (the
network, security groups) keep their one line each, as do warnings.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TextIO, cast

from cdk_clone.cli._progress import ApplyProgress

__all__ = ["FleetView", "SourceRow", "source_rows"]

INTERVAL_ENV = "CDK_CLONE_PROGRESS_INTERVAL"
_DEFAULT_INTERVAL = 10.0
_READ_EVERY = 0.5
_REFERENCE = re.compile(r"^\$\{((ecsclone_[a-z_]+)\.([^.}]+))\.[a-z_]+\}$")


@dataclass
class SourceRow:
    """What the view knows of one source's clones."""

    source_id: str
    asked: int
    group: str  # the instance group's Terraform address
    image: str | None = None  # the ecsclone_image's address, when one is made
    copy: str | None = None  # the ecsclone_image_copy's address, when one is made
    boot_image_literal: str | None = None  # the image the clones boot from, when not made by the stack
    image_percent: int | None = None
    copy_percent: int | None = None
    running: int = 0
    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    image_ids: set[str] = field(default_factory=set)  # cloud IDs of its image and copy, once known

    def render(self, width: int) -> str:
        image = _percent(self.image_percent, self.image, self)
        copy = _percent(self.copy_percent, self.copy, self)
        clones = f"{self.running:>{len(str(self.asked))}}/{self.asked}"
        state = " FAILED" if self.failed else ""
        return f"  {self.source_id:<{width}}  image {image}  copy {copy}  clones {clones}{state}"


def _percent(value: int | None, address: str | None, row: SourceRow) -> str:
    if address is None:
        return "   -"
    if address in row.failed:
        return "FAIL"
    if address in row.done:
        return "100%"
    return " ..." if value is None else f"{value:>3}%"


def _address(value: Any) -> tuple[str, str] | None:
    """(type, address) of a ``${type.name.attr}`` reference."""
    match = _REFERENCE.match(value) if isinstance(value, str) else None
    return (match.group(2), match.group(1)) if match else None


def source_rows(config: dict[str, Any]) -> list[SourceRow]:
    """One row per clone group in a synthesized stack's outputs (a CloneTask's holds one per source)."""
    rows: list[SourceRow] = []
    for name, output in sorted((config.get("output") or {}).items()):
        if not name.startswith("cdk_clone_") or not isinstance(output, dict):
            continue
        value = output.get("value")
        groups = value.get("clones") if isinstance(value, dict) and isinstance(value.get("clones"), dict) else None
        for entry in (groups or {"": value}).values():
            if not isinstance(entry, dict) or "source_instance_id" not in entry:
                continue
            group = _address(entry.get("instance_ids"))
            if group is None:
                continue
            image, copy = _address(entry.get("custom_image_id")), _address(entry.get("copied_image_id"))
            boot = entry.get("image_id")
            rows.append(
                SourceRow(
                    source_id=str(entry["source_instance_id"]),
                    asked=int(entry.get("amount") or 0),
                    group=group[1],
                    image=image[1] if image else None,
                    copy=copy[1] if copy else None,
                    boot_image_literal=None if _address(boot) else str(boot or "") or None,
                )
            )
    return rows


class FleetView:
    """Terraform event callback (``on_event``) and context manager drawing the per-source view.

    Example::

        with FleetView.for_stack(config_file, out, progress_file=session.progress_file) as view:
            terraform.apply(on_event=view)
        view.summary()        # the closing line: totals and wall time
    """

    def __init__(
        self,
        rows: list[SourceRow],
        out: TextIO,
        *,
        progress_file: Path | None = None,
        interval: float | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.rows = rows
        self.out = out
        self.progress_file = progress_file
        self.interval = interval if interval is not None else float(os.environ.get(INTERVAL_ENV, _DEFAULT_INTERVAL))
        self.interactive = bool(interactive if interactive is not None else getattr(out, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._by_address = {a: row for row in rows for a in (row.group, row.image, row.copy) if a}
        self.apply = ApplyProgress(out=cast("TextIO", _Through(self)), quiet=set(self._by_address))
        self._lock = threading.RLock()
        self._drawn = 0  # lines of the block on screen (interactive)
        self._shown = ""  # the block last printed
        self._last_print = 0.0
        self._offset = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fleet-view", daemon=True)
        self._by_group_id: dict[str, SourceRow] = {}

    @classmethod
    def for_stack(cls, config_file: Path, out: TextIO, **options: Any) -> FleetView:
        try:
            config = json.loads(config_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            config = {}
        return cls(source_rows(config), out, **options)

    # ---- lifetime -------------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        if self.rows:
            total = sum(row.asked for row in self.rows)
            self.write(f"deploying {len(self.rows)} source(s), {total} clone(s)")
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._read_progress()
        self._draw(force=True)
        self._drawn = 0  # the last block stays on screen

    # ---- input ----------------------------------------------------------------------------------------

    def __call__(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.apply(event)
            hook = event.get("hook") or {}
            address = str((hook.get("resource") or {}).get("addr") or "")
            row = self._by_address.get(address)
            if row is None or event.get("type") not in ("apply_complete", "apply_errored"):
                return
            if event["type"] == "apply_errored":
                row.failed.add(address)
            else:
                row.done.add(address)
                if address in (row.image, row.copy) and hook.get("id_value"):
                    row.image_ids.add(str(hook["id_value"]))
                if address == row.group and not row.running:
                    row.running = row.asked  # no progress line came (Terraform started the provider itself)
            self._draw()

    def progress(self, event: dict[str, Any]) -> None:
        """One line of the provider's progress file."""
        with self._lock:
            kind = event.get("object")
            if kind == "image":
                row = next((r for r in self.rows if r.source_id == event.get("instance_id") and r.image), None)
                if row is not None:
                    row.image_ids.add(str(event.get("id")))
                    row.image_percent = _whole(event.get("progress"))
            elif kind == "image_copy":
                row = next((r for r in self.rows if str(event.get("source_image_id")) in r.image_ids), None)
                if row is not None:
                    row.image_ids.add(str(event.get("id")))
                    row.copy_percent = _whole(event.get("progress"))
            elif kind == "instances":
                row = self._row_of_group(event)
                if row is not None:
                    row.running = int(event.get("running") or 0)

    def _row_of_group(self, event: dict[str, Any]) -> SourceRow | None:
        group = str(event.get("group"))
        if group in self._by_group_id:
            return self._by_group_id[group]
        image = str(event.get("image_id"))
        claimed = set(map(id, self._by_group_id.values()))
        candidates = [r for r in self.rows if id(r) not in claimed and r.group not in r.done]
        # A group boots from its source's copy or image (known by now), or from an image the stack did not
        # make (the source's own): then the first unclaimed group booting from it.
        row = next((r for r in candidates if image in r.image_ids), None) or next(
            (r for r in candidates if r.boot_image_literal == image), None
        )
        if row is not None:
            self._by_group_id[group] = row
        return row

    # ---- output ---------------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """A line above the block (the block is redrawn under it on a terminal)."""
        with self._lock:
            self._erase()
            self.out.write(text + "\n")
            self.out.flush()
            if self.interactive and self._shown:
                self._put(self._shown)

    def block(self) -> str:
        width = max((len(row.source_id) for row in self.rows), default=0)
        running = sum(row.running for row in self.rows)
        asked = sum(row.asked for row in self.rows)
        head = f"[{time.monotonic() - self.started:5.0f}s] {running}/{asked} clone(s) running"
        return "\n".join([head, *(row.render(width) for row in self.rows)])

    def summary(self, created: int | None = None) -> str:
        """The closing line: sources, clones running out of those asked, images, wall time."""
        asked = sum(row.asked for row in self.rows)
        running = created if created is not None else sum(row.running for row in self.rows)
        images = sum(1 for row in self.rows if row.image and row.image in row.done)
        copies = sum(1 for row in self.rows if row.copy and row.copy in row.done)
        return (
            f"{len(self.rows)} source(s): {running} of {asked} clone(s) created, {images} image(s), "
            f"{copies} copy(ies), in {time.monotonic() - self.started:.1f}s"
        )

    def _draw(self, *, force: bool = False) -> None:
        if not self.rows:
            return
        with self._lock:
            text = self.block()
            if self.interactive:
                if text != self._shown or force:
                    self._erase()
                    self._put(text)
                self._shown = text
                return
            # A log gets the block when a row changed since it was last printed, at most every interval.
            changed = text.split("\n", 1)[1:] != self._shown.split("\n", 1)[1:]
            due = time.monotonic() - self._last_print >= self.interval
            if changed and (due or force):
                self.out.write(text + "\n")
                self.out.flush()
                self._last_print = time.monotonic()
                self._shown = text

    def _put(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
        self._drawn = text.count("\n") + 1

    def _erase(self) -> None:
        if self.interactive and self._drawn:
            # Up to the block's first line, then clear to the end of the screen.
            self.out.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _run(self) -> None:
        while not self._stop.wait(_READ_EVERY):
            self._read_progress()
            self._draw()

    def _read_progress(self) -> None:
        if self.progress_file is None:
            return
        try:
            with open(self.progress_file, "rb") as file:
                file.seek(self._offset)
                chunk = file.read()
        except OSError:
            return
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._offset += len(complete)
        for line in complete.decode("utf-8", errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                self.progress(event)


def _whole(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class _Through:
    """The text stream ApplyProgress writes to: lines go above the view's block."""

    def __init__(self, view: FleetView) -> None:
        self._view = view

    def write(self, text: str) -> int:
        for line in text.rstrip("\n").split("\n"):
            self._view.write(line)
        return len(text)

    def flush(self) -> None:
        self._view.out.flush()
