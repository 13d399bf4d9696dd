"""Shared helpers for the action tests that call dispatch() in process: a controllable clock and call helpers."""

from __future__ import annotations

from typing import Any

from fake_api.dispatch import dispatch
from fake_api.models import FakeCloud
from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_VSWITCH_ID

ECS = "2014-05-26"
R = "cn-hangzhou"


class Clock:
    """Epoch seconds that only move when a test moves them."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def ecs(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    """One ECS call as the wire layer makes it (every value a string); None values are left out."""
    return dispatch(cloud, "testid", ECS, action, {k: str(v) for k, v in params.items() if v is not None})


def launch(cloud: FakeCloud, region: str = R, **extra: Any) -> list[str]:
    """RunInstances into the demo vSwitch and group (or whatever ``extra`` names); the new instance IDs."""
    params: dict[str, Any] = {
        "RegionId": region,
        "ImageId": DEMO_IMAGE_ID,
        "InstanceType": "ecs.g7.large",
        "VSwitchId": DEMO_VSWITCH_ID,
        "SecurityGroupId": DEMO_SECURITY_GROUP_ID,
        **extra,
    }
    ids: list[str] = ecs(cloud, "RunInstances", **params)["InstanceIdSets"]["InstanceIdSet"]
    return ids


def disks_of(cloud: FakeCloud, instance_id: str, region: str = R) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ecs(cloud, "DescribeDisks", RegionId=region, InstanceId=instance_id)["Disks"]["Disk"]
    return found


def data_disks(*disks: dict[str, Any]) -> dict[str, Any]:
    """``DataDisk.N.Field`` parameters from dicts of fields, N from 1."""
    return {f"DataDisk.{n}.{k}": v for n, disk in enumerate(disks, start=1) for k, v in disk.items()}
