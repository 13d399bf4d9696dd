"""A clone copies every setting of its source, the given props win, and what cannot be carried is decided:
refused with what to do, or dropped with a warning in the synthesized manifest."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CannedDestination, Synth, make_source, only

from cdk_clone import CloneConfigurationError, InstanceClone, SourceInstance
from cdk_clone._cdktf import TerraformStack
from cdk_clone.lookup.destination import DestinationVSwitch
from cdk_clone.lookup.snapshot import DiskSnapshot

SOURCE_KEY = "key-hzz0sourcekey0001"
DESTINATION_KEY = "key-shz0destkey00001"
USER_DATA = base64.b64encode(b"#!/bin/sh\necho hello\n").decode()


def rich_source(**changes: Any) -> SourceInstance:
    """Two data disks of different categories (one encrypted), a key pair, a RAM role, user data, deletion
    protection, PayByTraffic at 5 Mbit/s, a PL1 ESSD system disk, tags."""
    values: dict[str, Any] = {
        "disks": (
            DiskSnapshot(disk_id="d-bp1sys", kind="system", category="cloud_essd", size_gib=40, device="/dev/xvda",
                         performance_level="PL1"),
            DiskSnapshot(disk_id="d-bp1data1", kind="data", category="cloud_essd", size_gib=100, device="/dev/xvdb",
                         performance_level="PL0", encrypted=True, kms_key_id=SOURCE_KEY, delete_with_instance=False),
            DiskSnapshot(disk_id="d-bp1data2", kind="data", category="cloud_efficiency", size_gib=200,
                         device="/dev/xvdc"),
        ),
        "key_pair_name": "ops-key",
        "ram_role_name": "EcsReadOnly",
        "user_data": USER_DATA,
        "deletion_protection": True,
        "internet_charge_type": "PayByTraffic",
        "internet_max_bandwidth_out": 5,
        "description": "web server",
        "tags": {"app": "web", "env": "demo"},
        "resource_group_id": "rg-acfm0group001",
        "deployment_set_id": "ds-bp1set000001",
        "http_tokens": "required",
    }
    values.update(changes)
    return make_source(**values)


def group_of(stack: TerraformStack, synth: Synth) -> dict[str, Any]:
    return only(synth(stack), "ecsclone_instance_group")


def warnings_of(stack: TerraformStack, tmp_path: Path) -> list[str]:
    stack.node.scope.synth()  # type: ignore[union-attr]  # the app
    manifest = json.loads((tmp_path / "cdktf.out" / "manifest.json").read_text())
    return [a["message"] for a in manifest["stacks"]["clones"].get("annotations", []) if a["level"] == "@cdktf/warn"]


def test_same_region_with_data_copies_every_setting(stack: TerraformStack, synth: Synth) -> None:
    InstanceClone(stack, "web", source=rich_source(), amount=3, include_instance_data=True)
    group = group_of(stack, synth)
    assert group["data_disk"] == [
        {"category": "cloud_essd", "size": 100, "performance_level": "PL0", "encrypted": True,
         "kms_key_id": SOURCE_KEY, "delete_with_instance": False, "device": "/dev/xvdb"},
        {"category": "cloud_efficiency", "size": 200, "delete_with_instance": True, "device": "/dev/xvdc"},
    ]
    assert (group["system_disk_category"], group["system_disk_size"], group["system_disk_performance_level"]) == (
        "cloud_essd", 40, "PL1"
    )
    assert group["key_pair_name"] == "ops-key"
    assert group["ram_role_name"] == "EcsReadOnly"
    assert group["user_data"] == USER_DATA
    assert group["deletion_protection"] is True
    assert (group["internet_charge_type"], group["internet_max_bandwidth_out"]) == ("PayByTraffic", 5)
    assert group["description"] == "web server"
    assert group["tags"] == {"app": "web", "env": "demo"}
    assert group["resource_group_id"] == "rg-acfm0group001"
    assert group["deployment_set_id"] == "ds-bp1set000001", "same region: the source's deployment set"
    assert group["http_tokens"] == "required"
    # Three clones, three names: the source's name with Alibaba's batch numbering.
    assert (group["instance_name"], group["host_name"]) == ("web-1-[1,3]", "web-1-[1,3]")


def test_same_region_without_data_gets_empty_disks_of_the_same_shape(stack: TerraformStack, synth: Synth) -> None:
    InstanceClone(stack, "web", source=rich_source())
    disks = group_of(stack, synth)["data_disk"]
    assert [d.get("device") for d in disks] == [None, None], "new disks, not the image's"
    assert [(d["category"], d["size"], d.get("encrypted")) for d in disks] == [
        ("cloud_essd", 100, True), ("cloud_efficiency", 200, None)
    ]
    assert disks[0]["kms_key_id"] == SOURCE_KEY


def test_another_region_needs_a_destination_key_for_encrypted_disks(
    stack: TerraformStack, destination: CannedDestination
) -> None:
    destination.key_pairs["cn-shanghai", "ops-key"] = "fp"
    with pytest.raises(
        CloneConfigurationError,
        match=r"encrypted disk\(s\) d-bp1data1 \(/dev/xvdb\); KMS keys belong to one region, so cloning to "
        r"cn-shanghai needs a key there: give destination_kms_key_id=",
    ):
        InstanceClone(stack, "web", source=rich_source(), destination_region="cn-shanghai",
                      destination_zone_id="cn-shanghai-b")
    assert stack.node.try_find_child("web") is None


def test_another_region_encrypts_with_the_destination_key(
    stack: TerraformStack, synth: Synth, destination: CannedDestination, tmp_path: Path
) -> None:
    destination.key_pairs["cn-shanghai", "ops-key"] = "fp"
    destination.key_pairs["cn-hangzhou", "ops-key"] = "fp"
    InstanceClone(stack, "web", source=rich_source(), destination_region="cn-shanghai",
                  destination_zone_id="cn-shanghai-b", destination_kms_key_id=DESTINATION_KEY, amount=2)
    out = synth(stack)
    group = only(out, "ecsclone_instance_group")
    assert only(out, "ecsclone_image_copy")["kms_key_id"] == DESTINATION_KEY
    assert group["data_disk"][0]["kms_key_id"] == DESTINATION_KEY
    assert [d["device"] for d in group["data_disk"]] == ["/dev/xvdb", "/dev/xvdc"], "data through the image"
    assert group["key_pair_name"] == "ops-key"
    assert "deployment_set_id" not in group
    assert any("deployment set ds-bp1set000001 of cn-hangzhou is not carried to cn-shanghai" in w
               for w in warnings_of(stack, tmp_path))


@pytest.mark.parametrize(
    ("key_pairs", "message"),
    [
        ({}, r"source i-bp1d3m0s0urce00001's key pair 'ops-key' does not exist in cn-shanghai .*ImportKeyPair"),
        ({("cn-shanghai", "ops-key"): "aa:bb", ("cn-hangzhou", "ops-key"): "cc:dd"},
         r"key pair 'ops-key' of cn-shanghai holds another key than the source's \(fingerprint aa:bb"),
    ],
)
def test_a_key_pair_the_destination_lacks_is_refused_with_what_to_do(
    stack: TerraformStack, destination: CannedDestination, key_pairs: dict[tuple[str, str], str], message: str
) -> None:
    destination.key_pairs.update(key_pairs)
    with pytest.raises(CloneConfigurationError, match=message):
        InstanceClone(stack, "web", source=rich_source(disks=()), destination_region="cn-shanghai",
                      destination_zone_id="cn-shanghai-b")
    assert stack.node.try_find_child("web") is None


def test_given_props_override_the_sources(stack: TerraformStack, synth: Synth, destination: CannedDestination) -> None:
    destination.key_pairs["cn-hangzhou", "other-key"] = "fp"
    InstanceClone(
        stack, "web", source=rich_source(), instance_name="api", host_name="api", description="api server",
        key_pair_name="other-key", ram_role_name="", user_data="#!/bin/sh\nexit 0\n", deletion_protection=False,
        internet_charge_type="PayByBandwidth", internet_max_bandwidth_out=0, tags={"env": "test"},
        deployment_set_id="ds-bp1other00001", resource_group_id="rg-acfm0other01",
    )
    group = group_of(stack, synth)
    assert (group["instance_name"], group["host_name"], group["description"]) == ("api", "api", "api server")
    assert group["key_pair_name"] == "other-key"
    assert "ram_role_name" not in group, "'' clones without a RAM role"
    assert base64.b64decode(group["user_data"]) == b"#!/bin/sh\nexit 0\n"
    assert "deletion_protection" not in group
    assert group["internet_charge_type"] == "PayByBandwidth" and "internet_max_bandwidth_out" not in group
    assert group["tags"] == {"app": "web", "env": "test"}
    assert (group["deployment_set_id"], group["resource_group_id"]) == ("ds-bp1other00001", "rg-acfm0other01")


def test_a_named_key_pair_must_exist_where_the_clones_are(stack: TerraformStack) -> None:
    with pytest.raises(CloneConfigurationError, match=r"key_pair_name 'missing' does not exist in cn-hangzhou"):
        InstanceClone(stack, "web", source=rich_source(), key_pair_name="missing")


def test_a_spot_source_gives_spot_clones(stack: TerraformStack, synth: Synth) -> None:
    spot = make_source(spot_strategy="SpotWithPriceLimit", spot_price_limit=0.25, spot_duration=1)
    InstanceClone(stack, "web", source=spot)
    group = group_of(stack, synth)
    assert (group["spot_strategy"], group["spot_price_limit"], group["spot_duration"]) == ("SpotWithPriceLimit", 0.25, 1)


def test_a_subscription_asked_of_a_spot_source_is_not_spot(stack: TerraformStack, synth: Synth) -> None:
    spot = make_source(spot_strategy="SpotAsPriceGo")
    InstanceClone(stack, "web", source=spot, instance_charge_type="PrePaid", period=3)
    group = group_of(stack, synth)
    assert (group["instance_charge_type"], group["period"], group["period_unit"]) == ("PrePaid", 3, "Month")
    assert "spot_strategy" not in group


def test_the_source_and_given_tags_together_stay_within_alibabas_limit(stack: TerraformStack) -> None:
    source = make_source(tags={f"s{n}": "v" for n in range(15)})
    with pytest.raises(
        CloneConfigurationError,
        match=r"the clones' tags \(the source's 15 with the 3 given\) has 18 tags; an instance takes at most 17 "
        r"\(3 of Alibaba's 20 are cdk-clone's own\)",
    ):
        InstanceClone(stack, "web", source=source, tags={f"g{n}": "v" for n in range(3)})


def test_windows_host_names_follow_windows_rules(stack: TerraformStack, synth: Synth) -> None:
    windows = make_source(os_type="windows", host_name="WEB-SERVER-0001")
    with pytest.raises(CloneConfigurationError, match=r"host_name='web.example' for a Windows source: .*no period"):
        InstanceClone(stack, "bad", source=windows, host_name="web.example")
    InstanceClone(stack, "web", source=windows, amount=3)
    assert group_of(stack, synth)["host_name"] == "WEB-SERVER-[1,3]", "shortened to fit 15 characters"


def test_what_cannot_be_copied_is_said_in_warnings(stack: TerraformStack, tmp_path: Path, synth: Synth) -> None:
    source = make_source(secondary_private_ip_count=2, ipv6_address_count=1,
                         secondary_network_interface_ids=("eni-bp1extra0001",))
    InstanceClone(stack, "same", source=source)
    assert only(synth(stack), "ecsclone_instance_group")["ipv6_address_count"] == 1, "the source's own vSwitch"
    InstanceClone(stack, "away", source=source.model_copy(update={"instance_id": "i-bp1other0002"}),
                  destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b")
    warnings = warnings_of(stack, tmp_path)
    assert any("2 secondary private IP(s)" in w and "not copied" in w for w in warnings)
    assert any("eni-bp1extra0001" in w for w in warnings)
    assert any(w.startswith("InstanceClone 'away'") and "1 IPv6 address(es); its clones get none" in w for w in warnings)


# -- the destination, checked after the look-up ---------------------------------------------------------------


def _vswitch(**changes: Any) -> DestinationVSwitch:
    values: dict[str, Any] = {"vswitch_id": "vsw-uf6given0001", "region_id": "cn-shanghai", "vpc_id": "vpc-uf6given0001",
                              "zone_id": "cn-shanghai-b", "cidr_block": "192.168.1.0/28", "available_ip_count": 11}
    values.update(changes)
    return DestinationVSwitch(**values)


GIVEN = {"destination_region": "cn-shanghai", "destination_vpc_id": "vpc-uf6given0001",
         "destination_vswitch_id": "vsw-uf6given0001"}


@pytest.mark.parametrize(
    ("vswitch", "options", "message"),
    [
        (_vswitch(available_ip_count=2), {"amount": 3},
         r"'vsw-uf6given0001' \(192.168.1.0/28\) has 2 free address\(es\), fewer than amount=3 clones need"),
        (_vswitch(vpc_id="vpc-uf6another01"), {},
         r"'vsw-uf6given0001' is in VPC vpc-uf6another01, not in destination_vpc_id='vpc-uf6given0001'"),
        (_vswitch(), {"destination_zone_id": "cn-shanghai-e"},
         r"destination_zone_id='cn-shanghai-e' differs from the zone of destination_vswitch_id='vsw-uf6given0001'"),
        (None, {}, r"destination_vswitch_id='vsw-uf6given0001' is not a vSwitch of destination region cn-shanghai; "),
    ],
)
def test_a_given_vswitch_that_cannot_take_the_clones_is_refused(
    stack: TerraformStack, destination: CannedDestination, vswitch: DestinationVSwitch | None,
    options: dict[str, Any], message: str,
) -> None:
    destination.vswitches["cn-shanghai", "vsw-uf6given0001"] = vswitch
    destination.vswitches["cn-hangzhou", "vsw-uf6given0001"] = None
    with pytest.raises(CloneConfigurationError, match=message):
        InstanceClone(stack, "web", source=make_source(), **{**GIVEN, **options})
    assert stack.node.try_find_child("web") is None
    if vswitch is not None:
        assert "forget vswitch:cn-shanghai:vsw-uf6given0001" in destination.calls, "the next synth asks again"


def test_a_vswitch_of_the_source_region_is_named_as_such(stack: TerraformStack, destination: CannedDestination) -> None:
    destination.vswitches["cn-shanghai", "vsw-uf6given0001"] = None
    with pytest.raises(CloneConfigurationError, match=r"it is in cn-hangzhou, the source's region"):
        InstanceClone(stack, "web", source=make_source(), **GIVEN)


def test_a_zone_that_does_not_exist_or_offer_the_type_is_refused(
    stack: TerraformStack, destination: CannedDestination
) -> None:
    with pytest.raises(CloneConfigurationError, match=r"zone 'cn-shanghai-z' does not exist in cn-shanghai"):
        InstanceClone(stack, "a", source=make_source(), destination_region="cn-shanghai",
                      destination_zone_id="cn-shanghai-z")
    destination.instance_types = {"ecs.c7.large": (2, 4.0)}
    with pytest.raises(CloneConfigurationError, match=r"does not offer ecs.g7.large, nor any type with at least 2 "):
        InstanceClone(stack, "b", source=make_source(), destination_region="cn-shanghai",
                      destination_zone_id="cn-shanghai-b")
    with pytest.raises(CloneConfigurationError, match=r"does not offer ecs.g7.large; .*allow_similar_instance_type"):
        InstanceClone(stack, "c", source=make_source(), destination_region="cn-shanghai",
                      destination_zone_id="cn-shanghai-b", allow_similar_instance_type=False)
    destination.instance_types = {"ecs.g7.xlarge": (4, 16.0)}
    InstanceClone(stack, "d", source=make_source(), destination_region="cn-shanghai",
                  destination_zone_id="cn-shanghai-b")


def test_a_task_needs_room_in_a_given_vswitch_for_every_sources_clones(
    stack: TerraformStack, destination: CannedDestination
) -> None:
    from cdk_clone import CloneTask

    destination.vswitches["cn-shanghai", "vsw-uf6given0001"] = _vswitch(available_ip_count=11)
    sources = [make_source(), make_source("i-bp1d3m0s0urce00002", private_ip="192.168.1.11")]
    with pytest.raises(CloneConfigurationError, match=r"CloneTask 'task': .* has 11 free address\(es\), fewer than "
                       r"2 sources x amount=6 = 12 clones need"):
        CloneTask(stack, "task", sources=sources, amount=6, **GIVEN)
    CloneTask(stack, "fits", sources=sources, amount=5, **GIVEN)
