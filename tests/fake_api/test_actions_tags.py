"""Tags on every resource the fake makes: Tag.N at creation, Tag.N filters on describes, and the tag actions
of both APIs (TagResources, UntagResources / UnTagResources, ListTagResources)."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.dispatch import dispatch
from fake_api.exceptions import InvalidParameter, InvalidTagKeyMalformed, InvalidVpcIdNotFound, MissingParameter
from fake_api.models import FakeCloud
from fake_api.seeds import (
    DEMO_IMAGE_ID,
    DEMO_SECOND_INSTANCE_ID,
    DEMO_SECURITY_GROUP_ID,
    DEMO_SOURCE_INSTANCE_ID,
    DEMO_VPC_ID,
    DEMO_VSWITCH_ID,
)

ECS, VPC = "2014-05-26", "2016-04-28"
R = "cn-hangzhou"
OWNED = {"Tag.1.Key": "cdk-clone:owner", "Tag.1.Value": "abc"}


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud("demo", profile="instant")


def call(cloud: FakeCloud, version: str, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", version, action, {k: str(v) for k, v in params.items()})


def tag_pairs(listed: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(t["ResourceId"], t["ResourceType"], t["TagKey"], t["TagValue"]) for t in listed["TagResources"]["TagResource"]}


def test_vpcs_and_vswitches_take_tags_at_creation_and_are_found_by_them(cloud: FakeCloud) -> None:
    vpc_id = call(cloud, VPC, "CreateVpc", RegionId=R, CidrBlock="10.0.0.0/8", **OWNED)["VpcId"]
    vswitch_id = call(
        cloud, VPC, "CreateVSwitch", RegionId=R, VpcId=vpc_id, ZoneId="cn-hangzhou-h", CidrBlock="10.1.0.0/16", **OWNED
    )["VSwitchId"]
    (vpc,) = call(cloud, VPC, "DescribeVpcs", RegionId=R, **OWNED)["Vpcs"]["Vpc"]
    assert vpc["VpcId"] == vpc_id and vpc["Tags"]["Tag"] == [{"Key": "cdk-clone:owner", "Value": "abc"}]
    (vswitch,) = call(cloud, VPC, "DescribeVSwitches", RegionId=R, **OWNED)["VSwitches"]["VSwitch"]
    assert vswitch["VSwitchId"] == vswitch_id and vswitch["Tags"]["Tag"] == [{"Key": "cdk-clone:owner", "Value": "abc"}]
    # A key alone matches any value; another value matches nothing.
    assert call(cloud, VPC, "DescribeVpcs", RegionId=R, **{"Tag.1.Key": "cdk-clone:owner"})["TotalCount"] == 1
    assert call(cloud, VPC, "DescribeVpcs", RegionId=R, **{**OWNED, "Tag.1.Value": "other"})["TotalCount"] == 0
    assert call(cloud, VPC, "DescribeVSwitches", RegionId=R, VpcId=DEMO_VPC_ID, **OWNED)["TotalCount"] == 0
    # The seed's own VPC has no tags: it is still listed without a filter.
    assert call(cloud, VPC, "DescribeVpcs", RegionId=R)["TotalCount"] == 2


def test_creation_refuses_more_than_twenty_tags_and_reserved_keys(cloud: FakeCloud) -> None:
    many = {f"Tag.{n}.Key": f"k{n}" for n in range(1, 22)}
    with pytest.raises(InvalidParameter, match="Tag.N takes N from 1 to 20"):
        call(cloud, VPC, "CreateVpc", RegionId=R, CidrBlock="10.0.0.0/8", **many)
    with pytest.raises(InvalidTagKeyMalformed):
        call(cloud, VPC, "CreateVpc", RegionId=R, CidrBlock="10.0.0.0/8", **{"Tag.1.Key": "acs:owner"})
    assert call(cloud, VPC, "DescribeVpcs", RegionId=R)["TotalCount"] == 1


def test_vpc_api_tags_vpcs_and_vswitches_of_any_case(cloud: FakeCloud) -> None:
    call(cloud, VPC, "TagResources", RegionId=R, ResourceType="VPC", **{"ResourceId.1": DEMO_VPC_ID}, **OWNED)
    call(cloud, VPC, "TagResources", RegionId=R, ResourceType="vswitch", **{"ResourceId.1": DEMO_VSWITCH_ID}, **OWNED)
    listed = call(cloud, VPC, "ListTagResources", RegionId=R, ResourceType="VSWITCH", **OWNED)
    assert tag_pairs(listed) == {(DEMO_VSWITCH_ID, "VSWITCH", "cdk-clone:owner", "abc")}
    assert listed["NextToken"] == ""
    by_id = call(cloud, VPC, "ListTagResources", RegionId=R, ResourceType="VPC", **{"ResourceId.1": DEMO_VPC_ID})
    assert tag_pairs(by_id) == {(DEMO_VPC_ID, "VPC", "cdk-clone:owner", "abc")}
    call(cloud, VPC, "UnTagResources", RegionId=R, ResourceType="VPC", **{"ResourceId.1": DEMO_VPC_ID, "TagKey.1": "cdk-clone:owner"})
    assert call(cloud, VPC, "DescribeVpcs", RegionId=R, **OWNED)["TotalCount"] == 0
    with pytest.raises(InvalidParameter, match="ResourceType 'instance'"):
        call(cloud, VPC, "TagResources", RegionId=R, ResourceType="instance", **{"ResourceId.1": DEMO_SOURCE_INSTANCE_ID}, **OWNED)
    with pytest.raises(InvalidVpcIdNotFound):
        call(cloud, VPC, "TagResources", RegionId=R, ResourceType="VPC", **{"ResourceId.1": "vpc-nope"}, **OWNED)


def test_ecs_list_tag_resources_by_id_and_by_tag(cloud: FakeCloud) -> None:
    call(cloud, ECS, "TagResources", RegionId=R, ResourceType="securitygroup", **{"ResourceId.1": DEMO_SECURITY_GROUP_ID}, **OWNED)
    listed = call(cloud, ECS, "ListTagResources", RegionId=R, ResourceType="securitygroup", **OWNED)
    assert tag_pairs(listed) == {(DEMO_SECURITY_GROUP_ID, "securitygroup", "cdk-clone:owner", "abc")}
    # By ID: every tag of the named instances; unknown IDs are left out.
    by_id = call(
        cloud, ECS, "ListTagResources", RegionId=R, ResourceType="instance",
        **{"ResourceId.1": DEMO_SOURCE_INSTANCE_ID, "ResourceId.2": "i-nope"},
    )
    seeded = cloud.backend("testid", R).instances[DEMO_SOURCE_INSTANCE_ID].tags
    assert tag_pairs(by_id) == {(DEMO_SOURCE_INSTANCE_ID, "instance", k, v) for k, v in seeded.items()} != set()
    with pytest.raises(MissingParameter, match="ResourceId.N or Tag.N.Key"):
        call(cloud, ECS, "ListTagResources", RegionId=R, ResourceType="instance")
    with pytest.raises(InvalidParameter, match="ResourceType 'vpc'"):
        call(cloud, ECS, "ListTagResources", RegionId=R, ResourceType="vpc", **OWNED)


def test_ecs_list_tag_resources_pages_with_next_token(cloud: FakeCloud) -> None:
    # The seed's two instances have two tags each; 18 more each make 40 rows.
    extra_tags = {f"Tag.{n}.Key": f"k{n:02d}" for n in range(1, 19)}
    call(cloud, ECS, "TagResources", RegionId=R, ResourceType="instance",
         **{"ResourceId.1": DEMO_SOURCE_INSTANCE_ID, "ResourceId.2": DEMO_SECOND_INSTANCE_ID}, **extra_tags)
    first = call(cloud, ECS, "ListTagResources", RegionId=R, ResourceType="instance", **{"Tag.1.Key": "app"})
    assert len(first["TagResources"]["TagResource"]) == 40 and first["NextToken"] == ""
    pages, token, seen = 0, None, 0
    while True:
        extra = {"NextToken": token} if token else {}
        page = call(cloud, ECS, "ListTagResources", RegionId=R, ResourceType="instance", MaxResults=15,
                    **{"Tag.1.Key": "app"}, **extra)
        seen += len(page["TagResources"]["TagResource"])
        pages += 1
        token = page["NextToken"]
        if not token:
            break
    assert (pages, seen) == (3, 40)


def test_images_and_security_groups_are_found_by_tag(cloud: FakeCloud) -> None:
    image_id = call(
        cloud, ECS, "CreateImage", RegionId=R, InstanceId=DEMO_SOURCE_INSTANCE_ID, ImageName="TemplateScratch-t", **OWNED
    )["ImageId"]
    found = call(cloud, ECS, "DescribeImages", RegionId=R, ImageOwnerAlias="self", Status="Creating,Available", **OWNED)
    assert [i["ImageId"] for i in found["Images"]["Image"]] == [image_id]
    assert call(cloud, ECS, "DescribeImages", RegionId=R, ImageId=DEMO_IMAGE_ID, **OWNED)["TotalCount"] == 0
    group_id = call(cloud, ECS, "CreateSecurityGroup", RegionId=R, VpcId=DEMO_VPC_ID, **OWNED)["SecurityGroupId"]
    groups = call(cloud, ECS, "DescribeSecurityGroups", RegionId=R, **{"Tag.1.Key": "cdk-clone:owner"})
    assert [g["SecurityGroupId"] for g in groups["SecurityGroups"]["SecurityGroup"]] == [group_id]
