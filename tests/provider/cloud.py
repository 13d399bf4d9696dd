"""Looking at the fake cloud from a test: its state, and raw API calls made behind Terraform's back."""

from __future__ import annotations

import json
import time
from typing import Any

from cdk_clone.api import AlibabaCloudClient, Credentials


def objects(fake: Any, kind: str, region: str = "cn-hangzhou") -> list[dict[str, Any]]:
    """The fake's objects of one kind (``vpcs``, ``vswitches``, ``security_groups``, ``images``, ``instances``)."""
    regions: dict[str, Any] = fake.cloud.dump()["accounts"][fake.access_key_id]["regions"]
    found: list[dict[str, Any]] = regions.get(region, {}).get(kind, [])
    return found


def client(fake: Any, region: str = "cn-hangzhou") -> AlibabaCloudClient:
    """An API client of the fake, to change things behind Terraform's back."""
    return AlibabaCloudClient(
        region,
        credentials=Credentials(fake.access_key_id, fake.access_key_secret),
        endpoint=fake.url,
    )


def deleted_by_hand(fake: Any, kind: str, object_id: str, region: str = "cn-hangzhou") -> None:
    """Delete an instance or a vSwitch behind Terraform's back and wait until the API no longer shows it.

    Deletions take a moment, on Alibaba and on the fake (a released instance is shown Stopping, a vSwitch
    being deleted Pending), and a plan made in that moment still finds the object, rightly.
    """
    api = client(fake, region)
    if kind == "instance":
        api.ecs("DeleteInstance", {"InstanceId": object_id, "Force": True})

        def shown() -> bool:
            answer = api.ecs("DescribeInstances", {"InstanceIds": json.dumps([object_id])})
            return bool(answer["Instances"]["Instance"])
    elif kind == "vswitch":
        api.vpc("DeleteVSwitch", {"VSwitchId": object_id})

        def shown() -> bool:
            return bool(api.vpc("DescribeVSwitches", {"VSwitchId": object_id})["VSwitches"]["VSwitch"])
    else:
        raise ValueError(f"deleted_by_hand knows instances and vSwitches, not {kind!r}")
    deadline = time.monotonic() + 30
    while shown():
        assert time.monotonic() < deadline, f"{kind} {object_id} is still shown 30 s after its deletion"
        time.sleep(0.05)
