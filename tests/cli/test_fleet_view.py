"""The live view of a deploy: one line per source (image %, copy %, clones running / asked), fed by
Terraform's events and the provider's progress lines, and the closing totals."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from cdk_clone.cli._fleet_view import FleetView, source_rows

GROUP = "ecsclone_instance_group.task_i-1_Instances_1"
IMAGE = "ecsclone_image.task_i-1_Image_1"
COPY = "ecsclone_image_copy.task_i-1_Copy_1"


def _clone(source: str, n: int, *, copy: bool = True, amount: int = 100) -> dict[str, Any]:
    return {
        "source_instance_id": source,
        "amount": amount,
        "instance_ids": f"${{ecsclone_instance_group.task_{source}_Instances_{n}.instance_ids}}",
        "custom_image_id": f"${{ecsclone_image.task_{source}_Image_{n}.id}}" if copy else "",
        "copied_image_id": f"${{ecsclone_image_copy.task_{source}_Copy_{n}.id}}" if copy else "",
        "image_id": f"${{ecsclone_image_copy.task_{source}_Copy_{n}.id}}" if copy else "ubuntu_22.vhd",
    }


CONFIG: dict[str, Any] = {
    "output": {
        "cdk_clone_task": {"value": {"clones": {"i-1": _clone("i-1", 1), "i-2": _clone("i-2", 2)}}},
        "cdk_clone_web": {"value": _clone("i-3", 3, copy=False, amount=2)},
        "unrelated": {"value": "x"},
    }
}


def _event(kind: str, address: str, action: str = "create", **hook: Any) -> dict[str, Any]:
    return {"type": kind, "hook": {"resource": {"addr": address}, "action": action, **hook}}


def test_rows_come_from_the_clone_outputs() -> None:
    rows = source_rows(CONFIG)
    assert [(r.source_id, r.asked, r.group, r.image, r.copy, r.boot_image_literal) for r in rows] == [
        ("i-1", 100, GROUP, IMAGE, COPY, None),
        ("i-2", 100, "ecsclone_instance_group.task_i-2_Instances_2", "ecsclone_image.task_i-2_Image_2",
         "ecsclone_image_copy.task_i-2_Copy_2", None),
        ("i-3", 2, "ecsclone_instance_group.task_i-3_Instances_3", None, None, "ubuntu_22.vhd"),
    ]


def test_a_source_line_follows_its_image_copy_and_clones() -> None:
    out = io.StringIO()
    view = FleetView(source_rows(CONFIG), out, interval=0, interactive=False)
    view(_event("apply_start", IMAGE))
    view.progress({"object": "image", "id": "m-1", "instance_id": "i-1", "progress": 45})
    assert "i-1  image  45%  copy  ...  clones   0/100" in view.block()
    view(_event("apply_complete", IMAGE, id_value="m-1", elapsed_seconds=10))
    view.progress({"object": "image_copy", "id": "m-9", "source_image_id": "m-1", "progress": 10})
    view.progress({"object": "instances", "group": "g-1", "image_id": "m-9", "running": 60, "asked": 100})
    view.progress({"object": "instances", "group": "g-3", "image_id": "ubuntu_22.vhd", "running": 1, "asked": 2})
    block = view.block()
    assert "i-1  image 100%  copy  10%  clones  60/100" in block
    assert "i-3  image    -  copy    -  clones 1/2" in block
    assert block.splitlines()[0].endswith("61/202 clone(s) running")
    view(_event("apply_errored", "ecsclone_instance_group.task_i-2_Instances_2"))
    assert view.block().splitlines()[2].endswith("FAILED")


def test_only_resources_of_no_source_get_their_own_line() -> None:
    out = io.StringIO()
    view = FleetView(source_rows(CONFIG), out, interval=3600, interactive=False)
    view(_event("apply_complete", IMAGE, id_value="m-1", elapsed_seconds=10))
    view(_event("apply_progress", COPY, elapsed_seconds=20))
    view(_event("apply_complete", "ecsclone_vpc.net", id_value="vpc-1", elapsed_seconds=1))
    view({"type": "diagnostic", "diagnostic": {"severity": "warning", "summary": "2 of 100 instances created",
                                               "address": GROUP}})
    lines = out.getvalue().splitlines()
    assert "[2/2] created ecsclone_vpc.net (vpc-1) in 1s" in lines
    assert not [line for line in lines if IMAGE in line or COPY in line]
    assert any(line.startswith("WARNING " + GROUP) for line in lines)
    assert view.apply.done == 2


def test_a_log_gets_the_block_when_it_changed_at_most_every_interval() -> None:
    out = io.StringIO()
    view = FleetView(source_rows(CONFIG), out, interval=3600, interactive=False)
    view._draw()
    view.progress({"object": "image", "id": "m-1", "instance_id": "i-1", "progress": 45})
    view._draw()  # changed, but not due
    assert out.getvalue().count("clone(s) running") == 1
    view._draw(force=True)  # the closing block
    view._draw(force=True)  # unchanged: not again
    assert out.getvalue().count("clone(s) running") == 2


def test_a_terminal_gets_the_block_redrawn_in_place() -> None:
    out = io.StringIO()
    view = FleetView(source_rows(CONFIG), out, interval=3600, interactive=True)
    view._draw()
    view.progress({"object": "image", "id": "m-1", "instance_id": "i-1", "progress": 45})
    view._draw()
    view.write("WARNING something")
    text = out.getvalue()
    assert text.count("\x1b[4F\x1b[J") == 2, "the 4-line block erased before each redraw and each line above it"
    assert text.rstrip("\n").endswith(view.block())


def test_progress_lines_are_read_as_they_are_written_and_partial_ones_wait(tmp_path: Path) -> None:
    progress = tmp_path / "progress.jsonl"
    progress.write_text(json.dumps({"object": "image", "id": "m-1", "instance_id": "i-1", "progress": 20}) + "\n")
    view = FleetView(source_rows(CONFIG), io.StringIO(), progress_file=progress, interval=3600, interactive=False)
    view._read_progress()
    assert view.rows[0].image_percent == 20
    with progress.open("a") as file:
        file.write('{"object": "image", "id": "m-1", "instance_id": "i-1", "progress": 7')
    view._read_progress()
    assert view.rows[0].image_percent == 20, "half a line is left for later"
    with progress.open("a") as file:
        file.write("0}\n")
    view._read_progress()
    assert view.rows[0].image_percent == 70


def test_the_summary_gives_the_totals_and_the_wall_time() -> None:
    view = FleetView(source_rows(CONFIG), io.StringIO(), interval=3600, interactive=False)
    view(_event("apply_complete", IMAGE, id_value="m-1"))
    view(_event("apply_complete", COPY, id_value="m-9"))
    summary = view.summary(created=150)
    assert summary.startswith("3 source(s): 150 of 202 clone(s) created, 1 image(s), 1 copy(ies), in ")
    assert summary.endswith("s")
