"""Instance settings through dispatch(): what RunInstances takes beyond type, image and disks (spot, metadata,
credit, bandwidth, release and renewal, secondary addresses and interfaces, names), how DescribeInstances and
DescribeInstanceAttribute show it, StopInstance modes, ModifyInstanceAttribute and release protection."""

from __future__ import annotations

import json
from typing import Any

import pytest
from actions_support import Clock, R, ecs, launch

from fake_api.exceptions import (
    FakeApiError,
    InvalidAutoReleaseTimeMalformed,
    InvalidAutoRenewPeriodValueNotSupported,
    InvalidHostNameMalformed,
    InvalidHttpEndpointNotSupported,
    InvalidHttpPutResponseHopLimitNotSupported,
    InvalidHttpTokensNotSupported,
    InvalidInternetMaxBandwidthInMalformed,
    InvalidOperationDeletionProtection,
    InvalidOperationIpv4CountExceeded,
    InvalidOperationIpv6CountExceeded,
    InvalidParameter,
    InvalidParameterCreditSpecification,
    InvalidParameterMismatch,
    InvalidParamNetworkInterface,
    InvalidParamsHostnameExceed,
    InvalidParamsInstanceNameExceed,
    InvalidPasswordMalformed,
    InvalidResourceGroupNotFound,
    InvalidSpotDuration,
    InvalidSpotInterruptionBehavior,
    InvalidSpotPrepaid,
    InvalidSpotPriceLimit,
    InvalidSpotStrategy,
    InvalidVSwitchIdIpNotEnough,
    InvalidVSwitchIpv6NotTurnOn,
)
from fake_api.models import FakeCloud
from fake_api.seeds import DEMO_SECURITY_GROUP_ID, DEMO_VPC_ID

WINDOWS_IMAGE = "win2022_21H2_x64_dtc_en-us_40G_alibase_20240412.vhd"


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    return FakeCloud("demo", clock=clock, profile="instant")


def primary_interface(vswitch_id: str, group_id: str, **fields: Any) -> dict[str, Any]:
    """RunInstances parameters that give the instance's network as NetworkInterface.1 of type Primary."""
    return {
        "VSwitchId": None,
        "SecurityGroupId": None,
        "NetworkInterface.1.InstanceType": "Primary",
        "NetworkInterface.1.VSwitchId": vswitch_id,
        "NetworkInterface.1.SecurityGroupId": group_id,
        **{f"NetworkInterface.1.{k}": v for k, v in fields.items()},
    }


def described(cloud: FakeCloud, instance_id: str) -> dict[str, Any]:
    (found,) = ecs(cloud, "DescribeInstances", RegionId=R, InstanceIds=json.dumps([instance_id]))["Instances"]["Instance"]
    return found


def test_a_plain_launch_shows_every_setting_with_its_default(cloud: FakeCloud, clock: Clock) -> None:
    (instance_id,) = launch(cloud)
    found = described(cloud, instance_id)
    assert (found["OSName"], found["OSNameEn"], found["OSType"]) == ("Ubuntu  22.04 64位", "Ubuntu  22.04 64 bit", "linux")
    assert (found["KeyPairName"], found["DeletionProtection"], found["CreditSpecification"]) == ("", False, "")
    assert found["ResourceGroupId"] == next(iter(cloud.accounts["testid"].resource_groups))
    assert found["ResourceGroupId"].startswith("rg-acfm")
    assert (found["SpotStrategy"], found["SpotPriceLimit"], found["SpotDuration"]) == ("NoSpot", 0.0, 0)
    assert (found["StoppedMode"], found["StartTime"]) == ("Not-applicable", "2023-11-14T22:13Z")
    assert found["MetadataOptions"]["HttpTokens"] == "optional" and found["MetadataOptions"]["HttpEndpoint"] == "enabled"
    assert (found["InternetMaxBandwidthIn"], found["DeploymentSetId"], found["AutoReleaseTime"]) == (10, "", "")
    assert (found["IoOptimized"], found["CpuOptions"]["CoreCount"], found["CpuOptions"]["ThreadsPerCore"]) == (True, 1, 2)
    (primary,) = found["NetworkInterfaces"]["NetworkInterface"]
    assert primary["Type"] == "Primary" and primary["PrivateIpSets"]["PrivateIpSet"] == [
        {"PrivateIpAddress": primary["PrimaryIpAddress"], "Primary": True, "PrivateDnsName": ""}
    ]
    clock.now += 600
    assert described(cloud, instance_id)["StartTime"] == "2023-11-14T22:13Z"  # the time it started, not now


