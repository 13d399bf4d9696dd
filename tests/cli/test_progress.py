"""Live deploy progress from Terraform's -json events."""

from __future__ import annotations

import io

from cdk_clone.cli._progress import ApplyProgress


def _resource(addr: str) -> dict[str, object]:
    kind, name = addr.split(".")
    return {"addr": addr, "resource_type": kind, "resource_name": name}


def test_counts_done_over_total_and_shows_long_running_resources() -> None:
    out = io.StringIO()
    progress = ApplyProgress(out=out)
    for addr in ("ecsclone_vpc.net", "ecsclone_image.img"):
        progress({"type": "planned_change", "change": {"resource": _resource(addr), "action": "create"}})
    progress({"type": "change_summary", "changes": {"add": 2, "change": 0, "remove": 0, "operation": "plan"}})
    progress({"type": "apply_start", "hook": {"resource": _resource("ecsclone_vpc.net"), "action": "create"}})
    progress({"type": "apply_complete", "hook": {"resource": _resource("ecsclone_vpc.net"), "action": "create",
                                                "id_key": "id", "id_value": "vpc-1", "elapsed_seconds": 1}})
    progress({"type": "apply_progress", "hook": {"resource": _resource("ecsclone_image.img"), "action": "create",
                                                "elapsed_seconds": 20}})
    progress({"type": "apply_complete", "hook": {"resource": _resource("ecsclone_image.img"), "action": "create",
                                                "id_key": "id", "id_value": "m-1", "elapsed_seconds": 31}})
    assert out.getvalue().splitlines() == [
        "[1/2] created ecsclone_vpc.net (vpc-1) in 1s",
        "       ecsclone_image.img: still creating, 20s elapsed",
        "[2/2] created ecsclone_image.img (m-1) in 31s",
    ]


def test_provider_warnings_are_printed_as_they_come_and_kept() -> None:
    out = io.StringIO()
    progress = ApplyProgress(out=out)
    progress({"type": "diagnostic", "diagnostic": {
        "severity": "warning", "summary": "Similar instance type launched",
        "detail": "ecs.g7.large has no stock in cn-shanghai-b; launched ecs.g6.large (2 vCPU, 8192 MiB).",
        "address": "ecsclone_instance_group.web"}})
    progress({"type": "diagnostic", "diagnostic": {"severity": "error", "summary": "boom", "detail": ""}})
    text = out.getvalue()
    assert text.startswith("WARNING ecsclone_instance_group.web: Similar instance type launched\n")
    assert "launched ecs.g6.large" in text
    assert "boom" not in text  # errors are reported once, by the command, at the end
    assert [w.summary for w in progress.warnings] == ["Similar instance type launched"]
    assert [e.summary for e in progress.errors] == ["boom"]


def test_destroy_counts_removals() -> None:
    out = io.StringIO()
    progress = ApplyProgress(out=out)
    progress({"type": "change_summary", "changes": {"add": 0, "change": 0, "remove": 1, "operation": "destroy"}})
    progress({"type": "apply_complete", "hook": {"resource": _resource("ecsclone_vpc.net"), "action": "delete",
                                                "elapsed_seconds": 2}})
    assert out.getvalue() == "[1/1] destroyed ecsclone_vpc.net in 2s\n"
