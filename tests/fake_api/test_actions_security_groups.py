"""Security group actions through dispatch(): rule forms, de-duplication, revoke, validation, dependencies."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.dispatch import dispatch
from fake_api.exceptions import (
    AuthorizationLimitExceed,
    DependencyViolation,
    IdempotentParameterMismatch,
    InvalidIpProtocolValueNotSupported,
    InvalidPolicyMalformed,
    InvalidPortRangeMalformed,
    InvalidPriorityValueNotSupported,
    InvalidSecurityGroupIdNotFound,
    InvalidSecurityGroupNameMalformed,
    InvalidSourceGroupIdMismatch,
    InvalidVpcIdNotFound,
    MissingParameterDest,
    MissingParameterSource,
)
from fake_api.models import FakeCloud
from fake_api.seeds import DEMO_SECURITY_GROUP_ID, DEMO_VPC_ID

ECS, VPC = "2014-05-26", "2016-04-28"
R = "cn-hangzhou"


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud("demo", profile="instant")


def ecs(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", ECS, action, {k: str(v) for k, v in params.items()})


def new_group(cloud: FakeCloud, **extra: Any) -> str:
    group_id: str = ecs(cloud, "CreateSecurityGroup", RegionId=R, VpcId=DEMO_VPC_ID, **extra)["SecurityGroupId"]
    return group_id


def rules(cloud: FakeCloud, group_id: str, **extra: Any) -> list[dict[str, Any]]:
    body = ecs(cloud, "DescribeSecurityGroupAttribute", RegionId=R, SecurityGroupId=group_id, **extra)
    found: list[dict[str, Any]] = body["Permissions"]["Permission"]
    return found


def permissions(*entries: dict[str, Any]) -> dict[str, str]:
    return {f"Permissions.{n}.{k}": str(v) for n, e in enumerate(entries, start=1) for k, v in e.items()}


def test_create_and_describe_groups(cloud: FakeCloud) -> None:
    group_id = new_group(cloud, SecurityGroupName="replica-web", Description="copied rules")
    assert group_id.startswith("sg-bp1")
    body = ecs(cloud, "DescribeSecurityGroups", RegionId=R, VpcId=DEMO_VPC_ID)
    listed = {g["SecurityGroupId"]: g for g in body["SecurityGroups"]["SecurityGroup"]}
    assert set(listed) == {DEMO_SECURITY_GROUP_ID, group_id} and body["TotalCount"] == 2
    assert (listed[group_id]["SecurityGroupName"], listed[group_id]["VpcId"]) == ("replica-web", DEMO_VPC_ID)
    only = ecs(cloud, "DescribeSecurityGroups", RegionId=R, SecurityGroupIds=f'["{group_id}"]')
    assert [g["SecurityGroupId"] for g in only["SecurityGroups"]["SecurityGroup"]] == [group_id]
    ecs(cloud, "ModifySecurityGroupAttribute", RegionId=R, SecurityGroupId=group_id, SecurityGroupName="renamed")
    body = ecs(cloud, "DescribeSecurityGroupAttribute", RegionId=R, SecurityGroupId=group_id)
    assert (body["SecurityGroupName"], body["VpcId"], body["Permissions"]["Permission"]) == ("renamed", DEMO_VPC_ID, [])
    with pytest.raises(InvalidSecurityGroupNameMalformed):
        new_group(cloud, SecurityGroupName="-bad")
    with pytest.raises(InvalidVpcIdNotFound):
        ecs(cloud, "CreateSecurityGroup", RegionId=R, VpcId="vpc-nope")


def test_batch_and_flat_forms_and_duplicates(cloud: FakeCloud) -> None:
    group_id = new_group(cloud)
    ecs(
        cloud,
        "AuthorizeSecurityGroup",
        RegionId=R,
        SecurityGroupId=group_id,
        **permissions(
            {"IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0", "Description": "ssh"},
            {"IpProtocol": "UDP", "PortRange": "53/53", "SourceCidrIp": "10.0.0.0/8", "Priority": 5, "Policy": "drop"},
        ),
    )
    # The legacy flat form; the same rule again adds nothing.
    flat = {"IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0"}
    ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=group_id, **flat)
    ecs(cloud, "AuthorizeSecurityGroupEgress", RegionId=R, SecurityGroupId=group_id, IpProtocol="all", DestCidrIp="0.0.0.0/0")
    found = rules(cloud, group_id)
    assert len(found) == 3
    ssh, dns, egress = found
    assert (ssh["Direction"], ssh["IpProtocol"], ssh["PortRange"], ssh["SourceCidrIp"], ssh["Policy"]) == (
        "ingress",
        "TCP",
        "22/22",
        "0.0.0.0/0",
        "Accept",
    )
    assert (ssh["Priority"], ssh["NicType"], ssh["Description"]) == ("1", "intranet", "ssh")
    assert (dns["IpProtocol"], dns["Policy"], dns["Priority"]) == ("UDP", "Drop", "5")
    assert (egress["Direction"], egress["IpProtocol"], egress["PortRange"], egress["DestCidrIp"]) == (
        "egress",
        "ALL",
        "-1/-1",
        "0.0.0.0/0",
    )
    assert [r["Direction"] for r in rules(cloud, group_id, Direction="egress")] == ["egress"]


def test_revoke_removes_exact_matches_only(cloud: FakeCloud) -> None:
    before = rules(cloud, DEMO_SECURITY_GROUP_ID)
    # Not an exact match (different port): nothing removed, no error.
    ecs(cloud, "RevokeSecurityGroup", RegionId=R, SecurityGroupId=DEMO_SECURITY_GROUP_ID, IpProtocol="tcp", PortRange="23/23", SourceCidrIp="0.0.0.0/0")
    assert len(rules(cloud, DEMO_SECURITY_GROUP_ID)) == len(before)
    ecs(
        cloud,
        "RevokeSecurityGroup",
        RegionId=R,
        SecurityGroupId=DEMO_SECURITY_GROUP_ID,
        **permissions({"IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0"}),
    )
    after = rules(cloud, DEMO_SECURITY_GROUP_ID)
    assert len(after) == len(before) - 1 and all(r["PortRange"] != "22/22" for r in after)
    egress_id = next(r["SecurityGroupRuleId"] for r in after if r["Direction"] == "egress")
    ecs(cloud, "RevokeSecurityGroupEgress", RegionId=R, SecurityGroupId=DEMO_SECURITY_GROUP_ID, **{"SecurityGroupRuleId.1": egress_id})
    assert all(r["Direction"] == "ingress" for r in rules(cloud, DEMO_SECURITY_GROUP_ID))


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ({"IpProtocol": "sctp", "PortRange": "1/2", "SourceCidrIp": "0.0.0.0/0"}, InvalidIpProtocolValueNotSupported),
        ({"IpProtocol": "tcp", "PortRange": "22", "SourceCidrIp": "0.0.0.0/0"}, InvalidPortRangeMalformed),
        ({"IpProtocol": "tcp", "PortRange": "0/22", "SourceCidrIp": "0.0.0.0/0"}, InvalidPortRangeMalformed),
        ({"IpProtocol": "tcp", "PortRange": "80/22", "SourceCidrIp": "0.0.0.0/0"}, InvalidPortRangeMalformed),
        ({"IpProtocol": "icmp", "PortRange": "1/2", "SourceCidrIp": "0.0.0.0/0"}, InvalidPortRangeMalformed),
        ({"IpProtocol": "tcp", "PortRange": "1/2", "SourceCidrIp": "0.0.0.0/0", "Policy": "allow"}, InvalidPolicyMalformed),
        ({"IpProtocol": "tcp", "PortRange": "1/2", "SourceCidrIp": "0.0.0.0/0", "Priority": 101}, InvalidPriorityValueNotSupported),
        ({"IpProtocol": "tcp", "PortRange": "1/2"}, MissingParameterSource),
    ],
)
def test_rule_validation(cloud: FakeCloud, rule: dict[str, Any], error: type[Exception]) -> None:
    group_id = new_group(cloud)
    with pytest.raises(error):
        ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=group_id, **permissions(rule))
    assert rules(cloud, group_id) == []


def test_egress_needs_a_destination_and_group_peers_share_the_vpc(cloud: FakeCloud) -> None:
    group_id = new_group(cloud)
    with pytest.raises(MissingParameterDest):
        ecs(cloud, "AuthorizeSecurityGroupEgress", RegionId=R, SecurityGroupId=group_id, IpProtocol="tcp", PortRange="1/2")
    ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=group_id, IpProtocol="tcp", PortRange="80/80", SourceGroupId=DEMO_SECURITY_GROUP_ID)
    assert rules(cloud, group_id)[0]["SourceGroupId"] == DEMO_SECURITY_GROUP_ID
    other_vpc = dispatch(cloud, "testid", VPC, "CreateVpc", {"RegionId": R, "CidrBlock": "10.0.0.0/16"})["VpcId"]
    foreign = ecs(cloud, "CreateSecurityGroup", RegionId=R, VpcId=other_vpc)["SecurityGroupId"]
    with pytest.raises(InvalidSourceGroupIdMismatch):
        ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=group_id, IpProtocol="tcp", PortRange="80/80", SourceGroupId=foreign)
    with pytest.raises(InvalidSecurityGroupIdNotFound):
        ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=group_id, IpProtocol="tcp", PortRange="80/80", SourceGroupId="sg-nope")


def test_rule_limit(cloud: FakeCloud) -> None:
    group_id = new_group(cloud)
    for start in range(1, 201, 100):
        batch = [{"IpProtocol": "tcp", "PortRange": f"{p}/{p}", "SourceCidrIp": "0.0.0.0/0"} for p in range(start, start + 100)]
        ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=group_id, **permissions(*batch))
    with pytest.raises(AuthorizationLimitExceed):
        ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=group_id, IpProtocol="tcp", PortRange="999/999", SourceCidrIp="0.0.0.0/0")


def test_authorize_client_token(cloud: FakeCloud) -> None:
    group_id = new_group(cloud)
    params = {"RegionId": R, "SecurityGroupId": group_id, "IpProtocol": "tcp", "PortRange": "1/2", "SourceCidrIp": "0.0.0.0/0", "ClientToken": "a1"}
    ecs(cloud, "AuthorizeSecurityGroup", **params)
    ecs(cloud, "AuthorizeSecurityGroup", **params)
    with pytest.raises(IdempotentParameterMismatch):
        ecs(cloud, "AuthorizeSecurityGroup", **{**params, "PortRange": "3/4"})


def test_delete_security_group_dependencies(cloud: FakeCloud) -> None:
    with pytest.raises(DependencyViolation, match="used by instances"):
        ecs(cloud, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=DEMO_SECURITY_GROUP_ID)
    referenced = new_group(cloud)
    referencing = new_group(cloud)
    ecs(cloud, "AuthorizeSecurityGroup", RegionId=R, SecurityGroupId=referencing, IpProtocol="tcp", PortRange="80/80", SourceGroupId=referenced)
    with pytest.raises(DependencyViolation, match="referenced"):
        ecs(cloud, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=referenced)
    ecs(cloud, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=referencing)
    ecs(cloud, "DeleteSecurityGroup", RegionId=R, SecurityGroupId=referenced)
    with pytest.raises(InvalidSecurityGroupIdNotFound):
        ecs(cloud, "DescribeSecurityGroupAttribute", RegionId=R, SecurityGroupId=referenced)


def test_describe_security_groups_pages(cloud: FakeCloud) -> None:
    for _ in range(4):
        new_group(cloud)
    first = ecs(cloud, "DescribeSecurityGroups", RegionId=R, MaxResults=3)
    second = ecs(cloud, "DescribeSecurityGroups", RegionId=R, MaxResults=3, NextToken=first["NextToken"])
    assert len(first["SecurityGroups"]["SecurityGroup"]) == 3 and len(second["SecurityGroups"]["SecurityGroup"]) == 2
    assert second["NextToken"] == "" and first["TotalCount"] == 5
    paged = ecs(cloud, "DescribeSecurityGroups", RegionId=R, PageNumber=2, PageSize=4)
    assert (paged["PageNumber"], len(paged["SecurityGroups"]["SecurityGroup"])) == (2, 1)