def test_spot_instances(cloud: FakeCloud) -> None:
    (limited,) = launch(cloud, SpotStrategy="SpotWithPriceLimit", SpotPriceLimit="0.1234", SpotInterruptionBehavior="Stop")
    found = described(cloud, limited)
    assert (found["SpotStrategy"], found["SpotPriceLimit"], found["SpotDuration"], found["SpotInterruptionBehavior"]) == (
        "SpotWithPriceLimit", 0.123, 1, "Stop",
    )
    (market,) = launch(cloud, SpotStrategy="SpotAsPriceGo", SpotDuration=0, SpotPriceLimit="9")
    assert (described(cloud, market)["SpotPriceLimit"], described(cloud, market)["SpotDuration"]) == (0.0, 0)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"SpotStrategy": "Cheap"}, InvalidSpotStrategy),
        ({"SpotStrategy": "SpotWithPriceLimit"}, InvalidSpotPriceLimit),
        ({"SpotStrategy": "SpotAsPriceGo", "SpotDuration": 3}, InvalidSpotDuration),
        ({"SpotStrategy": "SpotAsPriceGo", "SpotInterruptionBehavior": "Hibernate"}, InvalidSpotInterruptionBehavior),
        ({"SpotStrategy": "SpotAsPriceGo", "InstanceChargeType": "PrePaid", "Period": 1}, InvalidSpotPrepaid),
        ({"HttpEndpoint": "on"}, InvalidHttpEndpointNotSupported),
        ({"HttpTokens": "always"}, InvalidHttpTokensNotSupported),
        ({"HttpPutResponseHopLimit": 65}, InvalidHttpPutResponseHopLimitNotSupported),
        ({"CreditSpecification": "Standard"}, InvalidParameterCreditSpecification),
        ({"InternetMaxBandwidthIn": 11, "InternetMaxBandwidthOut": 5}, InvalidInternetMaxBandwidthInMalformed),
        ({"AutoReleaseTime": "2023-11-14T22:20:00Z"}, InvalidAutoReleaseTimeMalformed),
        ({"AutoReleaseTime": "tomorrow"}, InvalidAutoReleaseTimeMalformed),
        ({"InstanceChargeType": "PrePaid", "Period": 1, "AutoRenew": "true", "AutoRenewPeriod": 5},
         InvalidAutoRenewPeriodValueNotSupported),
        ({"ResourceGroupId": "rg-nope"}, InvalidResourceGroupNotFound),
        ({"Password": "short1A"}, InvalidPasswordMalformed),
        ({"Password": "alllowercase1"}, InvalidPasswordMalformed),
        ({"NetworkInterface.1.InstanceType": "Primary"}, InvalidParamNetworkInterface),  # with VSwitchId given too
    ],
)
def test_refused_settings_create_nothing(cloud: FakeCloud, params: dict[str, Any], error: type[FakeApiError]) -> None:
    before = set(cloud.backend("testid", R).instances)
    with pytest.raises(error) as caught:
        launch(cloud, **params)
    assert caught.value.http_status in (400, 403, 404) and caught.value.message
    assert set(cloud.backend("testid", R).instances) == before


def test_burstable_credit_metadata_bandwidth_release_time(cloud: FakeCloud) -> None:
    (burst,) = launch(cloud, InstanceType="ecs.t6-c1m2.large")
    assert described(cloud, burst)["CreditSpecification"] == "Standard"
    (unlimited,) = launch(
        cloud,
        InstanceType="ecs.t6-c1m2.large",
        CreditSpecification="Unlimited",
        HttpTokens="required",
        InternetMaxBandwidthOut=50,
        AutoReleaseTime="2023-11-15T10:00:29Z",
    )
    found = described(cloud, unlimited)
    assert (found["CreditSpecification"], found["MetadataOptions"]["HttpTokens"]) == ("Unlimited", "required")
    assert (found["InternetMaxBandwidthIn"], found["AutoReleaseTime"]) == (50, "2023-11-15T10:00Z")


