"""Reading a source instance over the API: the snapshot says what the cloud says."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest

from cdk_clone.api import AlibabaCloudClient
from cdk_clone.lookup import SourceInstanceNotFound, read_source_instance, read_zone_ids
from fake_api.seeds import (
    DEMO_SOURCE_INSTANCE_ID,
    RICH_DATA_DISKS,
    RICH_DEPLOYMENT_SET_ID,
    RICH_KEY_PAIR_NAME,
    RICH_RAM_ROLE_NAME,
    RICH_REGION_ID,
    RICH_RESOURCE_GROUP_ID,
    RICH_SOURCE_INSTANCE_ID,
    RICH_USER_DATA,
    SPOT_SOURCE_INSTANCE_ID,
)

SOURCE_REGION = "cn-hangzhou"


def test_snapshot_equals_the_instance_as_the_api_describes_it(client: AlibabaCloudClient) -> None:
    source = read_source_instance(client, SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)

    attribute = client.ecs("DescribeInstanceAttribute", {"InstanceId": DEMO_SOURCE_INSTANCE_ID})
    assert source.instance_id == DEMO_SOURCE_INSTANCE_ID
    assert source.region_id == SOURCE_REGION
    assert source.zone_id == attribute["ZoneId"]
    assert source.instance_type == attribute["InstanceType"]
    assert (source.cpu, source.memory_mib) == (attribute["Cpu"], attribute["Memory"])
    assert source.image_id == attribute["ImageId"]
    assert source.instance_charge_type == attribute["InstanceChargeType"]
    assert source.vpc_id == attribute["VpcAttributes"]["VpcId"]
    assert source.vswitch_id == attribute["VpcAttributes"]["VSwitchId"]
    assert source.private_ip == attribute["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0]
    assert list(source.security_group_ids) == attribute["SecurityGroupIds"]["SecurityGroupId"]
    assert source.network_type == "vpc"
    assert source.image_visible is True  # the demo source boots from a public image

    vpc = client.vpc("DescribeVpcs", {"VpcId": source.vpc_id})["Vpcs"]["Vpc"][0]
    vswitch = client.vpc("DescribeVSwitches", {"VSwitchId": source.vswitch_id})["VSwitches"]["VSwitch"][0]
    assert source.vpc_cidr_block == vpc["CidrBlock"]
    assert source.vswitch_cidr_block == vswitch["CidrBlock"]
    assert ipaddress.ip_network(source.vswitch_cidr_block).subnet_of(ipaddress.ip_network(source.vpc_cidr_block))

    disks = client.ecs("DescribeDisks", {"InstanceId": DEMO_SOURCE_INSTANCE_ID})["Disks"]["Disk"]
    assert {d.disk_id for d in source.disks} == {d["DiskId"] for d in disks}
    assert source.system_disk is not None and source.disks[0].kind == "system"


def _api_rules(client: AlibabaCloudClient, group_id: str) -> set[tuple[Any, ...]]:
    answer = client.ecs("DescribeSecurityGroupAttribute", {"SecurityGroupId": group_id})
    rules = set()
    for p in answer["Permissions"]["Permission"]:
        egress = p["Direction"] == "egress"
        rules.add((
            p["Direction"], p["IpProtocol"].lower(), p["PortRange"],
            (p.get("DestCidrIp") if egress else p.get("SourceCidrIp")) or None,
            p["Policy"].lower(), int(p["Priority"]),
        ))
    return rules


def test_rules_are_the_groups_rules_normalised_to_lowercase(client: AlibabaCloudClient) -> None:
    source = read_source_instance(client, SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)
    group = source.security_groups[0]
    directions = {r.direction for r in group.rules}
    assert directions == {"ingress", "egress"}  # the demo group has both
    snapshot_rules = {
        (r.direction, r.ip_protocol, r.port_range, r.cidr_ip, r.policy, r.priority) for r in group.rules
    }
    assert snapshot_rules == _api_rules(client, group.security_group_id)
    assert all(r.ip_protocol == r.ip_protocol.lower() for r in group.rules)


def test_an_unknown_instance_names_itself_and_the_region(client: AlibabaCloudClient) -> None:
    with pytest.raises(SourceInstanceNotFound) as caught:
        read_source_instance(client, SOURCE_REGION, "i-bp1doesnotexist0")
    assert "i-bp1doesnotexist0" in str(caught.value) and "cn-hangzhou" in str(caught.value)


def test_an_instance_of_another_region_is_not_found_there(client: AlibabaCloudClient) -> None:
    with pytest.raises(SourceInstanceNotFound, match="cn-shanghai"):
        read_source_instance(client, "cn-shanghai", DEMO_SOURCE_INSTANCE_ID)


def test_an_instance_whose_image_is_gone_is_marked_invisible(client: AlibabaCloudClient) -> None:
    # Boot an instance from a custom image of the source, then delete that image: a same-region clone
    # without data could no longer boot from it, and the snapshot must say so.
    source = read_source_instance(client, SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)
    image_id = client.ecs("CreateImage", {"InstanceId": source.instance_id, "ImageName": "TemplateScratch-t1"})["ImageId"]
    client.wait_for(  # an image is Creating for a while, and only an Available image boots instances
        lambda: client.ecs("DescribeImages", {"ImageId": image_id})["Images"]["Image"] or None,
        ready=lambda found: True,
        timeout=30,
        what=f"image {image_id} to become Available",
        interval=0.05,
    )
    run = client.ecs(
        "RunInstances",
        {
            "ImageId": image_id,
            "InstanceType": source.instance_type,
            "VSwitchId": source.vswitch_id,
            "SecurityGroupIds.1": source.security_group_ids[0],
        },
    )
    instance_id = run["InstanceIdSets"]["InstanceIdSet"][0]
    client.ecs("DeleteImage", {"ImageId": image_id, "Force": "true"})

    orphan = read_source_instance(client, SOURCE_REGION, instance_id)
    assert orphan.image_id == image_id
    assert orphan.image_visible is False


def test_zones_of_a_region(client: AlibabaCloudClient) -> None:
    zones = read_zone_ids(client, "cn-shanghai")
    answer = client.ecs("DescribeZones", {"RegionId": "cn-shanghai"}, region_id="cn-shanghai")
    assert zones == sorted(z["ZoneId"] for z in answer["Zones"]["Zone"])
    assert all(z.startswith("cn-shanghai-") for z in zones)


def test_the_snapshot_survives_a_json_round_trip(client: AlibabaCloudClient) -> None:
    source = read_source_instance(client, SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)
    again = type(source).model_validate(json.loads(source.model_dump_json()))
    assert again == source


def test_a_classic_network_instance_is_described_as_classic(client: AlibabaCloudClient, fake_cloud: Any) -> None:
    world = fake_cloud.cloud.dump()
    instances = world["accounts"]["testid"]["regions"][SOURCE_REGION]["instances"]
    classic = dict(instances[0], instance_id="i-bp1c1ass1c000001", network_type="classic", vpc_id="",
                   vswitch_id="", private_ips=["10.1.2.3"], security_group_ids=[], disks=[{}])
    instances.append(classic)
    fake_cloud.reset(seed=world)

    source = read_source_instance(client, SOURCE_REGION, "i-bp1c1ass1c000001")
    assert source.network_type == "classic"
    assert (source.vpc_id, source.vswitch_id, source.vpc_cidr_block, source.vswitch_cidr_block) == (None,) * 4
    assert source.private_ip == "10.1.2.3"


def test_a_prepaid_instance_keeps_its_billing(client: AlibabaCloudClient, fake_cloud: Any) -> None:
    world = fake_cloud.cloud.dump()
    instances = world["accounts"]["testid"]["regions"][SOURCE_REGION]["instances"]
    instances[0].update(charge_type="PrePaid", period=3, period_unit="Month")
    fake_cloud.reset(seed=world)
    source = read_source_instance(client, SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)
    assert source.instance_charge_type == "PrePaid"
    assert source.period is not None and source.period_unit == "Month"


def test_every_setting_a_clone_copies_is_read(client: AlibabaCloudClient) -> None:
    source = read_source_instance(client, RICH_REGION_ID, RICH_SOURCE_INSTANCE_ID)
    assert source.key_pair_name == RICH_KEY_PAIR_NAME
    assert source.ram_role_name == RICH_RAM_ROLE_NAME  # DescribeInstanceRamRole
    assert source.user_data == RICH_USER_DATA  # DescribeUserData, Base64 as kept
    assert source.deletion_protection is True
    assert (source.internet_charge_type, source.internet_max_bandwidth_out) == ("PayByTraffic", 5)
    assert source.resource_group_id == RICH_RESOURCE_GROUP_ID
    assert source.deployment_set_id == RICH_DEPLOYMENT_SET_ID
    assert (source.http_tokens, source.http_endpoint) == ("required", "enabled")
    assert source.description and source.os_type == "linux"
    system = source.system_disk
    assert system is not None and (system.category, system.size_gib, system.performance_level) == ("cloud_essd", 40, "PL1")
    data = {d.device: d for d in source.data_disks}
    assert list(data) == sorted(RICH_DATA_DISKS), "device order"
    for device, (disk_id, category, level, size, key) in RICH_DATA_DISKS.items():
        disk = data[device]
        assert (disk.disk_id, disk.category, disk.performance_level or "", disk.size_gib) == (disk_id, category, level, size)
        assert (disk.encrypted, disk.kms_key_id or "") == (bool(key), key)
        assert disk.delete_with_instance is True
    spot = read_source_instance(client, RICH_REGION_ID, SPOT_SOURCE_INSTANCE_ID)
    assert (spot.spot_strategy, spot.spot_price_limit, spot.spot_duration) == ("SpotWithPriceLimit", 0.25, 1)
    assert spot.ram_role_name is None and spot.user_data is None and spot.data_disks == ()


def test_a_subscriptions_auto_renewal_is_read(client: AlibabaCloudClient, fake_cloud: Any) -> None:
    world = fake_cloud.cloud.dump()
    instances = world["accounts"]["testid"]["regions"][SOURCE_REGION]["instances"]
    instances[0].update(charge_type="PrePaid", period=1, period_unit="Month")
    instances[0].setdefault("settings", {}).update(auto_renew=True, auto_renew_period=3)
    fake_cloud.reset(seed=world)
    source = read_source_instance(client, SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)
    assert (source.auto_renew, source.auto_renew_period) == (True, 3)


def test_the_disks_of_many_instances_are_listed_once_per_page(client: AlibabaCloudClient, fake_cloud: Any) -> None:
    from cdk_clone.lookup.reader import read_disks, read_disks_of
    from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_VSWITCH_ID

    ids = [DEMO_SOURCE_INSTANCE_ID] + [
        fake_cloud.cloud.seed_instance(
            SOURCE_REGION, vswitch_id=DEMO_VSWITCH_ID, security_group_ids=[DEMO_SECURITY_GROUP_ID],
            image_id=DEMO_IMAGE_ID, private_ip=f"192.168.1.{60 + n}",
        )
        for n in range(11)
    ]
    one_by_one = {i: read_disks(client, SOURCE_REGION, i) for i in ids}
    before = len(fake_cloud.calls("DescribeDisks"))
    assert read_disks_of(client, SOURCE_REGION, ids) == one_by_one
    assert len(fake_cloud.calls("DescribeDisks")) - before == 1

    # A verify of several clone groups in one region lists the region's disks once for all of them.
    from cdk_clone.verify import SharedReads

    reads = SharedReads()
    before = len(fake_cloud.calls("DescribeDisks"))
    for group in (ids[:11], ids[1:]):
        answer = read_disks_of(client, SOURCE_REGION, group, region_disks=lambda: reads.region_disks(client, SOURCE_REGION))
        assert answer == {i: one_by_one[i] for i in group}
    assert len(fake_cloud.calls("DescribeDisks")) - before == 1


def test_a_clone_of_a_clone_does_not_copy_cdk_clones_own_tags(client: AlibabaCloudClient) -> None:
    # A source that is itself a clone carries ownership tags: they belong to the clone that made it, not to
    # the new clones (which get their own), and the cloud's own tags are never copied either.
    client.ecs("TagResources", {
        "ResourceType": "instance",
        "ResourceId": [DEMO_SOURCE_INSTANCE_ID],
        "Tag": [{"Key": "cdk-clone:owner", "Value": "0" * 32}, {"Key": "cdk-clone:origin", "Value": "app/web"}],
    })
    source = read_source_instance(client, SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)
    assert source.tags and not any(key.startswith(("cdk-clone:", "aliyun", "acs:")) for key in source.tags)
