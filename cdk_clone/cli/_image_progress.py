"""Image progress during a deploy: the percentage the API reports for images still being made or copied.

Terraform's event stream only says a resource is "still creating"; custom images and cross-region copies
are the slow part of a clone (minutes to hours on a real cloud), so while Terraform runs, a background
thread asks DescribeImages in the stack's regions and prints each image's progress when it changes::

    image m-uf6abc (TemplateScratch-i-bp1...-20250101) in cn-shanghai: 45%
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Self, TextIO

__all__ = ["ImageProgressWatcher", "stack_regions"]

INTERVAL_ENV = "CDK_CLONE_PROGRESS_INTERVAL"
_PENDING = "Creating,Waiting"


def stack_regions(config_file: Path) -> list[str]:
    """The regions of the ecsclone providers in a synthesized stack."""
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    providers = (config.get("provider") or {}).get("ecsclone") or []
    if isinstance(providers, dict):
        providers = [providers]
    return sorted({str(p["region"]) for p in providers if isinstance(p, dict) and p.get("region")})


class ImageProgressWatcher:
    """Polls image progress in ``regions`` until stopped; a context manager.

    Example::

        with ImageProgressWatcher(["cn-hangzhou", "cn-shanghai"], out=sys.stdout):
            terraform.apply(...)
    """

    def __init__(self, regions: list[str], out: TextIO, interval: float | None = None) -> None:
        self.regions = regions
        self.out = out
        self.interval = interval if interval is not None else float(os.environ.get(INTERVAL_ENV, "5"))
        self._stop = threading.Event()
        self._seen: dict[str, str] = {}
        self._thread = threading.Thread(target=self._run, name="image-progress", daemon=True)

    def __enter__(self) -> Self:
        if self.regions and self.interval > 0:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        from cdk_clone.api import AlibabaCloudClient, CredentialsNotFound

        try:
            clients = {region: AlibabaCloudClient(region) for region in self.regions}
        except (CredentialsNotFound, ValueError):
            return
        # The first look comes after one interval: quick deploys never pay for it.
        while not self._stop.wait(self.interval):
            for region, client in clients.items():
                try:
                    answer = client.ecs(
                        "DescribeImages",
                        {"RegionId": region, "ImageOwnerAlias": "self", "Status": _PENDING, "PageSize": 100},
                    )
                except Exception:  # noqa: BLE001, S112  # progress is a courtesy: it must never disturb the deploy
                    continue
                for image in (answer.get("Images") or {}).get("Image") or []:
                    progress = str(image.get("Progress") or "")
                    image_id = str(image.get("ImageId"))
                    if progress and self._seen.get(image_id) != progress:
                        self._seen[image_id] = progress
                        self.out.write(f"       image {image_id} ({image.get('ImageName')}) in {region}: {progress}\n")
                        self.out.flush()
        for client in clients.values():
            client.close()