def test_subscription_auto_renew(cloud: FakeCloud) -> None:
    (renewing,) = launch(cloud, InstanceChargeType="PrePaid", Period=1, PeriodUnit="Week", AutoRenew="true",
                         AutoRenewPeriod=2)
    (plain,) = launch(cloud, InstanceChargeType="PrePaid", Period=3)
    answer = ecs(cloud, "DescribeInstanceAutoRenewAttribute", RegionId=R, InstanceId=f"{renewing},{plain}")
    rows = {r["InstanceId"]: r for r in answer["InstanceRenewAttributes"]["InstanceRenewAttribute"]}
    assert (rows[renewing]["AutoRenewEnabled"], rows[renewing]["Duration"], rows[renewing]["PeriodUnit"]) == (
        True, 2, "Week",
    )
    assert (rows[plain]["RenewalStatus"], rows[plain]["Duration"], rows[plain]["PeriodUnit"]) == ("Normal", 0, "Month")
    only = ecs(cloud, "DescribeInstanceAutoRenewAttribute", RegionId=R, RenewalStatus="AutoRenewal")
    assert [r["InstanceId"] for r in only["InstanceRenewAttributes"]["InstanceRenewAttribute"]] == [renewing]
    assert described(cloud, renewing)["SaleCycle"] == "Week"


def test_stopped_mode_and_start_time(cloud: FakeCloud, clock: Clock) -> None:
    (instance_id,) = launch(cloud)
    ecs(cloud, "StopInstance", InstanceId=instance_id, StoppedMode="StopCharging")
    assert described(cloud, instance_id)["StoppedMode"] == "StopCharging"
    clock.now += 3600
    ecs(cloud, "StartInstance", InstanceId=instance_id)
    found = described(cloud, instance_id)
    assert (found["StoppedMode"], found["StartTime"]) == ("Not-applicable", "2023-11-14T23:13Z")
    ecs(cloud, "StopInstance", InstanceId=instance_id)
    assert described(cloud, instance_id)["StoppedMode"] == "KeepCharging"


def test_secondary_ips_ipv6_and_secondary_interfaces(cloud: FakeCloud) -> None:
    vswitch = cloud.backend("testid", R).vswitches["vsw-bp1d3m0s0urce0vsw01"]
    with pytest.raises(InvalidVSwitchIpv6NotTurnOn) as no_ipv6:
        launch(cloud, Ipv6AddressCount=1)
    assert no_ipv6.value.http_status == 403
    vswitch.ipv6_cidr_block = "2408:4005:3a1:c300::/64"
    free = vswitch.available_ip_count
    (instance_id,) = launch(
        cloud,
        **primary_interface(vswitch.vswitch_id, DEMO_SECURITY_GROUP_ID, SecondaryPrivateIpAddressCount=2,
                            Ipv6AddressCount=1),
        **{
            "NetworkInterface.2.NetworkInterfaceName": "backend",
            "NetworkInterface.2.SecondaryPrivateIpAddressCount": 1,
        },
    )
    primary, secondary = described(cloud, instance_id)["NetworkInterfaces"]["NetworkInterface"]
    assert [s["Primary"] for s in primary["PrivateIpSets"]["PrivateIpSet"]] == [True, False, False]
    assert primary["Ipv6Sets"]["Ipv6Set"] == [{"Ipv6Address": "2408:4005:3a1:c300::1"}]
    assert secondary["Type"] == "Secondary" and len(secondary["PrivateIpSets"]["PrivateIpSet"]) == 2
    assert secondary["NetworkInterfaceId"].startswith("eni-") and secondary["MacAddress"] != primary["MacAddress"]
    assert vswitch.available_ip_count == free - 5
    ecs(cloud, "DeleteInstance", InstanceId=instance_id, Force="true")
    assert vswitch.available_ip_count == free and not vswitch.ipv6_used


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"NetworkInterface.1.SecondaryPrivateIpAddressCount": 6}, InvalidOperationIpv4CountExceeded),
        (primary_interface("vsw-bp1d3m0s0urce0vsw01", DEMO_SECURITY_GROUP_ID, SecondaryPrivateIpAddressCount=6),
         InvalidOperationIpv4CountExceeded),
        ({"Ipv6AddressCount": 2}, InvalidOperationIpv6CountExceeded),
        ({f"NetworkInterface.{n}.NetworkInterfaceName": f"eni-{n}" for n in (1, 2)}, InvalidParamNetworkInterface),
        ({"Amount": 2, "NetworkInterface.1.PrimaryIpAddress": "192.168.1.100"}, InvalidParamNetworkInterface),
        ({"NetworkInterface.1.PrimaryIpAddress": "192.168.1.10"}, InvalidParamNetworkInterface),
    ],
)
def test_refused_network_extras(cloud: FakeCloud, params: dict[str, Any], error: type[FakeApiError]) -> None:
    cloud.backend("testid", R).vswitches["vsw-bp1d3m0s0urce0vsw01"].ipv6_cidr_block = "2408:4005:3a1:c300::/64"
    with pytest.raises(error):
        launch(cloud, **params)


