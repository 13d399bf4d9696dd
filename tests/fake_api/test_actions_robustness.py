"""Every action, fed arbitrary strings, answers with a FakeApiError (never a crash or an InternalError)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_api.dispatch import dispatch, known_actions
from fake_api.exceptions import FakeApiError, InternalError
from fake_api.models import FakeCloud

NAMES = [
    "RegionId", "InstanceId", "InstanceIds", "ImageId", "ImageName", "InstanceType", "VSwitchId", "VpcId", "ZoneId",
    "CidrBlock", "SecurityGroupId", "SecurityGroupIds", "SecurityGroupIds.1", "Amount", "MinAmount", "PrivateIpAddress",
    "InstanceName", "HostName", "Tag.1.Key", "Tag.1.Value", "Permissions.1.IpProtocol", "Permissions.1.PortRange",
    "Permissions.1.SourceCidrIp", "IpProtocol", "PortRange", "SourceCidrIp", "DestCidrIp", "Priority", "Policy",
    "PageNumber", "PageSize", "MaxResults", "NextToken", "Status", "DestinationRegionId", "DestinationResource",
    "Force", "DryRun", "ClientToken", "Period", "PeriodUnit", "InstanceChargeType", "SystemDisk.Size",
    "SystemDisk.Category", "ResourceType", "ResourceId.1", "TagKey.1", "DiskIds", "Description", "Cores", "Memory",
    "InstanceId.1", "DataDisk.1.Size", "UniqueSuffix", "Direction", "ImageOwnerAlias", "Tag.99999999.Key",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["cn-hangzhou", "cn-shanghai", "true", "-1", "0", "99999999999999999999", "[]", '["x"]', "[1]", "{}",
         "192.168.1.10", "192.168.0.0/16", "0.0.0.0/0", "22/22", "-1/-1", "tcp", "ecs.g7.large",
         "i-bp1d3m0s0urce00001", "vpc-bp1d3m0s0urce0vpc01", "vsw-bp1d3m0s0urce0vsw01", "sg-bp1d3m0s0urce0sg001",
         "ubuntu_22_04_x64_20G_alibase_20240130.vhd", "web-[1,3]", "1e9", "NaN", "\u0663", "PrePaid"]
    ),
)
PARAMS = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=8)
CLOUD = FakeCloud("demo")


@pytest.mark.parametrize(("version", "action"), known_actions())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=PARAMS)
def test_arbitrary_parameters_never_crash(version: str, action: str, params: dict[str, str]) -> None:
    CLOUD.reset("demo")
    try:
        body = dispatch(CLOUD, "testid", version, action, params)
    except InternalError as error:  # the fake's own bug, reported as the cloud would
        raise AssertionError(f"{action} crashed on {params!r}: {error.message}") from error
    except FakeApiError:
        return
    assert isinstance(body, dict)
