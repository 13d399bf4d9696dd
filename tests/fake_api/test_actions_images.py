"""Image actions through dispatch(): names, lineage, visibility, copies and their cancellation, delete rules."""

from __future__ import annotations

from typing import Any

import pytest
from actions_support import Clock

from fake_api.dispatch import dispatch
from fake_api.exceptions import (
    IdempotentParameterMismatch,
    ImageUsingByInstance,
    IncorrectDestinationRegion,
    IncorrectImageStatus,
    IncorrectInstanceStatus,
    InvalidImageIdNotFound,
    InvalidImageNameDuplicated,
    InvalidImageNameMalformed,
    OperationDeniedImageCopying,
)
from fake_api.models import FakeCloud
from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_SOURCE_INSTANCE_ID, DEMO_VSWITCH_ID

ECS = "2014-05-26"
R = "cn-hangzhou"



@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    return FakeCloud("demo", clock=clock, profile="instant")


def ecs(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", ECS, action, {k: str(v) for k, v in params.items()})


def create_image(cloud: FakeCloud, name: str | None = "TemplateScratch-web-1", **extra: Any) -> str:
    params = {"RegionId": R, "InstanceId": DEMO_SOURCE_INSTANCE_ID, **extra}
    if name is not None:
        params["ImageName"] = name
    image_id: str = ecs(cloud, "CreateImage", **params)["ImageId"]
    return image_id


def images(cloud: FakeCloud, region: str = R, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ecs(cloud, "DescribeImages", RegionId=region, **filters)["Images"]["Image"]
    return found


def test_create_image_from_instance_records_lineage(cloud: FakeCloud) -> None:
    image_id = create_image(cloud)
    assert image_id.startswith("m-bp1") and image_id == image_id.lower()
    (image,) = images(cloud, ImageId=image_id)
    assert (image["ImageName"], image["Status"], image["Progress"], image["Usable"]) == (
        "TemplateScratch-web-1",
        "Available",
        "100%",
        True,
    )
    assert image["ImageOwnerAlias"] == "self" and image["IsCopied"] is False and image["Size"] == 40
    lineage = cloud.dump()["accounts"]["testid"]["regions"][R]["images"][0]
    assert (lineage["source_image_id"], lineage["source_instance_id"]) == (DEMO_IMAGE_ID, DEMO_SOURCE_INSTANCE_ID)


@pytest.mark.parametrize("name", ["x", "1abc", "http://img", "has space", "a" * 129, "bad/slash"])
def test_image_names_are_validated(cloud: FakeCloud, name: str) -> None:
    with pytest.raises(InvalidImageNameMalformed) as caught:
        create_image(cloud, name)
    assert caught.value.http_status == 400


def test_image_names_unique_per_region(cloud: FakeCloud) -> None:
    first = create_image(cloud, "golden.v1:a_b-c")
    with pytest.raises(InvalidImageNameDuplicated):
        create_image(cloud, "golden.v1:a_b-c")
    second = create_image(cloud, "other")
    with pytest.raises(InvalidImageNameDuplicated):
        ecs(cloud, "ModifyImageAttribute", RegionId=R, ImageId=second, ImageName="golden.v1:a_b-c")
    ecs(cloud, "ModifyImageAttribute", RegionId=R, ImageId=first, ImageName="renamed", Description="better name")
    (image,) = images(cloud, ImageId=first)
    assert (image["ImageName"], image["Description"]) == ("renamed", "better name")


def test_create_image_needs_running_or_stopped_instance(cloud: FakeCloud) -> None:
    cloud.set_transition("instance_stop", "describes", 5)
    ecs(cloud, "StopInstance", InstanceId=DEMO_SOURCE_INSTANCE_ID)  # now Stopping
    with pytest.raises(IncorrectInstanceStatus):
        create_image(cloud)


def test_describe_images_shows_available_only_unless_status_given(cloud: FakeCloud) -> None:
    cloud.set_transition("image", "describes", 2)
    image_id = create_image(cloud)
    assert images(cloud, ImageId=image_id) == []  # Creating: hidden by default (and counts as one look)
    (creating,) = images(cloud, ImageId=image_id, Status="Creating,Available")
    assert (creating["Status"], creating["Progress"], creating["Usable"]) == ("Creating", "50%", False)
    (ready,) = images(cloud, ImageId=image_id)
    assert ready["Status"] == "Available"


def test_image_progress_grows_with_seconds(cloud: FakeCloud, clock: Clock) -> None:
    cloud.set_transition("image", "seconds", 100)
    image_id = create_image(cloud)
    clock.now += 25
    assert images(cloud, ImageId=image_id, Status="Creating")[0]["Progress"] == "25%"
    clock.now += 75
    assert images(cloud, ImageId=image_id)[0]["Progress"] == "100%"


def test_owner_alias_name_filter_and_paging(cloud: FakeCloud) -> None:
    mine = create_image(cloud, "golden-image")
    system = images(cloud, ImageOwnerAlias="system", PageSize=50)
    assert system and all(i["ImageOwnerAlias"] == "system" for i in system)
    assert [i["ImageId"] for i in images(cloud, ImageOwnerAlias="self")] == [mine]
    assert [i["ImageId"] for i in images(cloud, ImageName="golden")] == [mine]
    body = ecs(cloud, "DescribeImages", RegionId=R, PageSize=2, PageNumber=2)
    assert (body["PageNumber"], body["PageSize"], len(body["Images"]["Image"])) == (2, 2, 2)
    assert body["TotalCount"] == len(system) + 1


def test_copy_image_lands_in_destination_region(cloud: FakeCloud, clock: Clock) -> None:
    cloud.set_transition("image_copy", "seconds", 60)
    source = create_image(cloud)
    copy_id = ecs(cloud, "CopyImage", RegionId=R, ImageId=source, DestinationRegionId="cn-shanghai", DestinationImageName="copy-1")["ImageId"]
    assert copy_id.startswith("m-uf6")
    assert images(cloud, "cn-shanghai", ImageId=copy_id) == []
    (copying,) = images(cloud, "cn-shanghai", ImageId=copy_id, Status="Creating")
    assert copying["IsCopied"] is True and copying["Progress"] == "0%"
    # Neither the copy nor its source can be deleted while copying.
    with pytest.raises(OperationDeniedImageCopying):
        ecs(cloud, "DeleteImage", RegionId="cn-shanghai", ImageId=copy_id)
    with pytest.raises(OperationDeniedImageCopying):
        ecs(cloud, "DeleteImage", RegionId=R, ImageId=source)
    clock.now += 60
    (done,) = images(cloud, "cn-shanghai", ImageId=copy_id)
    assert (done["Status"], done["ImageName"]) == ("Available", "copy-1")
    ecs(cloud, "DeleteImage", RegionId=R, ImageId=source)
    ecs(cloud, "DeleteImage", RegionId="cn-shanghai", ImageId=copy_id)
    assert images(cloud, "cn-shanghai", ImageOwnerAlias="self") == []


def test_copy_image_rules(cloud: FakeCloud) -> None:
    with pytest.raises(InvalidImageIdNotFound):
        ecs(cloud, "CopyImage", RegionId=R, ImageId=DEMO_IMAGE_ID, DestinationRegionId="cn-shanghai")
    source = create_image(cloud)
    with pytest.raises(IncorrectDestinationRegion):
        ecs(cloud, "CopyImage", RegionId=R, ImageId=source, DestinationRegionId="mars-1")
    with pytest.raises(InvalidImageNameMalformed):
        ecs(cloud, "CopyImage", RegionId=R, ImageId=source, DestinationRegionId="cn-shanghai", DestinationImageName="aliyun-x")
    cloud.set_transition("image", "describes", 3)
    unfinished = create_image(cloud, "unfinished")
    with pytest.raises(IncorrectImageStatus):
        ecs(cloud, "CopyImage", RegionId=R, ImageId=unfinished, DestinationRegionId="cn-shanghai")


def test_copy_image_client_token(cloud: FakeCloud) -> None:
    source = create_image(cloud)
    params = {"RegionId": R, "ImageId": source, "DestinationRegionId": "cn-beijing", "ClientToken": "copy-1"}
    first = ecs(cloud, "CopyImage", **params)
    assert ecs(cloud, "CopyImage", **params) == first
    with pytest.raises(IdempotentParameterMismatch):
        ecs(cloud, "CopyImage", **{**params, "DestinationRegionId": "cn-shanghai"})
    assert len(images(cloud, "cn-beijing", ImageOwnerAlias="self")) == 1


def test_cancel_copy_image(cloud: FakeCloud) -> None:
    cloud.set_transition("image_copy", "describes", 5)
    source = create_image(cloud)
    copy_id = ecs(cloud, "CopyImage", RegionId=R, ImageId=source, DestinationRegionId="cn-shanghai")["ImageId"]
    ecs(cloud, "CancelCopyImage", RegionId="cn-shanghai", ImageId=copy_id)
    assert images(cloud, "cn-shanghai", ImageId=copy_id, Status="Creating,Available") == []
    ecs(cloud, "DeleteImage", RegionId=R, ImageId=source)  # no copy in flight any more
    with pytest.raises(IncorrectImageStatus):
        ecs(cloud, "CancelCopyImage", RegionId=R, ImageId=create_image(cloud, "finished"))


def test_delete_image_in_use_needs_force_and_instance_keeps_image_id(cloud: FakeCloud) -> None:
    image_id = create_image(cloud)
    (instance_id,) = ecs(
        cloud,
        "RunInstances",
        RegionId=R,
        ImageId=image_id,
        InstanceType="ecs.g7.large",
        VSwitchId=DEMO_VSWITCH_ID,
        SecurityGroupId=DEMO_SECURITY_GROUP_ID,
    )["InstanceIdSets"]["InstanceIdSet"]
    with pytest.raises(ImageUsingByInstance) as caught:
        ecs(cloud, "DeleteImage", RegionId=R, ImageId=image_id)
    assert caught.value.http_status == 403
    ecs(cloud, "DeleteImage", RegionId=R, ImageId=image_id, Force="true")
    assert images(cloud, ImageId=image_id) == []
    assert ecs(cloud, "DescribeInstanceAttribute", InstanceId=instance_id)["ImageId"] == image_id
    with pytest.raises(InvalidImageIdNotFound):
        ecs(cloud, "DeleteImage", RegionId=R, ImageId=image_id)
