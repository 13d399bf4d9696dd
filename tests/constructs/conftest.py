"""Fixtures for the construct synth tests: explicit source snapshots (no API), a stack, a synth helper.

The top-level conftest sets the environment (no calls home, no jsii banner). Nothing here talks to an
API: every source is a SourceInstance written out below, and look-ups are replaced where a test needs one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cdk_clone._cdktf import TerraformStack, Testing
from cdk_clone.lookup import destination as destination_facts
from cdk_clone.lookup.destination import DestinationVSwitch, InstanceTypeSize
from cdk_clone.lookup.snapshot import DiskSnapshot, SecurityGroupRule, SecurityGroupSnapshot, SourceInstance

SOURCE_REGION = "cn-hangzhou"
VPC_ID = "vpc-bp1d3m0s0urce0vpc01"
VSWITCH_ID = "vsw-bp1d3m0s0urce0vsw01"
GROUP_ID = "sg-bp1d3m0s0urce0sg001"


def web_group(group_id: str = GROUP_ID, *, rules: tuple[SecurityGroupRule, ...] | None = None) -> SecurityGroupSnapshot:
    default_rules = (
        SecurityGroupRule(
            direction="ingress", ip_protocol="tcp", port_range="22/22", cidr_ip="0.0.0.0/0", description="ssh"
        ),
        SecurityGroupRule(
            direction="ingress", ip_protocol="tcp", port_range="8000/8100", cidr_ip="192.168.0.0/16", priority=5
        ),
        SecurityGroupRule(direction="ingress", ip_protocol="icmp", cidr_ip="10.0.0.0/8", policy="drop"),
        SecurityGroupRule(direction="egress", ip_protocol="all", cidr_ip="0.0.0.0/0"),
    )
    return SecurityGroupSnapshot(
        security_group_id=group_id,
        name="demo-web-sg",
        description="Web servers of the demo",
        vpc_id=VPC_ID,
        rules=default_rules if rules is None else rules,
    )


def make_source(instance_id: str = "i-bp1d3m0s0urce00001", **changes: Any) -> SourceInstance:
    """The demo seed's web-1 as a snapshot, with ``changes`` applied."""
    values: dict[str, Any] = {
        "instance_id": instance_id,
        "region_id": SOURCE_REGION,
        "zone_id": "cn-hangzhou-h",
        "instance_type": "ecs.g7.large",
        "cpu": 2,
        "memory_mib": 8192,
        "image_id": "ubuntu_22_04_x64_20G_alibase_20240130.vhd",
        "image_visible": True,
        "network_type": "vpc",
        "vpc_id": VPC_ID,
        "vpc_cidr_block": "192.168.0.0/16",
        "vswitch_id": VSWITCH_ID,
        "vswitch_cidr_block": "192.168.1.0/24",
        "private_ip": "192.168.1.10",
        "instance_charge_type": "PostPaid",
        "security_groups": (web_group(),),
        "instance_name": "web-1",
        "host_name": "web-1",
        "disks": (
            DiskSnapshot(disk_id="d-bp1sys01", kind="system", category="cloud_essd", size_gib=40, device="/dev/xvda"),
        ),
        "tags": {"app": "web", "env": "demo"},
        "internet_max_bandwidth_out": 5,
    }
    values.update(changes)
    return SourceInstance(**values)


@pytest.fixture
def source() -> SourceInstance:
    return make_source()


@pytest.fixture
def stack(tmp_path: Path) -> TerraformStack:
    return TerraformStack(Testing.app(outdir=str(tmp_path / "cdktf.out")), "clones")


Synth = Callable[[TerraformStack], dict[str, Any]]


@pytest.fixture
def synth() -> Synth:
    def _synth(stack: TerraformStack) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(Testing.synth(stack))
        return result

    return _synth


@pytest.fixture
def no_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any look-up over the API fails the test; returns the calls (there must be none)."""
    calls: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        calls.append(f"{args} {kwargs}")
        raise AssertionError(f"unexpected look-up {args} {kwargs}")

    monkeypatch.setattr("cdk_clone.lookup.context.lookup_source_instance", refuse)
    monkeypatch.setattr("cdk_clone.lookup.context.lookup_source_instances", refuse)
    monkeypatch.setattr("cdk_clone.lookup.context.lookup_zone_ids", refuse)
    return calls


class CannedDestination:
    """What the destination look-ups answer in these tests (no API): every zone ``<region>-a`` to ``-l`` offers
    the types below; a given vSwitch ``vsw-X`` is in VPC ``vpc-X``, zone ``<region>-b``, with 250 free
    addresses; key pairs are those listed. A test changes these to reproduce a refusal."""

    def __init__(self) -> None:
        self.instance_types = {"ecs.g7.large": (2, 8.0), "ecs.g6.large": (2, 8.0), "ecs.g7.xlarge": (4, 16.0)}
        self.vswitches: dict[tuple[str, str], DestinationVSwitch | None] = {}
        self.key_pairs: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def vswitch(self, vswitch_id: str, region_id: str, **_: Any) -> DestinationVSwitch | None:
        self.calls.append(f"vswitch {region_id} {vswitch_id}")
        if (region_id, vswitch_id) in self.vswitches:
            return self.vswitches[region_id, vswitch_id]
        return DestinationVSwitch(
            vswitch_id=vswitch_id, region_id=region_id, vpc_id="vpc-" + vswitch_id.removeprefix("vsw-"),
            zone_id=f"{region_id}-b", cidr_block="192.168.0.0/16", available_ip_count=250,
        )

    def zones(self, region_id: str, **_: Any) -> dict[str, list[str]]:
        self.calls.append(f"zones {region_id}")
        return {f"{region_id}-{letter}": sorted(self.instance_types) for letter in "abcdefghijkl"}

    def sizes(self, region_id: str, **_: Any) -> dict[str, InstanceTypeSize]:
        self.calls.append(f"sizes {region_id}")
        return {t: InstanceTypeSize(cpu=c, memory_gib=m) for t, (c, m) in self.instance_types.items()}

    def key_pair(self, name: str, region_id: str, **_: Any) -> str | None:
        self.calls.append(f"key pair {region_id} {name}")
        return self.key_pairs.get((region_id, name))


@pytest.fixture(autouse=True)
def destination(monkeypatch: pytest.MonkeyPatch) -> CannedDestination:
    """The destination look-ups, answered without an API (see :class:`CannedDestination`)."""
    canned = CannedDestination()
    monkeypatch.setattr(destination_facts, "lookup_vswitch", canned.vswitch)
    monkeypatch.setattr(destination_facts, "lookup_zone_instance_types", canned.zones)
    monkeypatch.setattr(destination_facts, "lookup_instance_type_sizes", canned.sizes)
    monkeypatch.setattr(destination_facts, "lookup_key_pair", canned.key_pair)
    monkeypatch.setattr(destination_facts, "forget", lambda key, **_: canned.calls.append(f"forget {key}"))
    return canned


def resources(out: dict[str, Any], type_name: str) -> dict[str, Any]:
    found: dict[str, Any] = out.get("resource", {}).get(type_name, {})
    return found


def only(out: dict[str, Any], type_name: str) -> dict[str, Any]:
    found = resources(out, type_name)
    assert len(found) == 1, f"expected one {type_name}, found {sorted(found)}"
    return next(iter(found.values()))
