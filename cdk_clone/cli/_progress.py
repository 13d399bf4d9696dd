"""Live progress of ``terraform apply -json`` / ``destroy -json``: one line per finished resource.

Terraform's machine-readable stream says how many changes were planned (``change_summary``), when each
resource starts, is still running (``apply_progress``, every ~10 s) and finishes (``apply_complete``), and
carries the provider's diagnostics. This module turns it into what a person watching wants to see::

    [ 1/6] created ecsclone_vpc.web_vpc (vpc-uf6...) in 1s
           ecsclone_image.web_image: still creating, 20s elapsed
    WARNING ecsclone_instance_group.web: Similar instance type launched: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

__all__ = ["ApplyProgress", "Diagnostic"]

_PAST = {"create": "created", "update": "updated", "delete": "destroyed", "read": "read", "replace": "replaced"}
_ONGOING = {"create": "creating", "update": "updating", "delete": "destroying", "read": "reading"}
_INFINITIVE = {"create": "create", "update": "update", "delete": "destroy", "read": "read", "replace": "replace"}


@dataclass(frozen=True)
class Diagnostic:
    """A warning or error Terraform or the provider reported."""

    severity: str
    summary: str
    detail: str
    address: str

    def render(self) -> str:
        where = f" {self.address}:" if self.address else ":"
        text = f"{self.severity.upper()}{where} {self.summary}"
        if self.detail and self.detail != self.summary:
            text += f"\n    {self.detail.strip().replace(chr(10), chr(10) + '    ')}"
        return text


@dataclass
class ApplyProgress:
    """A callback for ``Terraform.apply(on_event=...)`` that prints progress to ``out``.

    Example::

        progress = ApplyProgress(out=sys.stdout)
        terraform.apply(auto_approve=True, on_event=progress)
        progress.warnings      # the provider's warnings (similar type chosen, partial creation)
    """

    out: TextIO
    total: int = 0
    done: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Where each event also goes (tests, the demo's own reporting).
    listeners: list[Callable[[dict[str, Any]], None]] = field(default_factory=list)
    # Addresses whose lines are not printed (still counted): another view shows them (see _fleet_view).
    quiet: set[str] = field(default_factory=set)
    _planned: int = 0

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def __call__(self, event: dict[str, Any]) -> None:
        for listener in self.listeners:
            listener(event)
        kind = event.get("type")
        if kind == "planned_change":
            action = (event.get("change") or {}).get("action")
            # A replacement is two steps (destroy, then create): Terraform reports both.
            self._planned += 2 if action == "replace" else (0 if action in (None, "noop", "read") else 1)
        elif kind == "change_summary":
            changes = event.get("changes") or {}
            if changes.get("operation") in ("plan", "destroy") or not self.total:
                counted = int(changes.get("add", 0)) + int(changes.get("change", 0)) + int(changes.get("remove", 0))
                self.total = max(self.total, counted, self._planned)
        elif kind == "apply_start":
            self.total = max(self.total, self._planned)
        elif kind == "apply_progress":
            hook = event.get("hook") or {}
            action = _ONGOING.get(str(hook.get("action")), "working")
            if _address(hook) not in self.quiet:
                self._line(f"       {_address(hook)}: still {action}, {int(hook.get('elapsed_seconds', 0))}s elapsed")
        elif kind in ("apply_complete", "apply_errored"):
            hook = event.get("hook") or {}
            self.done += 1
            if _address(hook) in self.quiet and kind == "apply_complete":
                return
            width = len(str(max(self.total, self.done)))
            counter = f"[{self.done:>{width}}/{max(self.total, self.done)}]"
            action = str(hook.get("action"))
            elapsed = int(hook.get("elapsed_seconds", 0))
            if kind == "apply_errored":
                self._line(f"{counter} FAILED to {_INFINITIVE.get(action, action)} {_address(hook)} after {elapsed}s")
            else:
                ident = f" ({hook['id_value']})" if hook.get("id_value") else ""
                self._line(f"{counter} {_PAST.get(action, action)} {_address(hook)}{ident} in {elapsed}s")
        elif kind == "diagnostic":
            body = event.get("diagnostic") or {}
            diagnostic = Diagnostic(
                severity=str(body.get("severity", "error")),
                summary=str(body.get("summary", "")),
                detail=str(body.get("detail", "")),
                address=str(body.get("address", "")),
            )
            self.diagnostics.append(diagnostic)
            # Errors are printed once, at the end, by the command; warnings matter now (a similar type,
            # fewer clones than asked) so they are printed as they come.
            if diagnostic.severity == "warning":
                self._line(diagnostic.render())

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _address(hook: dict[str, Any]) -> str:
    resource = hook.get("resource") or {}
    return str(resource.get("addr") or resource.get("resource") or "?")
