"""Billing rules: subscription (PrePaid) instances are not released before they expire; ModifyInstanceChargeType."""

from __future__ import annotations

import json
from typing import Any

import pytest
from actions_support import Clock

from fake_api.dispatch import dispatch
from fake_api.exceptions import (
    ChargeTypeViolation,
    ExpiredInstance,
    FakeApiError,
    InstancesIdQuotaExceed,
    InvalidInstanceChargeTypeValueNotSupported,
    InvalidPeriod,
    InvalidStatusValueNotSupported,
    LastTokenProcessing,
)
from fake_api.models import FakeCloud
from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_SOURCE_INSTANCE_ID, DEMO_VSWITCH_ID

R = "cn-hangzhou"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    return FakeCloud("demo", clock=clock)


def ecs(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", "2014-05-26", action, {k: str(v) for k, v in params.items()})


def refused(cloud: FakeCloud, error: type[FakeApiError], action: str, **params: Any) -> FakeApiError:
    with pytest.raises(error) as raised:
        ecs(cloud, action, **params)
    return raised.value


def subscription(cloud: FakeCloud, clock: Clock) -> str:
    (instance_id,) = ecs(
        cloud,
        "RunInstances",
        RegionId=R,
        ImageId=DEMO_IMAGE_ID,
        InstanceType="ecs.g7.large",
        VSwitchId=DEMO_VSWITCH_ID,
        SecurityGroupId=DEMO_SECURITY_GROUP_ID,
        InstanceChargeType="PrePaid",
        Period=1,
    )["InstanceIdSets"]["InstanceIdSet"]
    clock.now += 2
    return str(instance_id)


def shown(cloud: FakeCloud, instance_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = ecs(cloud, "DescribeInstanceAttribute", InstanceId=instance_id)
    return answer


def test_a_subscription_is_released_only_once_converted_to_pay_as_you_go(cloud: FakeCloud, clock: Clock) -> None:
    instance_id = subscription(cloud, clock)
    error = refused(cloud, ChargeTypeViolation, "DeleteInstance", InstanceId=instance_id, Force="true")
    assert (error.http_status, error.message.split(" (")[0]) == (
        403,
        "The operation is not permitted due to charge type of the instance.",
    )
    refused(cloud, ChargeTypeViolation, "DeleteInstances", RegionId=R, **{"InstanceId.1": instance_id}, Force="true")
    answer = ecs(
        cloud,
        "ModifyInstanceChargeType",
        RegionId=R,
        InstanceIds=json.dumps([instance_id]),
        InstanceChargeType="PostPaid",
    )
    assert answer["OrderId"] and answer["FeeOfInstances"]["FeeOfInstance"][0]["InstanceId"] == instance_id
    assert (shown(cloud, instance_id)["InstanceChargeType"], shown(cloud, instance_id)["ExpiredTime"]) == (
        "PostPaid",
        "2099-12-31T15:59Z",
    )
    # The order is still being processed: the release waits for it.
    error = refused(cloud, LastTokenProcessing, "DeleteInstance", InstanceId=instance_id, Force="true")
    assert error.message.startswith("The last token request is processing.")
    clock.now += 0.31
    ecs(cloud, "DeleteInstance", InstanceId=instance_id, Force="true")


def test_pay_as_you_go_becomes_a_subscription_with_a_period(cloud: FakeCloud, clock: Clock) -> None:
    ids = json.dumps([DEMO_SOURCE_INSTANCE_ID])
    refused(cloud, InvalidPeriod, "ModifyInstanceChargeType", RegionId=R, InstanceIds=ids, InstanceChargeType="PrePaid")
    refused(cloud, InvalidPeriod, "ModifyInstanceChargeType", RegionId=R, InstanceIds=ids, Period=10)
    ecs(cloud, "ModifyInstanceChargeType", RegionId=R, InstanceIds=ids, Period=2, PeriodUnit="Week")
    after = shown(cloud, DEMO_SOURCE_INSTANCE_ID)
    assert after["InstanceChargeType"] == "PrePaid" and after["ExpiredTime"].startswith("2023-11-28")
    clock.now += 1
    error = refused(
        cloud,
        InvalidInstanceChargeTypeValueNotSupported,
        "ModifyInstanceChargeType",
        RegionId=R,
        InstanceIds=ids,
        Period=1,
    )
    assert "already PrePaid" in error.message


def test_conversions_refuse_instances_in_transition_and_too_many_at_once(cloud: FakeCloud) -> None:
    ecs(cloud, "StopInstance", InstanceId=DEMO_SOURCE_INSTANCE_ID)
    error = refused(
        cloud,
        InvalidStatusValueNotSupported,
        "ModifyInstanceChargeType",
        RegionId=R,
        InstanceIds=json.dumps([DEMO_SOURCE_INSTANCE_ID]),
        Period=1,
    )
    assert "Stopping" in error.message
    refused(
        cloud,
        InstancesIdQuotaExceed,
        "ModifyInstanceChargeType",
        RegionId=R,
        InstanceIds=json.dumps([f"i-{n}" for n in range(21)]),
        Period=1,
    )


def test_an_expired_subscription_is_released_with_terminate_subscription(cloud: FakeCloud) -> None:
    with cloud.lock:
        instance_id = cloud.seed_instance(
            R,
            vswitch_id=DEMO_VSWITCH_ID,
            security_group_ids=[DEMO_SECURITY_GROUP_ID],
            image_id=DEMO_IMAGE_ID,
            charge_type="PrePaid",
            period=1,
            period_unit="Month",
            expired_time="2020-01-01T00:00Z",
        )
    refused(
        cloud,
        ExpiredInstance,
        "ModifyInstanceChargeType",
        RegionId=R,
        InstanceIds=json.dumps([instance_id]),
        InstanceChargeType="PostPaid",
    )
    error = refused(cloud, ChargeTypeViolation, "DeleteInstance", InstanceId=instance_id, Force="true")
    assert "TerminateSubscription=true" in error.message
    ecs(cloud, "DeleteInstance", InstanceId=instance_id, Force="true", TerminateSubscription="true")
