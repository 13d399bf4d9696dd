"""Adoption look-ups (cdk_clone.provider._adoption) against the fake: one listing of the deployment per region
and kind for every resource asking, the owner key asked for afresh only when that listing names it."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_clone.ownership import DEPLOYMENT_TAG, OWNER_TAG, Ownership
from cdk_clone.provider._adoption import find_owned, ownership_tags

from .cloud import client

# Objects are usable at once: these tests are about what is found, not about waiting.
pytestmark = pytest.mark.fake_profile("instant")

DEPLOYMENT = "clones@adoption-test"


def owned(owner: str, deployment: str = DEPLOYMENT) -> Ownership:
    return Ownership(deployment, owner)


def make_vpc(api: Any, ownership: Ownership, cidr: str = "10.0.0.0/8") -> str:
    return str(api.vpc("CreateVpc", {"CidrBlock": cidr, "Tag": ownership_tags(ownership)})["VpcId"])


def tag_filters(fake: Any, action: str) -> list[str]:
    """The tag key each ``action`` call filtered by, in order."""
    return [str(c["params"].get("Tag.1.Key")) for c in fake.calls(action)]


def test_resources_share_one_listing_of_the_deployment_and_ask_by_owner_only_when_it_names_them(
    fake_cloud: Any,
) -> None:
    api = client(fake_cloud)
    left = make_vpc(api, owned("app/left-by-an-interrupted-run"))
    make_vpc(api, owned("app/of-another-deployment", "clones@elsewhere"), "172.16.0.0/12")
    before = len(fake_cloud.calls("DescribeVpcs"))

    fresh = [find_owned(api, "vpc", owned(f"app/new-{n}")) for n in range(5)]
    adopted = find_owned(api, "vpc", owned("app/left-by-an-interrupted-run"))

    assert fresh == [[]] * 5
    assert [v["VpcId"] for v in adopted] == [left]
    # One listing by the deployment tag for all six, then the owner key of the one it names.
    assert tag_filters(fake_cloud, "DescribeVpcs")[before:] == [DEPLOYMENT_TAG, OWNER_TAG]


def test_an_object_deleted_or_retagged_since_the_listing_is_not_adopted(fake_cloud: Any) -> None:
    api = client(fake_cloud)
    replaced, moved = owned("app/replaced"), owned("app/moved")
    old = make_vpc(api, replaced)
    kept = make_vpc(api, moved, "172.16.0.0/12")
    assert find_owned(api, "vpc", owned("app/first-asker")) == []  # the listing: it names both

    api.vpc("DeleteVpc", {"VpcId": old})  # a replacement in this apply deleted it
    other = owned("app/moved-elsewhere")
    api.vpc("TagResources", {"ResourceType": "VPC", "ResourceId": [kept], "Tag": ownership_tags(other)})

    assert find_owned(api, "vpc", replaced) == []
    assert find_owned(api, "vpc", moved) == []


def test_within_narrows_what_is_adopted(fake_cloud: Any) -> None:
    api = client(fake_cloud)
    ownership = owned("app/group")
    vpc_a = make_vpc(api, owned("app/net-a"))
    vpc_b = make_vpc(api, owned("app/net-b"), "172.16.0.0/12")
    group = api.ecs("CreateSecurityGroup", {"VpcId": vpc_a, "Tag": ownership_tags(ownership)})["SecurityGroupId"]

    assert find_owned(api, "securitygroup", ownership, within={"VpcId": vpc_b}) == []
    found = find_owned(api, "securitygroup", ownership, within={"VpcId": vpc_a})
    assert [g["SecurityGroupId"] for g in found] == [group]


def test_each_region_has_its_own_listing(fake_cloud: Any) -> None:
    hangzhou, shanghai = client(fake_cloud), client(fake_cloud, "cn-shanghai")
    ownership = owned("app/net")
    vpc = make_vpc(shanghai, ownership)

    assert find_owned(hangzhou, "vpc", ownership) == []
    assert [v["VpcId"] for v in find_owned(shanghai, "vpc", ownership)] == [vpc]
    assert [v["VpcId"] for v in find_owned(hangzhou, "vpc", ownership, region_id="cn-shanghai")] == [vpc]
