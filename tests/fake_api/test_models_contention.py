"""Contention: the conflict codes Alibaba answers while objects are busy, each in the situation it arises in.

The cloud runs the default ``fast`` profile on a frozen clock, so each window passes exactly when a test says.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from actions_support import Clock

from fake_api.app import create_app, endpoint_of
from fake_api.dispatch import dispatch
from fake_api.exceptions import (
    DependencyViolation,
    DependencyViolationVSwitch,
    DryRunOperation,
    FakeApiError,
    IncorrectImageStatus,
    IncorrectInstanceStatus,
    IncorrectInstanceStatusInitializing,
    IncorrectVpcStatus,
    IncorrectVSwitchStatus,
    InvalidInstanceIdNotFound,
    InvalidVpcIdNotFound,
    LastTokenProcessing,
    OperationConflict,
    TaskConflict,
)
from fake_api.models import FakeCloud
from fake_api.rpc_client import RpcClient
from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_SOURCE_INSTANCE_ID

ECS, VPC = "2014-05-26", "2016-04-28"
R = "cn-shanghai"
ZONE = "cn-shanghai-e"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    return FakeCloud("demo", clock=clock)


def call(cloud: FakeCloud, action: str, version: str = ECS, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", version, action, {k: str(v) for k, v in params.items()})


def refused(
    cloud: FakeCloud, error: type[FakeApiError], action: str, version: str = ECS, **params: Any
) -> FakeApiError:
    with pytest.raises(error) as raised:
        call(cloud, action, version, **params)
    return raised.value


class Network:
    """A VPC, a vSwitch, a security group and one Running instance in cn-shanghai, all settled."""

    def __init__(self, cloud: FakeCloud, clock: Clock) -> None:
        self.vpc = call(cloud, "CreateVpc", VPC, RegionId=R, CidrBlock="10.0.0.0/8")["VpcId"]
        clock.now += 1
        self.vswitch = call(
            cloud, "CreateVSwitch", VPC, RegionId=R, VpcId=self.vpc, ZoneId=ZONE, CidrBlock="10.1.0.0/16"
        )["VSwitchId"]
        self.group = call(cloud, "CreateSecurityGroup", RegionId=R, VpcId=self.vpc)["SecurityGroupId"]
        clock.now += 1
        self.instance = call(
            cloud,
            "RunInstances",
            RegionId=R,
            ImageId=DEMO_IMAGE_ID,
            InstanceType="ecs.g7.large",
            VSwitchId=self.vswitch,
            SecurityGroupId=self.group,
        )["InstanceIdSets"]["InstanceIdSet"][0]
        clock.now += 2


def instance_status(cloud: FakeCloud, instance_id: str) -> str:
    status: str = call(cloud, "DescribeInstanceAttribute", InstanceId=instance_id)["Status"]
    return status


def test_a_launching_instance_cannot_be_released_even_by_force(cloud: FakeCloud, clock: Clock) -> None:
    network = Network(cloud, clock)
    (launching,) = call(
        cloud,
        "RunInstances",
        RegionId=R,
        ImageId=DEMO_IMAGE_ID,
        InstanceType="ecs.g7.large",
        VSwitchId=network.vswitch,
        SecurityGroupId=network.group,
    )["InstanceIdSets"]["InstanceIdSet"]
    error = refused(cloud, IncorrectInstanceStatusInitializing, "DeleteInstance", InstanceId=launching, Force="true")
    assert (error.code, error.http_status) == ("IncorrectInstanceStatus.Initializing", 403)
    assert error.message.startswith("The specified instance status does not support this operation.")
    clock.now += 1
    call(cloud, "DeleteInstance", InstanceId=launching, Force="true")


def test_a_released_instance_holds_its_network_for_a_while(cloud: FakeCloud, clock: Clock) -> None:
    network = Network(cloud, clock)
    call(cloud, "DeleteInstances", RegionId=R, **{"InstanceId.1": network.instance}, Force="true")
    # Still shown, Stopping, and nothing more can be done with it.
    assert instance_status(cloud, network.instance) == "Stopping"
    refused(cloud, IncorrectInstanceStatus, "StartInstance", InstanceId=network.instance)
    refused(cloud, IncorrectInstanceStatus, "DeleteInstance", InstanceId=network.instance, Force="true")
    refused(cloud, IncorrectInstanceStatus, "CreateImage", RegionId=R, InstanceId=network.instance)
    error = refused(cloud, DependencyViolation, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=network.vswitch)
    assert "still has instances" in error.message
    clock.now += 0.31
    refused(cloud, InvalidInstanceIdNotFound, "DescribeInstanceAttribute", InstanceId=network.instance)
    # Gone, but its network interface still holds the vSwitch and the group.
    error = refused(cloud, DependencyViolation, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=network.vswitch)
    assert error.message.startswith("Specified object has dependent resources.") and network.instance in error.message
    error = refused(cloud, DependencyViolation, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=network.group)
    assert error.message.startswith("There is still instance(s) in the specified security group.")
    clock.now += 0.51
    call(cloud, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=network.group)
    call(cloud, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=network.vswitch)


def test_vswitch_and_vpc_deletions_take_time_and_refuse_what_alibaba_refuses(cloud: FakeCloud, clock: Clock) -> None:
    network = Network(cloud, clock)
    call(cloud, "DeleteInstance", InstanceId=network.instance, Force="true")
    clock.now += 1
    call(cloud, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=network.group)
    other = call(cloud, "CreateVSwitch", VPC, RegionId=R, VpcId=network.vpc, ZoneId=ZONE, CidrBlock="10.2.0.0/16")[
        "VSwitchId"
    ]
    clock.now += 1
    call(cloud, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=network.vswitch)
    shown = call(cloud, "DescribeVSwitches", VPC, RegionId=R, VSwitchId=network.vswitch)["VSwitches"]["VSwitch"]
    assert [v["Status"] for v in shown] == ["Pending"]
    refused(cloud, IncorrectVSwitchStatus, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=network.vswitch)
    # One vSwitch task at a time per VPC: another vSwitch cannot be made or deleted meanwhile.
    error = refused(cloud, TaskConflict, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=other)
    assert (error.http_status, error.message.split(" (")[0]) == (
        400,
        "The operation is too frequent, please wait a moment and try again.",
    )
    refused(
        cloud, TaskConflict, "CreateVSwitch", VPC, RegionId=R, VpcId=network.vpc, ZoneId=ZONE, CidrBlock="10.3.0.0/16"
    )
    clock.now += 0.21
    assert call(cloud, "DescribeVSwitches", VPC, RegionId=R, VSwitchId=network.vswitch)["TotalCount"] == 0
    refused(cloud, DependencyViolationVSwitch, "DeleteVpc", VPC, RegionId=R, VpcId=network.vpc)
    call(cloud, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=other)
    error = refused(cloud, DependencyViolationVSwitch, "DeleteVpc", VPC, RegionId=R, VpcId=network.vpc)
    assert "being deleted" in error.message
    clock.now += 0.21
    call(cloud, "DeleteVpc", VPC, RegionId=R, VpcId=network.vpc)
    assert call(cloud, "DescribeVpcs", VPC, RegionId=R, VpcId=network.vpc)["Vpcs"]["Vpc"][0]["Status"] == "Pending"
    error = refused(
        cloud,
        IncorrectVpcStatus,
        "CreateVSwitch",
        VPC,
        RegionId=R,
        VpcId=network.vpc,
        ZoneId=ZONE,
        CidrBlock="10.4.0.0/16",
    )
    assert error.message.startswith("Current VPC status does not support this operation.")
    refused(cloud, IncorrectVpcStatus, "DeleteVpc", VPC, RegionId=R, VpcId=network.vpc)
    clock.now += 0.21
    refused(cloud, InvalidVpcIdNotFound, "ModifyVpcAttribute", VPC, RegionId=R, VpcId=network.vpc, VpcName="gone")


def test_pending_networks_refuse_what_needs_them_available(cloud: FakeCloud, clock: Clock) -> None:
    vpc_id = call(cloud, "CreateVpc", VPC, RegionId=R, CidrBlock="10.0.0.0/8")["VpcId"]
    error = refused(
        cloud, IncorrectVpcStatus, "CreateVSwitch", VPC, RegionId=R, VpcId=vpc_id, ZoneId=ZONE, CidrBlock="10.1.0.0/16"
    )
    assert error.http_status == 400
    refused(cloud, IncorrectVpcStatus, "CreateSecurityGroup", RegionId=R, VpcId=vpc_id)
    refused(cloud, IncorrectVpcStatus, "DeleteVpc", VPC, RegionId=R, VpcId=vpc_id)
    clock.now += 0.31
    first = call(cloud, "CreateVSwitch", VPC, RegionId=R, VpcId=vpc_id, ZoneId=ZONE, CidrBlock="10.1.0.0/16")[
        "VSwitchId"
    ]
    error = refused(
        cloud,
        IncorrectVSwitchStatus,
        "CreateVSwitch",
        VPC,
        RegionId=R,
        VpcId=vpc_id,
        ZoneId=ZONE,
        CidrBlock="10.2.0.0/16",
    )
    assert error.message.startswith("VSwitch creation simultaneously is not supported.")
    group = call(cloud, "CreateSecurityGroup", RegionId=R, VpcId=vpc_id)["SecurityGroupId"]
    error = refused(
        cloud,
        IncorrectVSwitchStatus,
        "RunInstances",
        RegionId=R,
        ImageId=DEMO_IMAGE_ID,
        InstanceType="ecs.g7.large",
        VSwitchId=first,
        SecurityGroupId=group,
    )
    assert error.message.startswith("The current virtual switch status does not support this operation.")
    refused(cloud, IncorrectVSwitchStatus, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=first)


def test_two_changes_of_one_object_at_once_conflict(cloud: FakeCloud, clock: Clock) -> None:
    rule = {
        "RegionId": "cn-hangzhou",
        "SecurityGroupId": DEMO_SECURITY_GROUP_ID,
        "IpProtocol": "tcp",
        "PortRange": "9000/9000",
        "SourceCidrIp": "10.0.0.0/8",
    }
    call(cloud, "AuthorizeSecurityGroup", **rule)
    error = refused(cloud, OperationConflict, "AuthorizeSecurityGroupEgress", **{**rule, "DestCidrIp": "10.0.0.0/8"})
    assert (error.http_status, error.message.split(" (")[0]) == (
        409,
        "Request was denied due to conflict with a previous request.",
    )
    refused(
        cloud,
        OperationConflict,
        "ModifySecurityGroupAttribute",
        RegionId="cn-hangzhou",
        SecurityGroupId=DEMO_SECURITY_GROUP_ID,
        SecurityGroupName="renamed",
    )
    # Another object is not busy; this one is free again once the first change has been answered.
    call(cloud, "ModifyInstanceAttribute", InstanceId=DEMO_SOURCE_INSTANCE_ID, Description="changed here")
    clock.now += 0.06
    call(cloud, "RevokeSecurityGroup", **rule)


def test_a_client_token_reused_while_its_first_call_is_processed(cloud: FakeCloud, clock: Clock) -> None:
    first = call(cloud, "CreateVpc", VPC, RegionId=R, CidrBlock="10.0.0.0/8", ClientToken="t-1")
    error = refused(cloud, LastTokenProcessing, "CreateVpc", VPC, RegionId=R, CidrBlock="10.0.0.0/8", ClientToken="t-1")
    assert (error.http_status, error.message.split(" (")[0]) == (403, "The last token request is processing.")
    clock.now += 0.31
    assert call(cloud, "CreateVpc", VPC, RegionId=R, CidrBlock="10.0.0.0/8", ClientToken="t-1") == first
    assert call(cloud, "DescribeVpcs", VPC, RegionId=R)["TotalCount"] == 1


def test_a_copy_in_progress_can_be_cancelled_and_a_finished_one_cannot(cloud: FakeCloud, clock: Clock) -> None:
    image = call(cloud, "CreateImage", RegionId="cn-hangzhou", InstanceId=DEMO_SOURCE_INSTANCE_ID)["ImageId"]
    clock.now += 1
    copy = call(cloud, "CopyImage", RegionId="cn-hangzhou", ImageId=image, DestinationRegionId=R)["ImageId"]
    done = call(
        cloud,
        "CopyImage",
        RegionId="cn-hangzhou",
        ImageId=image,
        DestinationRegionId=R,
        DestinationImageName="second-copy",
    )["ImageId"]
    clock.now += 0.06
    call(cloud, "CancelCopyImage", RegionId=R, ImageId=copy)
    assert call(cloud, "DescribeImages", RegionId=R, ImageId=copy, Status="Creating,Available")["TotalCount"] == 0
    clock.now += 1.5
    refused(cloud, IncorrectImageStatus, "CancelCopyImage", RegionId=R, ImageId=done)


def test_dry_run_checks_everything_and_changes_nothing(cloud: FakeCloud, clock: Clock) -> None:
    network = Network(cloud, clock)
    before = cloud.dump()
    for action, version, params in [
        ("CreateImage", ECS, {"RegionId": R, "InstanceId": network.instance, "ImageName": "dry"}),
        ("DeleteInstance", ECS, {"InstanceId": network.instance, "Force": "true"}),
        (
            "AuthorizeSecurityGroup",
            ECS,
            {"RegionId": R, "SecurityGroupId": network.group, "IpProtocol": "all", "SourceCidrIp": "0.0.0.0/0"},
        ),
        ("CreateVSwitch", VPC, {"RegionId": R, "VpcId": network.vpc, "ZoneId": ZONE, "CidrBlock": "10.9.0.0/16"}),
    ]:
        error = refused(cloud, DryRunOperation, action, version, DryRun="true", **params)
        assert error.message.startswith("Request validation has been passed with DryRun flag set.")
    assert cloud.dump() == before
    # Whatever the call would refuse, DryRun refuses too.
    refused(cloud, DependencyViolation, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=network.group, DryRun="true")
    assert cloud.dump() == before


def test_objects_being_deleted_survive_a_world_round_trip(cloud: FakeCloud, clock: Clock) -> None:
    network = Network(cloud, clock)
    call(cloud, "DeleteInstance", InstanceId=network.instance, Force="true")
    world = cloud.dump()
    again = FakeCloud(world, clock=clock)
    assert again.dump() == world
    assert instance_status(again, network.instance) == "Stopping"
    clock.now += 0.31
    refused(again, DependencyViolation, "DeleteVSwitch", VPC, RegionId=R, VSwitchId=network.vswitch)


def test_over_the_wire_changes_one_after_the_other_never_conflict_but_two_at_once_do() -> None:
    # The wire answers a change once it is processed (the request window), so a client that waits for each
    # answer never meets OperationConflict; two clients changing one group at the same moment do.
    app = create_app(seed="demo")
    endpoint_of(app).cloud.set_transition("request", "seconds", 0.5)
    group = {"RegionId": "cn-hangzhou", "SecurityGroupId": DEMO_SECURITY_GROUP_ID}

    def rename(http: httpx.Client, name: str) -> str:
        code: str = RpcClient(http).get("ModifySecurityGroupAttribute", **group, SecurityGroupName=name).json().get(
            "Code", "OK"
        )
        return code

    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://fake.test") as http:
        assert [rename(http, f"one-after-the-other-{n}") for n in range(3)] == ["OK", "OK", "OK"]
        with ThreadPoolExecutor(max_workers=2) as pool:
            codes = sorted(pool.map(lambda n: rename(http, f"at-once-{n}"), range(2)))
    assert codes == ["OK", "OperationConflict"]