def test_the_room_check_counts_secondary_addresses(cloud: FakeCloud) -> None:
    vpc = cloud.seed_vpc(R, cidr_block="10.8.0.0/16")
    small = cloud.seed_vswitch(R, vpc_id=vpc, zone_id="cn-hangzhou-h", cidr_block="10.8.0.0/29")  # 4 usable
    group = cloud.seed_security_group(R, vpc_id=vpc, name="small-sg")
    launch(cloud, Amount=2, **primary_interface(small, group, SecondaryPrivateIpAddressCount=1))
    with pytest.raises(InvalidVSwitchIdIpNotEnough, match="0 free addresses; 2 are needed"):
        launch(cloud, **primary_interface(small, group, SecondaryPrivateIpAddressCount=1))


def test_names_and_host_names_of_a_batch(cloud: FakeCloud) -> None:
    ids = launch(cloud, Amount=3, InstanceName="web-[1,2]-hz", HostName="web-[1,2]", UniqueSuffix="true")
    assert [(described(cloud, i)["InstanceName"], described(cloud, i)["HostName"]) for i in ids] == [
        ("web-01-hz001", "web-01"), ("web-02-hz002", "web-02"), ("web-03-hz003", "web-03"),
    ]
    ids = launch(cloud, Amount=2, InstanceName="db", UniqueSuffix="true", HostNames=None,
                 **{"HostNames.1": "db-a", "HostNames.2": "db-b"})
    assert [(described(cloud, i)["InstanceName"], described(cloud, i)["HostName"]) for i in ids] == [
        ("db001", "db-a"), ("db002", "db-b"),
    ]
    (one,) = launch(cloud, HostName="node-${instance_id}")
    assert described(cloud, one)["HostName"] == f"node-{one}"
    with pytest.raises(InvalidParameter, match="one each"):
        launch(cloud, Amount=2, **{"HostNames.1": "only-one"})
    with pytest.raises(InvalidParamsInstanceNameExceed) as long_name:
        launch(cloud, Amount=2, InstanceName="n" * 126, UniqueSuffix="true")
    assert long_name.value.http_status == 403
    with pytest.raises(InvalidParamsHostnameExceed):
        launch(cloud, Amount=2, HostName="h" * 62, UniqueSuffix="true")


def test_windows_host_names(cloud: FakeCloud) -> None:
    (win,) = launch(cloud, ImageId=WINDOWS_IMAGE, HostName="win-app-01")
    assert described(cloud, win)["OSType"] == "windows"
    for bad in ("win.app", "1234", "a-very-long-host-name", "-win", "win--app"):
        with pytest.raises(InvalidHostNameMalformed, match="Windows"):
            launch(cloud, ImageId=WINDOWS_IMAGE, HostName=bad)
    with pytest.raises(InvalidParamsHostnameExceed, match="15"):
        launch(cloud, ImageId=WINDOWS_IMAGE, Amount=2, HostName="win-app-node1", UniqueSuffix="true")
    with pytest.raises(InvalidHostNameMalformed):
        launch(cloud, HostName="web--01")


