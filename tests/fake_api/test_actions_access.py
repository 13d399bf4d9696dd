"""Access and identity through dispatch(): SSH key pairs, RAM roles, user data, resource groups and deployment
sets, on their own actions and on RunInstances."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from actions_support import Clock, R, ecs, launch
from cryptography.hazmat.primitives import serialization

from fake_api.exceptions import (
    DependencyViolationKeyPair,
    DependencyViolationNotEmpty,
    DeploymentSetNotFound,
    FakeApiError,
    InvalidDeploymentSetNameMalformed,
    InvalidInstanceIdsMalformed,
    InvalidKeyPairNameMalformed,
    InvalidKeyPairNameNotFound,
    InvalidKeyPairNamesValueNotSupported,
    InvalidParameter,
    InvalidParameterAllEmpty,
    InvalidParameterStrategy,
    InvalidPublicKeyBodyMalformed,
    InvalidRamRoleNotEcsRole,
    InvalidRamRoleNotFound,
    InvalidUserDataBase64FormatInvalid,
    InvalidUserDataSizeExceeded,
    KeyPairAlreadyExist,
    QuotaExceedDeploymentSetInstanceQuotaFull,
)
from fake_api.models import FakeCloud

WINDOWS_IMAGE = "win2022_21H2_x64_dtc_en-us_40G_alibase_20240412.vhd"


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    cloud = FakeCloud("demo", clock=clock, profile="instant")
    cloud.seed_ram_role(name="EcsAppRole", description="app servers")
    cloud.seed_ram_role(name="OtherEcsRole")
    cloud.seed_ram_role(name="FunctionRole", services=["fc.aliyuncs.com"])
    return cloud


def instance(cloud: FakeCloud, instance_id: str) -> dict[str, Any]:
    (found,) = ecs(cloud, "DescribeInstances", RegionId=R, InstanceIds=json.dumps([instance_id]))["Instances"]["Instance"]
    return found


# Key pairs ------------------------------------------------------------------------------------------------
def test_create_key_pair_gives_a_working_private_key_once(cloud: FakeCloud) -> None:
    answer = ecs(cloud, "CreateKeyPair", RegionId=R, KeyPairName="deploy-key", **{"Tag.1.Key": "team", "Tag.1.Value": "ops"})
    private = serialization.load_pem_private_key(answer["PrivateKeyBody"].encode(), password=None)
    assert answer["PrivateKeyBody"].startswith("-----BEGIN PRIVATE KEY-----")  # PKCS#8
    public_line = private.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    blob = base64.b64decode(public_line.split()[1])
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    assert answer["KeyPairFingerPrint"] == ":".join(digest[i : i + 2] for i in range(0, 32, 2))
    assert answer["KeyPairId"].startswith("ssh-")
    (listed,) = ecs(cloud, "DescribeKeyPairs", RegionId=R, IncludePublicKey="true")["KeyPairs"]["KeyPair"]
    assert (listed["KeyPairName"], listed["PublicKey"], listed["KeyPairFingerPrint"]) == (
        "deploy-key", public_line.decode(), answer["KeyPairFingerPrint"],
    )
    assert listed["Tags"]["Tag"] == [{"TagKey": "team", "TagValue": "ops"}]
    assert "PublicKey" not in ecs(cloud, "DescribeKeyPairs", RegionId=R)["KeyPairs"]["KeyPair"][0]
    assert "PrivateKeyBody" not in json.dumps(cloud.dump())  # the private key is never kept


def test_import_key_pair_into_another_region(cloud: FakeCloud) -> None:
    created = ecs(cloud, "CreateKeyPair", RegionId=R, KeyPairName="deploy-key")
    (listed,) = ecs(cloud, "DescribeKeyPairs", RegionId=R, IncludePublicKey="true")["KeyPairs"]["KeyPair"]
    imported = ecs(cloud, "ImportKeyPair", RegionId="cn-shanghai", KeyPairName="deploy-key",
                   PublicKeyBody=listed["PublicKey"] + " user@laptop")
    assert imported == {"KeyPairName": "deploy-key", "KeyPairFingerPrint": created["KeyPairFingerPrint"]}
    found = ecs(cloud, "DescribeKeyPairs", RegionId="cn-shanghai", KeyPairFingerPrint=created["KeyPairFingerPrint"])
    assert found["TotalCount"] == 1
    assert ecs(cloud, "DescribeKeyPairs", RegionId=R, KeyPairName="deploy*")["TotalCount"] == 1
    assert ecs(cloud, "DescribeKeyPairs", RegionId=R, KeyPairName="*key")["TotalCount"] == 1
    assert ecs(cloud, "DescribeKeyPairs", RegionId=R, KeyPairName="other*")["TotalCount"] == 0


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"KeyPairName": "1-starts-with-a-digit", "PublicKeyBody": "ssh-rsa AAAA"}, InvalidKeyPairNameMalformed),
        ({"KeyPairName": "kp", "PublicKeyBody": "ssh-ed448 AAAAC3Nz"}, InvalidPublicKeyBodyMalformed),
        ({"KeyPairName": "kp", "PublicKeyBody": "ssh-rsa not!base64"}, InvalidPublicKeyBodyMalformed),
        ({"KeyPairName": "kp", "PublicKeyBody": "ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x07ssh-dss").decode()},
         InvalidPublicKeyBodyMalformed),
    ],
)
def test_refused_imports(cloud: FakeCloud, params: dict[str, str], error: type[FakeApiError]) -> None:
    with pytest.raises(error) as caught:
        ecs(cloud, "ImportKeyPair", RegionId=R, **params)
    assert caught.value.http_status == 400
    assert cloud.backend("testid", R).key_pairs == {}


def test_key_pair_names_are_unique_per_region(cloud: FakeCloud) -> None:
    ecs(cloud, "CreateKeyPair", RegionId=R, KeyPairName="kp")
    with pytest.raises(KeyPairAlreadyExist):
        ecs(cloud, "CreateKeyPair", RegionId=R, KeyPairName="kp")
    ecs(cloud, "CreateKeyPair", RegionId="cn-beijing", KeyPairName="kp")


def test_a_key_pair_on_instances(cloud: FakeCloud) -> None:
    ecs(cloud, "CreateKeyPair", RegionId=R, KeyPairName="kp")
    (linux,) = launch(cloud, KeyPairName="kp")
    assert instance(cloud, linux)["KeyPairName"] == "kp"
    (windows,) = launch(cloud, ImageId=WINDOWS_IMAGE, KeyPairName="kp")  # the API ignores key pairs for Windows
    assert instance(cloud, windows)["KeyPairName"] == ""
    ecs(cloud, "ImportKeyPair", RegionId="cn-shanghai", KeyPairName="only-in-shanghai", PublicKeyBody=(
        ecs(cloud, "DescribeKeyPairs", RegionId=R, IncludePublicKey="true")["KeyPairs"]["KeyPair"][0]["PublicKey"]))
    with pytest.raises(InvalidKeyPairNameNotFound, match="ImportKeyPair") as missing:
        launch(cloud, KeyPairName="only-in-shanghai")  # key pairs are regional
    assert missing.value.http_status == 400
    with pytest.raises(DependencyViolationKeyPair, match=linux):
        ecs(cloud, "DeleteKeyPairs", RegionId=R, KeyPairNames='["kp"]')
    ecs(cloud, "DeleteInstance", InstanceId=linux, Force="true")
    ecs(cloud, "DeleteKeyPairs", RegionId=R, KeyPairNames='["kp", "never-existed"]')
    assert ecs(cloud, "DescribeKeyPairs", RegionId=R)["TotalCount"] == 0
    with pytest.raises(InvalidKeyPairNamesValueNotSupported):
        ecs(cloud, "DeleteKeyPairs", RegionId=R, KeyPairNames="[]")


# RAM roles ------------------------------------------------------------------------------------------------
def test_ram_role_on_launch_and_attach_detach(cloud: FakeCloud) -> None:
    with_role, without = launch(cloud, Amount=2, RamRoleName="EcsAppRole")
    ecs(cloud, "DetachInstanceRamRole", RegionId=R, InstanceIds=json.dumps([without]), RamRoleName="EcsAppRole")
    roles = ecs(cloud, "DescribeInstanceRamRole", RegionId=R, InstanceIds=json.dumps([with_role, without]))
    assert roles["InstanceRamRoleSets"]["InstanceRamRoleSet"] == [
        {"InstanceId": with_role, "RamRoleName": "EcsAppRole"},
        {"InstanceId": without, "RamRoleName": ""},
    ]
    attached = ecs(cloud, "AttachInstanceRamRole", RegionId=R, RamRoleName="OtherEcsRole",
                   InstanceIds=json.dumps([with_role, without]))
    results = {r["InstanceId"]: r for r in attached["AttachInstanceRamRoleResults"]["AttachInstanceRamRoleResult"]}
    assert (attached["TotalCount"], attached["FailCount"], attached["RamRoleName"]) == (2, 1, "OtherEcsRole")
    assert (results[without]["Success"], results[without]["Code"]) == (True, "200")
    assert (results[with_role]["Success"], results[with_role]["Code"]) == (False, "Operation.Conflict")
    by_role = ecs(cloud, "DescribeInstanceRamRole", RegionId=R, RamRoleName="OtherEcsRole")
    assert by_role["InstanceRamRoleSets"]["InstanceRamRoleSet"] == [{"InstanceId": without, "RamRoleName": "OtherEcsRole"}]
    detached = ecs(cloud, "DetachInstanceRamRole", RegionId=R, InstanceIds=json.dumps([with_role]))
    (result,) = detached["DetachInstanceRamRoleResults"]["DetachInstanceRamRoleResult"]
    assert result["InstanceRamRoleSets"]["InstanceRamRoleSet"] == [{"InstanceId": with_role, "RamRoleName": "EcsAppRole"}]
    assert instance(cloud, with_role)  # the instance itself is untouched


@pytest.mark.parametrize(
    ("action", "params", "error", "status"),
    [
        ("RunInstances", {"RamRoleName": "NoSuchRole"}, InvalidRamRoleNotFound, 404),
        ("RunInstances", {"RamRoleName": "FunctionRole"}, InvalidRamRoleNotEcsRole, 404),
        ("AttachInstanceRamRole", {"RamRoleName": "EcsAppRole", "InstanceIds": "[]"}, InvalidInstanceIdsMalformed, 400),
        ("DescribeInstanceRamRole", {}, InvalidParameterAllEmpty, 403),
    ],
)
def test_ram_role_refusals(
    cloud: FakeCloud, action: str, params: dict[str, str], error: type[FakeApiError], status: int
) -> None:
    with pytest.raises(error) as caught:
        if action == "RunInstances":
            launch(cloud, **params)
        else:
            ecs(cloud, action, RegionId=R, **params)
    assert caught.value.http_status == status


# User data ------------------------------------------------------------------------------------------------
def test_user_data(cloud: FakeCloud) -> None:
    script = base64.b64encode(b"#!/bin/sh\necho ready > /tmp/ready\n").decode()
    (instance_id,) = launch(cloud, UserData=script)
    assert ecs(cloud, "DescribeUserData", RegionId=R, InstanceId=instance_id) == {
        "InstanceId": instance_id, "RegionId": R, "UserData": script,
    }
    (plain,) = launch(cloud)
    assert ecs(cloud, "DescribeUserData", RegionId=R, InstanceId=plain)["UserData"] == ""
    with pytest.raises(InvalidUserDataBase64FormatInvalid):
        launch(cloud, UserData="#!/bin/sh not base64")
    launch(cloud, UserData=base64.b64encode(b"x" * 32 * 1024).decode())
    with pytest.raises(InvalidUserDataSizeExceeded, match="32769 bytes"):
        launch(cloud, UserData=base64.b64encode(b"x" * (32 * 1024 + 1)).decode())


# Resource groups ------------------------------------------------------------------------------------------
def test_resource_groups_are_the_accounts(cloud: FakeCloud) -> None:
    group = cloud.seed_resource_group(resource_group_id="rg-aek2bkxgkrr6nka", name="web")
    (instance_id,) = launch(cloud, ResourceGroupId=group)
    assert instance(cloud, instance_id)["ResourceGroupId"] == group
    vpc = cloud.seed_vpc("cn-beijing", cidr_block="10.1.0.0/16")
    vswitch = cloud.seed_vswitch("cn-beijing", vpc_id=vpc, zone_id="cn-beijing-g", cidr_block="10.1.1.0/24")
    sg = cloud.seed_security_group("cn-beijing", vpc_id=vpc, name="beijing-sg")
    (elsewhere,) = launch(cloud, "cn-beijing", VSwitchId=vswitch, SecurityGroupId=sg, ResourceGroupId=group)
    found = ecs(cloud, "DescribeInstances", RegionId="cn-beijing", InstanceIds=json.dumps([elsewhere]))
    assert found["Instances"]["Instance"][0]["ResourceGroupId"] == group  # the same group in every region


# Deployment sets ------------------------------------------------------------------------------------------
def test_deployment_sets(cloud: FakeCloud) -> None:
    spread = ecs(cloud, "CreateDeploymentSet", RegionId=R, DeploymentSetName="web-spread", Description="spread web")
    ids = launch(cloud, Amount=2, DeploymentSetId=spread["DeploymentSetId"])
    assert {instance(cloud, i)["DeploymentSetId"] for i in ids} == {spread["DeploymentSetId"]}
    (listed,) = ecs(cloud, "DescribeDeploymentSets", RegionId=R)["DeploymentSets"]["DeploymentSet"]
    assert (listed["DeploymentSetName"], listed["DeploymentStrategy"], listed["InstanceAmount"]) == (
        "web-spread", "Availability", 2,
    )
    assert sorted(listed["InstanceIds"]["InstanceId"]) == sorted(ids)
    capacity = {c["ZoneId"]: c for c in listed["Capacities"]["Capacity"]}
    assert (capacity["cn-hangzhou-h"]["UsedAmount"], capacity["cn-hangzhou-h"]["AvailableAmount"]) == (2, 18)
    with pytest.raises(QuotaExceedDeploymentSetInstanceQuotaFull, match="20 per zone") as full:
        launch(cloud, Amount=19, DeploymentSetId=spread["DeploymentSetId"])
    assert full.value.http_status == 403
    with pytest.raises(DependencyViolationNotEmpty):
        ecs(cloud, "DeleteDeploymentSet", RegionId=R, DeploymentSetId=spread["DeploymentSetId"])
    for instance_id in ids:
        ecs(cloud, "DeleteInstance", InstanceId=instance_id, Force="true")
    ecs(cloud, "DeleteDeploymentSet", RegionId=R, DeploymentSetId=spread["DeploymentSetId"])
    with pytest.raises(DeploymentSetNotFound) as gone:
        launch(cloud, DeploymentSetId=spread["DeploymentSetId"])
    assert gone.value.http_status == 404


def test_availability_groups_spread_a_batch(cloud: FakeCloud) -> None:
    grouped = ecs(cloud, "CreateDeploymentSet", RegionId=R, Strategy="AvailabilityGroup", GroupCount=3)
    ids = launch(cloud, Amount=4, DeploymentSetId=grouped["DeploymentSetId"])
    assert [instance(cloud, i)["DeploymentSetGroupNo"] for i in ids] == [1, 2, 3, 1]
    (pinned,) = launch(cloud, DeploymentSetId=grouped["DeploymentSetId"], DeploymentSetGroupNo=3)
    assert instance(cloud, pinned)["DeploymentSetGroupNo"] == 3
    with pytest.raises(InvalidParameter, match="groups 1 to 3"):
        launch(cloud, DeploymentSetId=grouped["DeploymentSetId"], DeploymentSetGroupNo=5)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"DeploymentSetName": "9lives"}, InvalidDeploymentSetNameMalformed),
        ({"Strategy": "Anywhere"}, InvalidParameterStrategy),
        ({"Strategy": "AvailabilityGroup", "GroupCount": 8}, InvalidParameter),
    ],
)
def test_refused_deployment_sets(cloud: FakeCloud, params: dict[str, Any], error: type[FakeApiError]) -> None:
    with pytest.raises(error):
        ecs(cloud, "CreateDeploymentSet", RegionId=R, **params)
    assert cloud.backend("testid", R).deployment_sets == {}
