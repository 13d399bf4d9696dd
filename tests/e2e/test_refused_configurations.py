"""Configurations the destination cannot take are refused at synth, against the fake cloud, with a message that
says what to change, and nothing is made: the fake sees look-ups only, never a call that creates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_support import CloudView

from cdk_clone import CloneConfigurationError, InstanceClone
from cdk_clone._cdktf import TerraformStack, Testing
from fake_api.seeds import (
    DEMO_KMS_KEYS,
    DEMO_SOURCE_INSTANCE_ID,
    DEMO_VPC_ID,
    DEMO_VSWITCH_ID,
    RICH_DATA_DISKS,
    RICH_KEY_PAIR_NAME,
    RICH_REGION_ID,
    RICH_SOURCE_INSTANCE_ID,
)

# The networks the tests make must be Available at once (a vSwitch needs its VPC Available).
pytestmark = [pytest.mark.e2e, pytest.mark.fake_profile("instant")]

_READS = ("Describe", "List")


def _writes(fake: Any) -> list[str]:
    return [c["action"] for c in fake.calls() if not c["action"].startswith(_READS)]


def _network(cloud: CloudView, region: str, cidr: str, vswitch_cidr: str, zone: str) -> tuple[str, str]:
    with cloud.client(region) as api:
        vpc = api.vpc("CreateVpc", {"CidrBlock": cidr})["VpcId"]
        vswitch = api.vpc("CreateVSwitch", {"VpcId": vpc, "ZoneId": zone, "CidrBlock": vswitch_cidr})["VSwitchId"]
    return vpc, vswitch


@pytest.fixture
def stack(tmp_path: Path) -> TerraformStack:
    return TerraformStack(Testing.app(outdir=str(tmp_path / "out")), "clones")


def _refused(
    stack: TerraformStack, tmp_path: Path, fake: Any, message: str, *, source: tuple[str, str] | None = None,
    **options: Any,
) -> None:
    instance_id, region = source or (DEMO_SOURCE_INSTANCE_ID, "cn-hangzhou")
    fake.call_log.clear()
    with pytest.raises(CloneConfigurationError, match=message):
        InstanceClone(stack, "web", source_instance_id=instance_id, source_region=region,
                      context_file=tmp_path / "cdk-clone.context.json", **options)
    assert fake.calls(), "the refusal came after looking the cloud up"
    assert _writes(fake) == [], "a refused configuration creates nothing"
    assert stack.node.try_find_child("web") is None


def test_a_vswitch_of_another_region(cloud: CloudView, fake_cloud: Any, stack: TerraformStack, tmp_path: Path) -> None:
    _refused(
        stack, tmp_path, fake_cloud,
        rf"destination_vswitch_id='{DEMO_VSWITCH_ID}' is not a vSwitch of destination region cn-shanghai: it is in "
        r"cn-hangzhou, the source's region; give a vSwitch of cn-shanghai",
        destination_region="cn-shanghai", destination_vpc_id=DEMO_VPC_ID, destination_vswitch_id=DEMO_VSWITCH_ID,
    )


def test_a_vswitch_outside_the_given_vpc(cloud: CloudView, fake_cloud: Any, stack: TerraformStack, tmp_path: Path) -> None:
    _, vswitch = _network(cloud, "cn-shanghai", "10.0.0.0/16", "10.0.1.0/24", "cn-shanghai-e")
    other_vpc, _ = _network(cloud, "cn-shanghai", "10.1.0.0/16", "10.1.1.0/24", "cn-shanghai-e")
    _refused(
        stack, tmp_path, fake_cloud, rf"is in VPC vpc-\w+, not in destination_vpc_id='{other_vpc}'",
        destination_region="cn-shanghai", destination_vpc_id=other_vpc, destination_vswitch_id=vswitch,
    )


def test_a_vswitch_without_room_for_the_clones(
    cloud: CloudView, fake_cloud: Any, stack: TerraformStack, tmp_path: Path
) -> None:
    vpc, vswitch = _network(cloud, "cn-shanghai", "10.0.0.0/16", "10.0.1.0/29", "cn-shanghai-e")
    _refused(
        stack, tmp_path, fake_cloud,
        rf"'{vswitch}' \(10.0.1.0/29\) has \d free address\(es\), fewer than amount=20 clones need",
        destination_region="cn-shanghai", destination_vpc_id=vpc, destination_vswitch_id=vswitch, amount=20,
    )
    # Nothing refused was cached: with a smaller amount the same vSwitch is looked up again and accepted.
    assert "vswitch:" not in (tmp_path / "cdk-clone.context.json").read_text()
    InstanceClone(stack, "fits", source_instance_id=DEMO_SOURCE_INSTANCE_ID, source_region="cn-hangzhou",
                  context_file=tmp_path / "cdk-clone.context.json", destination_region="cn-shanghai",
                  destination_vpc_id=vpc, destination_vswitch_id=vswitch, amount=2)


def test_a_zone_the_region_does_not_have(cloud: CloudView, fake_cloud: Any, stack: TerraformStack, tmp_path: Path) -> None:
    _refused(
        stack, tmp_path, fake_cloud, r"zone 'cn-shanghai-z' does not exist in cn-shanghai \(its zones: cn-shanghai-e",
        destination_region="cn-shanghai", destination_zone_id="cn-shanghai-z",
    )


def test_more_tags_than_alibaba_allows_with_the_sources(
    cloud: CloudView, fake_cloud: Any, stack: TerraformStack, tmp_path: Path
) -> None:
    # 17 of the 20 are the user's: cdk-clone's ownership tags take 3.
    _refused(
        stack, tmp_path, fake_cloud, r"the clones' tags \(the source's 2 with the 16 given\) has 18 tags",
        tags={f"team{n}": "x" for n in range(16)},
    )


def test_encrypted_disks_to_another_region_without_a_key_there(
    cloud: CloudView, fake_cloud: Any, stack: TerraformStack, tmp_path: Path
) -> None:
    encrypted = next(disk_id for disk_id, *_, key in RICH_DATA_DISKS.values() if key)
    _refused(
        stack, tmp_path, fake_cloud,
        rf"has encrypted disk\(s\) {encrypted} \(/dev/xvdb\); KMS keys belong to one region, so cloning to "
        r"cn-shanghai needs a key there: give destination_kms_key_id=",
        source=(RICH_SOURCE_INSTANCE_ID, RICH_REGION_ID), destination_region="cn-shanghai",
    )


def test_a_key_pair_the_destination_does_not_have(
    cloud: CloudView, fake_cloud: Any, stack: TerraformStack, tmp_path: Path
) -> None:
    _refused(
        stack, tmp_path, fake_cloud,
        rf"key pair '{RICH_KEY_PAIR_NAME}' does not exist in cn-shanghai \(key pairs belong to one region.*"
        rf"ImportKeyPair --RegionId cn-shanghai --KeyPairName {RICH_KEY_PAIR_NAME}",
        source=(RICH_SOURCE_INSTANCE_ID, RICH_REGION_ID), destination_region="cn-shanghai",
        destination_kms_key_id=DEMO_KMS_KEYS["cn-shanghai"],
    )