def test_deletion_protection(cloud: FakeCloud) -> None:
    protected, plain = launch(cloud, Amount=2, DeletionProtection="true")
    ecs(cloud, "ModifyInstanceAttribute", InstanceId=plain, DeletionProtection="false")
    assert described(cloud, protected)["DeletionProtection"] is True
    for call in (
        lambda: ecs(cloud, "DeleteInstance", InstanceId=protected, Force="true"),
        lambda: ecs(cloud, "DeleteInstances", RegionId=R, **{"InstanceId.1": plain, "InstanceId.2": protected},
                    Force="true"),
    ):
        with pytest.raises(InvalidOperationDeletionProtection, match="DeletionProtection=false") as caught:
            call()
        assert (caught.value.code, caught.value.http_status) == ("InvalidOperation.DeletionProtection", 403)
    assert {protected, plain} <= set(cloud.backend("testid", R).instances)  # all or nothing
    ecs(cloud, "ModifyInstanceAttribute", InstanceId=protected, DeletionProtection="false")
    ecs(cloud, "DeleteInstances", RegionId=R, **{"InstanceId.1": plain, "InstanceId.2": protected}, Force="true")
    assert not {protected, plain} & set(cloud.backend("testid", R).instances)


def test_modify_instance_attribute(cloud: FakeCloud) -> None:
    (instance_id,) = launch(cloud, InstanceType="ecs.t6-c1m2.large")
    other_group = cloud.seed_security_group(R, vpc_id=DEMO_VPC_ID, name="extra-sg")
    ecs(
        cloud,
        "ModifyInstanceAttribute",
        InstanceId=instance_id,
        InstanceName="renamed",
        HostName="renamed-host",
        Description="after the change",
        Password="Str0ng!pass",
        UserData="IyEvYmluL3NoCmVjaG8gaGk=",
        CreditSpecification="Unlimited",
        **{"SecurityGroupIds.1": DEMO_SECURITY_GROUP_ID, "SecurityGroupIds.2": other_group},
    )
    found = described(cloud, instance_id)
    assert (found["InstanceName"], found["HostName"], found["CreditSpecification"]) == (
        "renamed", "renamed-host", "Unlimited",
    )
    assert found["SecurityGroupIds"]["SecurityGroupId"] == [DEMO_SECURITY_GROUP_ID, other_group]
    assert ecs(cloud, "DescribeInstances", RegionId=R, SecurityGroupId=other_group)["TotalCount"] == 1
    assert ecs(cloud, "DescribeUserData", RegionId=R, InstanceId=instance_id)["UserData"] == "IyEvYmluL3NoCmVjaG8gaGk="
    foreign_vpc = cloud.seed_vpc(R, cidr_block="10.9.0.0/16")
    foreign_group = cloud.seed_security_group(R, vpc_id=foreign_vpc, name="foreign-sg")
    with pytest.raises(InvalidParameterMismatch):
        ecs(cloud, "ModifyInstanceAttribute", InstanceId=instance_id, **{"SecurityGroupIds.1": foreign_group})
    with pytest.raises(InvalidPasswordMalformed):
        ecs(cloud, "ModifyInstanceAttribute", InstanceId=instance_id, Password="weak", InstanceName="not-applied")
    assert described(cloud, instance_id)["InstanceName"] == "renamed"  # nothing changes when one part is refused


def test_describe_instance_attribute_answers_its_own_fields(cloud: FakeCloud) -> None:
    (instance_id,) = launch(cloud, KeyPairName=None, InternetMaxBandwidthOut=20)
    answer = ecs(cloud, "DescribeInstanceAttribute", InstanceId=instance_id)
    assert (answer["IoOptimized"], answer["InternetMaxBandwidthIn"], answer["StoppedMode"]) == (
        "optimized", 20, "Not-applicable",
    )
    assert "KeyPairName" not in answer and "NetworkInterfaces" not in answer and "Tags" not in answer


def test_settings_survive_a_world_round_trip(cloud: FakeCloud) -> None:
    cloud.seed_ram_role(name="EcsRole")
    ecs(cloud, "CreateKeyPair", RegionId=R, KeyPairName="kp")
    deployment_set = ecs(cloud, "CreateDeploymentSet", RegionId=R, DeploymentSetName="spread")["DeploymentSetId"]
    launch(cloud, KeyPairName="kp", RamRoleName="EcsRole", UserData="aGk=", DeletionProtection="true",
           DeploymentSetId=deployment_set, SpotStrategy="SpotAsPriceGo",
           **primary_interface("vsw-bp1d3m0s0urce0vsw01", DEMO_SECURITY_GROUP_ID, SecondaryPrivateIpAddressCount=1),
           **{"NetworkInterface.2.NetworkInterfaceName": "second"})
    world = cloud.dump()
    assert FakeCloud(world).dump() == world
