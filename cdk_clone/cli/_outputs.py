"""The clones' outputs in a stack's Terraform state, as typed records.

Two shapes, both named ``cdk_clone_<construct path below the stack>``:

* a standalone InstanceClone's output: one JSON object describing its clone group
  (``source_instance_id``, ``source_region``, ``destination_region``, ``instance_ids``, ...);
* a CloneTask's output: ``{"clones": {<source instance ID>: <that same object>}}``, one entry per source.
  Each entry is read as a clone group named ``<output name>/<source instance ID>``.

A value may arrive as an object or as a JSON-encoded string; both are read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["CloneOutput", "clone_outputs", "render_clone_outputs"]

_REQUIRED_KEYS = {"source_instance_id", "source_region", "destination_region", "instance_ids"}


@dataclass(frozen=True)
class CloneOutput:
    """What one clone group became: where its instances, image and network are."""

    name: str
    source_instance_id: str
    source_region: str
    destination_region: str
    instance_ids: tuple[str, ...]
    image_id: str
    vpc_id: str
    vswitch_id: str
    security_group_ids: tuple[str, ...]
    effective_instance_type: str
    created_amount: int
    requested_amount: int | None
    images_kept: bool = True

    @classmethod
    def from_value(cls, name: str, value: dict[str, Any]) -> CloneOutput:
        def text(key: str) -> str:
            found = value.get(key)
            return "" if found is None else str(found)

        amount = value.get("amount", value.get("requested_amount"))
        created = value.get("created_amount")
        instance_ids = tuple(str(i) for i in value.get("instance_ids") or ())
        return cls(
            name=name,
            source_instance_id=text("source_instance_id"),
            source_region=text("source_region"),
            destination_region=text("destination_region"),
            instance_ids=instance_ids,
            image_id=text("image_id"),
            vpc_id=text("vpc_id"),
            vswitch_id=text("vswitch_id"),
            security_group_ids=tuple(str(g) for g in value.get("security_group_ids") or ()),
            effective_instance_type=text("effective_instance_type"),
            created_amount=_whole(created, default=len(instance_ids)) or 0,
            requested_amount=_whole(amount, default=None),
            images_kept=value.get("images_kept") not in (False, "false"),
        )


def _whole(value: Any, *, default: int | None) -> int | None:
    # Terraform numbers arrive as int or float (or as text from a JSON-encoded output).
    if value is None or value == "":
        return default
    return int(float(value))


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _is_clone_group(value: Any) -> bool:
    return isinstance(value, dict) and _REQUIRED_KEYS <= value.keys()


def clone_outputs(outputs: dict[str, Any]) -> list[CloneOutput]:
    """The clone groups among ``terraform output -json``'s answer (``{name: {"value": ...}}``): one per
    InstanceClone output, one per source of a CloneTask output. Other outputs are left out."""
    found = []
    for name, entry in sorted(outputs.items()):
        value = _decode(entry.get("value") if isinstance(entry, dict) and "value" in entry else entry)
        if _is_clone_group(value):
            found.append(CloneOutput.from_value(name, value))
            continue
        clones = _decode(value.get("clones")) if isinstance(value, dict) else None
        if isinstance(clones, dict) and clones and all(_is_clone_group(v) for v in clones.values()):
            found.extend(CloneOutput.from_value(f"{name}/{source}", clones[source]) for source in sorted(clones))
    return found


def _some(ids: tuple[str, ...], shown: int = 3) -> str:
    """IDs separated by commas; a long list (a group of 100) as its first few, its last and its size."""
    if not ids:
        return "-"
    if len(ids) <= shown + 1:
        return ", ".join(ids)
    return f"{', '.join(ids[:shown])}, ... {ids[-1]} ({len(ids)} instances; all in `terraform output`)"


_DETAILED_GROUPS = 3


def render_clone_outputs(clones: list[CloneOutput]) -> list[str]:
    """Lines describing each clone group, for the end of a deploy: a few lines each for up to three groups,
    else one line each (a task of 20 sources), with what they all share said once."""
    if len(clones) > _DETAILED_GROUPS:
        return _render_compactly(clones)
    lines = []
    for clone in clones:
        asked = f" of {clone.requested_amount}" if clone.requested_amount is not None else ""
        lines.append(
            f"{clone.name}: {clone.created_amount}{asked} clone(s) of {clone.source_instance_id} "
            f"({clone.source_region} -> {clone.destination_region})"
        )
        lines.append(f"    instances:       {_some(clone.instance_ids)}")
        lines.append(f"    instance type:   {clone.effective_instance_type or '-'}")
        lines.append(f"    image:           {clone.image_id or '-'}")
        lines.append(f"    vpc / vswitch:   {clone.vpc_id or '-'} / {clone.vswitch_id or '-'}")
        lines.append(f"    security groups: {', '.join(clone.security_group_ids) or '-'}")
    return lines


def _render_compactly(clones: list[CloneOutput]) -> list[str]:
    def shared(values: set[str]) -> str | None:
        return values.pop() if len(values) == 1 else None

    network = shared({f"{c.vpc_id or '-'} / {c.vswitch_id or '-'}" for c in clones})
    groups = shared({", ".join(c.security_group_ids) or "-" for c in clones})
    kind = shared({c.effective_instance_type or "-" for c in clones})
    lines = []
    for clone in clones:
        asked = f"/{clone.requested_amount}" if clone.requested_amount is not None else ""
        parts = [f"{clone.created_amount}{asked} clone(s)", f"image {clone.image_id or '-'}"]
        if kind is None:
            parts.append(f"type {clone.effective_instance_type or '-'}")
        if network is None:
            parts.append(f"vpc / vswitch {clone.vpc_id or '-'} / {clone.vswitch_id or '-'}")
        if groups is None:
            parts.append(f"security groups {', '.join(clone.security_group_ids) or '-'}")
        lines.append(f"{clone.name}: " + ", ".join(parts))
    if kind is not None:
        lines.append(f"every group: instance type {kind}")
    if network is not None:
        lines.append(f"every group: vpc / vswitch {network}")
    if groups is not None:
        lines.append(f"every group: security groups {groups}")
    lines.append("instance IDs: `terraform output -json` in the stack directory")
    return lines
