"""The control API's seeding of what the fake has no API for: KMS keys, RAM roles, resource groups."""

from __future__ import annotations

import json

import httpx

from fake_api.rpc_client import RpcClient
from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_VSWITCH_ID

LAUNCH = {
    "RegionId": "cn-hangzhou",
    "ImageId": DEMO_IMAGE_ID,
    "InstanceType": "ecs.g7.large",
    "VSwitchId": DEMO_VSWITCH_ID,
    "SecurityGroupId": DEMO_SECURITY_GROUP_ID,
}


def test_seeded_key_role_and_group_serve_a_launch(wire: RpcClient, wire_http: httpx.Client) -> None:
    key = wire_http.post("/_fake/kms-keys", json={"region": "cn-hangzhou", "key_id": "0e478b7a-4262-4802-b8cb-00d3fb40f001"})
    assert key.json() == {"ok": True, "key_id": "0e478b7a-4262-4802-b8cb-00d3fb40f001"}
    role = wire_http.post("/_fake/ram-roles", json={"name": "ControlRole"}).json()
    assert role["ok"] and role["arn"].endswith(":role/controlrole")
    group = wire_http.post("/_fake/resource-groups", json={"resource_group_id": "rg-control01", "name": "control"})
    assert group.json() == {"ok": True, "resource_group_id": "rg-control01"}
    answer = wire.get(
        "RunInstances",
        RamRoleName="ControlRole",
        ResourceGroupId="rg-control01",
        **{"DataDisk.1.Size": "40", "DataDisk.1.Encrypted": "true",
           "DataDisk.1.KMSKeyId": "0e478b7a-4262-4802-b8cb-00d3fb40f001"},
        **LAUNCH,
    ).json()
    (instance_id,) = answer["InstanceIdSets"]["InstanceIdSet"]
    found = wire.get("DescribeInstances", RegionId="cn-hangzhou", InstanceIds=json.dumps([instance_id])).json()
    assert found["Instances"]["Instance"][0]["ResourceGroupId"] == "rg-control01"
    disk = wire.get("DescribeDisks", RegionId="cn-hangzhou", InstanceId=instance_id, DiskType="data").json()
    assert disk["Disks"]["Disk"][0]["KMSKeyId"] == "0e478b7a-4262-4802-b8cb-00d3fb40f001"


def test_bad_seeding_requests_get_400(wire_http: httpx.Client) -> None:
    for path, body, words in (
        ("/_fake/kms-keys", {"region": "mars-1"}, "does not exist"),
        ("/_fake/kms-keys", {"region": "cn-hangzhou", "state": "Melted"}, "KMS key state"),
        ("/_fake/ram-roles", {"name": "bad name!"}, "RAM role name"),
        ("/_fake/resource-groups", {"resource_group_id": "group-1"}, "must start with rg-"),
        ("/_fake/ram-roles", {}, "missing field(s) name"),
    ):
        response = wire_http.post(path, json=body)
        assert response.status_code == 400 and words in response.json()["error"], (path, response.text)
