"""What `cdk-clone destroy` removes that no state names: each object is gone from the API when it is reported
removed, as the provider's own deletes wait for, even where Alibaba keeps showing it for a moment."""

from __future__ import annotations

import io
import time
from typing import Any

from cdk_clone.api import AlibabaCloudClient, Credentials
from cdk_clone.cli._untracked import UntrackedObject, remove_untracked

REGION = "cn-shanghai"


def _client(fake: Any) -> AlibabaCloudClient:
    return AlibabaCloudClient(REGION, credentials=Credentials(fake.access_key_id, fake.access_key_secret), endpoint=fake.url)


def _shown(client: AlibabaCloudClient, kind: str, object_id: str) -> list[dict[str, Any]]:
    if kind == "VPC":
        vpcs: list[dict[str, Any]] = client.vpc("DescribeVpcs", {"VpcId": object_id})["Vpcs"]["Vpc"]
        return vpcs
    vswitches: list[dict[str, Any]] = client.vpc("DescribeVSwitches", {"VSwitchId": object_id})["VSwitches"]["VSwitch"]
    return vswitches


def _until_available(client: AlibabaCloudClient, kind: str, object_id: str) -> str:
    deadline = time.monotonic() + 10
    while not [o for o in _shown(client, kind, object_id) if o.get("Status") == "Available"]:
        assert time.monotonic() < deadline, f"{kind} {object_id} never became Available"
        time.sleep(0.05)
    return object_id


def test_a_removed_vpc_and_vswitch_are_no_longer_shown_when_reported(fake_cloud_empty: Any) -> None:
    fake = fake_cloud_empty
    fake.cloud.set_transition("vpc_delete", "seconds", 1.0)  # the VPC is shown (Pending) for a second after DeleteVpc
    with _client(fake) as client:
        vpc_id = _until_available(client, "VPC", client.vpc("CreateVpc", {"CidrBlock": "10.7.0.0/16"})["VpcId"])
        zone = client.ecs("DescribeZones", {})["Zones"]["Zone"][0]["ZoneId"]
        ask = {"VpcId": vpc_id, "CidrBlock": "10.7.1.0/24", "ZoneId": zone}
        vswitch_id = _until_available(client, "vSwitch", client.vpc("CreateVSwitch", ask)["VSwitchId"])
        out = io.StringIO()
        orphans = [
            UntrackedObject(REGION, "vSwitch", vswitch_id, "Available", "clones/web", endpoint=fake.url),
            UntrackedObject(REGION, "VPC", vpc_id, "Available", "clones/web", endpoint=fake.url),
        ]
        remove_untracked(orphans, out=out, client_for=lambda region, endpoint: _client(fake), pause=0.05)
        assert f"removed VPC {vpc_id} in {REGION}" in out.getvalue()
        assert _shown(client, "VPC", vpc_id) == []
        assert _shown(client, "vSwitch", vswitch_id) == []
