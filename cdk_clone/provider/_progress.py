"""Live progress of the objects the provider waits for, for ``cdk-clone deploy``'s view.

Terraform's event stream only says that a resource is "still creating". The provider already polls the
objects it waits for, so it knows more: how far an image or a copy is, how many of a group's instances run.
When ``CDK_CLONE_PROGRESS_FILE`` names a file (``cdk-clone deploy`` sets it), each change is appended to it
as one JSON line, which the command reads to draw its view; no API call is made for it. Without the
variable nothing is written.

Lines (``object`` says which kind)::

    {"object": "image", "region": "cn-hangzhou", "id": "m-1", "instance_id": "i-1", "status": "Creating", "progress": 45}
    {"object": "image_copy", "region": "cn-shanghai", "id": "m-2", "source_image_id": "m-1", "status": "Creating", "progress": 10}
    {"object": "instances", "region": "cn-shanghai", "group": "ecsclone-5f...", "image_id": "m-2",
     "vswitch_id": "vsw-1", "running": 60, "asked": 100}
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

__all__ = ["PROGRESS_FILE_ENV", "report_image", "report_instances"]

PROGRESS_FILE_ENV = "CDK_CLONE_PROGRESS_FILE"

_lock = threading.Lock()
# The last line written per object, so that an unchanged poll writes nothing.
_last: dict[tuple[str, str], str] = {}


def _write(key: tuple[str, str], event: dict[str, Any]) -> None:
    path = os.environ.get(PROGRESS_FILE_ENV)
    if not path:
        return
    line = json.dumps(event, sort_keys=True)
    with _lock:
        if _last.get(key) == line:
            return
        _last[key] = line
        try:
            # One write of a whole line in append mode: lines of concurrent writers (several provider
            # processes when Terraform starts its own) never interleave.
            with open(path, "a", encoding="utf-8") as file:
                file.write(line + "\n")
        except OSError:
            pass  # progress is a courtesy: it never fails an apply


def report_image(kind: str, region: str, image: dict[str, Any], **source: Any) -> None:
    """An image (``kind`` "image") or a copy ("image_copy") as DescribeImages shows it; ``source`` names what
    it is made from (``instance_id=`` for an image, ``source_image_id=`` for a copy)."""
    from cdk_clone.api import percent  # here: the provider's start must not wait for the HTTP client

    image_id = str(image.get("ImageId") or "")
    if not image_id:
        return
    status = image.get("Status")
    done = percent(image.get("Progress"))
    progress = 100.0 if status == "Available" else done
    _write(
        (kind, image_id),
        {
            "object": kind,
            "region": region,
            "id": image_id,
            "status": status,
            "progress": None if progress is None else int(progress),
            **source,
        },
    )


def report_instances(region: str, group: str, image_id: str, vswitch_id: str, running: int, asked: int) -> None:
    """How many instances of the group ``group`` (launched from ``image_id`` into ``vswitch_id``) run, out of
    ``asked``."""
    _write(
        ("instances", group),
        {
            "object": "instances",
            "region": region,
            "group": group,
            "image_id": image_id,
            "vswitch_id": vswitch_id,
            "running": running,
            "asked": asked,
        },
    )
