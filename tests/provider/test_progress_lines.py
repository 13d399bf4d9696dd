"""The provider's progress lines for cdk-clone's live view: written only when asked, only on change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdk_clone.provider import _progress


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "progress.jsonl"
    monkeypatch.setenv(_progress.PROGRESS_FILE_ENV, str(path))
    monkeypatch.setattr(_progress, "_last", {})
    return path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_images_copies_and_groups_are_reported_when_they_change(progress_file: Path) -> None:
    _progress.report_image("image", "cn-hangzhou", {"ImageId": "m-1", "Status": "Creating", "Progress": "45%"},
                           instance_id="i-1")
    _progress.report_image("image", "cn-hangzhou", {"ImageId": "m-1", "Status": "Creating", "Progress": "45%"},
                           instance_id="i-1")
    _progress.report_image("image", "cn-hangzhou", {"ImageId": "m-1", "Status": "Available", "Progress": "99%"},
                           instance_id="i-1")
    _progress.report_image("image_copy", "cn-shanghai", {"ImageId": "m-2", "Status": "Creating", "Progress": ""},
                           source_image_id="m-1")
    _progress.report_instances("cn-shanghai", "g-1", "m-2", "vsw-1", 60, 100)
    assert _lines(progress_file) == [
        {"object": "image", "region": "cn-hangzhou", "id": "m-1", "status": "Creating", "progress": 45,
         "instance_id": "i-1"},
        {"object": "image", "region": "cn-hangzhou", "id": "m-1", "status": "Available", "progress": 100,
         "instance_id": "i-1"},
        {"object": "image_copy", "region": "cn-shanghai", "id": "m-2", "status": "Creating", "progress": None,
         "source_image_id": "m-1"},
        {"object": "instances", "region": "cn-shanghai", "group": "g-1", "image_id": "m-2", "vswitch_id": "vsw-1",
         "running": 60, "asked": 100},
    ]


def test_nothing_is_written_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_progress.PROGRESS_FILE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    _progress.report_instances("cn-shanghai", "g-1", "m-2", "vsw-1", 1, 2)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_cannot_be_written_never_fails_the_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_progress.PROGRESS_FILE_ENV, str(tmp_path / "missing" / "progress.jsonl"))
    _progress.report_instances("cn-shanghai", "g-2", "m-2", "vsw-1", 1, 2)
