"""Time profiles: how long asynchronous operations take, and what a client sees meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from actions_support import Clock

from fake_api.dispatch import dispatch
from fake_api.exceptions import IncorrectImageStatus, IncorrectInstanceStatus
from fake_api.models import FakeCloud
from fake_api.models.catalogue import REGIONS
from fake_api.models.profiles import PROFILE_NAMES, TIMED_KINDS, WINDOW_KINDS, TimeProfile, parse_time_scale
from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_SOURCE_INSTANCE_ID, DEMO_VPC_ID, DEMO_VSWITCH_ID

ECS, VPC = "2014-05-26", "2016-04-28"
R = "cn-hangzhou"



def call(cloud: FakeCloud, action: str, version: str = ECS, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", version, action, {k: str(v) for k, v in params.items()})


def image(cloud: FakeCloud, image_id: str, region: str = R) -> dict[str, Any]:
    found: dict[str, Any] = call(cloud, "DescribeImages", RegionId=region, ImageId=image_id, Status="Creating,Available")[
        "Images"
    ]["Image"][0]
    return found


def instance_status(cloud: FakeCloud, instance_id: str) -> str:
    status: str = call(cloud, "DescribeInstanceAttribute", InstanceId=instance_id)["Status"]
    return status


def launch(cloud: FakeCloud) -> str:
    answer = call(
        cloud,
        "RunInstances",
        RegionId=R,
        ImageId=DEMO_IMAGE_ID,
        InstanceType="ecs.g7.large",
        VSwitchId=DEMO_VSWITCH_ID,
        SecurityGroupId=DEMO_SECURITY_GROUP_ID,
    )
    instance_id: str = answer["InstanceIdSets"]["InstanceIdSet"][0]
    return instance_id


def test_realistic_at_one_sixtieth_gives_the_benchmark_durations() -> None:
    profile = TimeProfile.checked("realistic", 1 / 60)
    assert (profile.seconds("image"), profile.seconds("image_copy"), profile.seconds("instance")) == pytest.approx(
        (10.0, 15.0, 4.0)
    )


def test_copies_are_slower_than_images_and_slower_to_a_far_region() -> None:
    for name in ("fast", "realistic"):
        profile = TimeProfile.checked(name)
        near = profile.copy_seconds(REGIONS["cn-hangzhou"], REGIONS["cn-shanghai"])
        far = profile.copy_seconds(REGIONS["cn-hangzhou"], REGIONS["cn-beijing"])
        assert profile.seconds("image") < near < far, name
        assert far == 2 * near


def test_fast_takes_a_few_hundred_milliseconds_to_a_few_seconds_and_instant_takes_none() -> None:
    fast = TimeProfile.checked("fast").durations()
    assert set(fast) == set(TIMED_KINDS)
    shown = {kind: seconds for kind, seconds in fast.items() if kind not in WINDOW_KINDS}
    assert all(0.2 <= seconds <= 5 for seconds in shown.values()), shown
    assert all(0 < seconds <= 1 for kind, seconds in fast.items() if kind in WINDOW_KINDS)
    assert set(TimeProfile.checked("instant").durations().values()) == {0.0}


@pytest.mark.parametrize(
    ("name", "scale", "complaint"),
    [
        ("slow", 1.0, "unknown time profile 'slow': use one of instant, fast, realistic"),
        ("fast", 0, "time_scale must be a number > 0"),
        ("fast", -1, "time_scale must be a number > 0"),
        ("fast", True, "time_scale must be a number > 0"),
        ("fast", float("inf"), "time_scale must be a number > 0"),
        ("fast", "1/0", "a time scale is a positive number or fraction"),
        ("fast", "soon", "a time scale is a positive number or fraction"),
    ],
)
def test_bad_profiles_are_refused_naming_the_problem(name: str, scale: object, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        TimeProfile.checked(name, scale)


def test_time_scales_are_numbers_or_fractions() -> None:
    assert parse_time_scale("1/60") == pytest.approx(1 / 60)
    assert parse_time_scale(" 0.5 ") == 0.5
    assert parse_time_scale("2") == 2.0
    assert PROFILE_NAMES == ("instant", "fast", "realistic")


def test_by_default_a_launch_is_seen_pending_then_starting_then_running() -> None:
    clock = Clock()
    cloud = FakeCloud("demo", clock=clock)
    assert cloud.profile == TimeProfile("fast", 1.0)
    instance_id = launch(cloud)
    assert instance_status(cloud, instance_id) == "Pending"
    with pytest.raises(IncorrectInstanceStatus):  # an instance in transition cannot be imaged
        call(cloud, "CreateImage", RegionId=R, InstanceId=instance_id)
    clock.now += 0.6
    assert instance_status(cloud, instance_id) == "Starting"
    clock.now += 0.5
    assert instance_status(cloud, instance_id) == "Running"


def test_by_default_stop_and_start_pass_through_stopping_and_starting() -> None:
    clock = Clock()
    cloud = FakeCloud("demo", clock=clock)
    call(cloud, "StopInstance", InstanceId=DEMO_SOURCE_INSTANCE_ID)
    assert instance_status(cloud, DEMO_SOURCE_INSTANCE_ID) == "Stopping"
    with pytest.raises(IncorrectInstanceStatus):
        call(cloud, "StartInstance", InstanceId=DEMO_SOURCE_INSTANCE_ID)
    clock.now += 0.5
    assert instance_status(cloud, DEMO_SOURCE_INSTANCE_ID) == "Stopped"
    call(cloud, "StartInstance", InstanceId=DEMO_SOURCE_INSTANCE_ID)
    assert instance_status(cloud, DEMO_SOURCE_INSTANCE_ID) == "Starting"
    clock.now += 0.5
    assert instance_status(cloud, DEMO_SOURCE_INSTANCE_ID) == "Running"


def test_an_image_and_its_copies_are_creating_with_a_rising_progress() -> None:
    clock = Clock()
    cloud = FakeCloud("demo", clock=clock, profile="realistic", time_scale=1 / 60)
    image_id = call(cloud, "CreateImage", RegionId=R, InstanceId=DEMO_SOURCE_INSTANCE_ID, ImageName="img-a")["ImageId"]
    seen = []
    for _ in range(3):
        shown = image(cloud, image_id)
        seen.append((shown["Status"], shown["Progress"]))
        clock.now += 4
    assert seen == [("Creating", "0%"), ("Creating", "40%"), ("Creating", "80%")]
    clock.now -= 3  # 9 s after CreateImage
    with pytest.raises(IncorrectImageStatus):  # not copyable before it is Available
        call(cloud, "CopyImage", RegionId=R, ImageId=image_id, DestinationRegionId="cn-shanghai")
    clock.now += 1
    assert image(cloud, image_id)["Status"] == "Available"
    near = call(cloud, "CopyImage", RegionId=R, ImageId=image_id, DestinationRegionId="cn-shanghai")["ImageId"]
    far = call(cloud, "CopyImage", RegionId=R, ImageId=image_id, DestinationRegionId="cn-beijing")["ImageId"]
    clock.now += 15
    assert image(cloud, near, "cn-shanghai")["Status"] == "Available"
    assert (image(cloud, far, "cn-beijing")["Status"], image(cloud, far, "cn-beijing")["Progress"]) == ("Creating", "50%")
    clock.now += 15
    assert image(cloud, far, "cn-beijing")["Status"] == "Available"


def test_vpcs_and_vswitches_are_pending_at_first() -> None:
    clock = Clock()
    cloud = FakeCloud("demo", clock=clock)
    vpc_id = call(cloud, "CreateVpc", VPC, RegionId=R, CidrBlock="10.0.0.0/8")["VpcId"]
    assert call(cloud, "DescribeVpcs", VPC, RegionId=R, VpcId=vpc_id)["Vpcs"]["Vpc"][0]["Status"] == "Pending"
    clock.now += 0.31
    assert call(cloud, "DescribeVpcs", VPC, RegionId=R, VpcId=vpc_id)["Vpcs"]["Vpc"][0]["Status"] == "Available"
    vswitch_id = call(
        cloud, "CreateVSwitch", VPC, RegionId=R, VpcId=DEMO_VPC_ID, ZoneId="cn-hangzhou-h", CidrBlock="192.168.9.0/24"
    )["VSwitchId"]
    shown = call(cloud, "DescribeVSwitches", VPC, RegionId=R, VSwitchId=vswitch_id)["VSwitches"]["VSwitch"][0]
    assert shown["Status"] == "Pending"


def test_a_kind_set_on_its_own_wins_over_the_profile_and_objects_in_flight_keep_their_duration() -> None:
    clock = Clock()
    cloud = FakeCloud("demo", clock=clock, profile="realistic")
    cloud.set_transition("image", "seconds", 2)
    image_id = call(cloud, "CreateImage", RegionId=R, InstanceId=DEMO_SOURCE_INSTANCE_ID)["ImageId"]
    first = launch(cloud)  # realistic: 240 s
    cloud.set_profile("instant")
    second = launch(cloud)
    clock.now += 2
    assert image(cloud, image_id)["Status"] == "Available"
    assert (instance_status(cloud, first), instance_status(cloud, second)) == ("Pending", "Running")
    clock.now += 240
    assert instance_status(cloud, first) == "Running"


def test_reset_comes_back_to_the_clouds_profile_unless_the_world_names_one() -> None:
    cloud = FakeCloud("empty", profile="realistic", time_scale=0.5)
    cloud.set_profile("instant")
    cloud.reset("demo")
    assert cloud.profile == TimeProfile("realistic", 0.5)
    world = {**cloud.dump(), "profile": {"name": "fast", "time_scale": 2}}
    cloud.reset(world)
    assert cloud.profile == TimeProfile("fast", 2.0)
    with pytest.raises(ValueError, match="unknown time profile 'soon'"):
        cloud.reset({**world, "profile": {"name": "soon"}})
