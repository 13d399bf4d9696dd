"""A vSwitch replica holds every clone placed in it: the source's CIDR block when they fit, a wider block
containing it when they do not, and a refusal at synth, with the figures, when no such block fits."""

from __future__ import annotations

import pytest
from conftest import VSWITCH_ID, Synth, make_source, only, resources

from cdk_clone import CloneTask, InstanceClone
from cdk_clone._cdktf import TerraformStack
from cdk_clone.constructs import CloneConfigurationError
from cdk_clone.constructs.network import replica_vswitch_cidr, vswitch_capacity

OTHER_VSWITCH = "vsw-bp1d3m0s0urce0vsw02"


def sources(count: int, **changes: object) -> list[object]:
    return [
        make_source(f"i-bp1d3m0s0urce{n:05d}", private_ip=f"192.168.1.{10 + n}", instance_name=f"web-{n}", **changes)
        for n in range(1, count + 1)
    ]


def task(stack: TerraformStack, count: int, amount: int, **changes: object) -> CloneTask:
    return CloneTask(
        stack,
        "task",
        sources=sources(count, **changes),  # type: ignore[arg-type]
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
        amount=amount,
        include_instance_data=True,
    )


def test_clones_that_fit_keep_the_source_vswitch_block(stack: TerraformStack, synth: Synth) -> None:
    task(stack, 2, 100)
    assert only(synth(stack), "ecsclone_vswitch")["cidr_block"] == "192.168.1.0/24"


def test_2000_clones_widen_the_replica_to_the_smallest_block_holding_them(stack: TerraformStack, synth: Synth) -> None:
    task(stack, 20, 100)
    out = synth(stack)
    vswitch = only(out, "ecsclone_vswitch")
    assert vswitch["cidr_block"] == "192.168.0.0/21"
    assert vswitch_capacity(vswitch["cidr_block"]) == 2044
    assert only(out, "ecsclone_vpc")["cidr_block"] == "192.168.0.0/16", "the VPC replica keeps its block"
    assert len(resources(out, "ecsclone_instance_group")) == 20


def test_one_clone_over_a_block_doubles_it(stack: TerraformStack, synth: Synth) -> None:
    InstanceClone(
        stack,
        "web",
        source=make_source(vswitch_cidr_block="192.168.1.0/26"),
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
        amount=61,
    )
    assert only(synth(stack), "ecsclone_vswitch")["cidr_block"] == "192.168.1.0/25"


def test_clones_that_cannot_fit_in_the_vpc_replica_are_refused_at_synth_with_the_figures(
    stack: TerraformStack, synth: Synth
) -> None:
    with pytest.raises(CloneConfigurationError) as refused:
        task(stack, 3, 100, vpc_cidr_block="192.168.1.0/24")
    message = str(refused.value)
    assert "300 clones need a vSwitch of at least 304 addresses (/23)" in message
    assert f"the replica of {VSWITCH_ID} keeps its CIDR block 192.168.1.0/24 (252 usable addresses)" in message
    assert "the VPC replica is 192.168.1.0/24" in message
    assert "destination_vpc_id and destination_vswitch_id" in message
    assert resources(synth(stack), "ecsclone_vswitch") == {}, "nothing is declared"


def test_a_widened_block_may_not_overlap_another_vswitch_replica(stack: TerraformStack) -> None:
    first = sources(6)
    second = [
        make_source(
            "i-bp1d3m0s0urce00009",
            vswitch_id=OTHER_VSWITCH,
            vswitch_cidr_block="192.168.2.0/24",
            private_ip="192.168.2.10",
        )
    ]
    with pytest.raises(CloneConfigurationError, match=rf"overlaps the replica of {OTHER_VSWITCH} \(192.168.2.0/24\)"):
        CloneTask(
            stack,
            "task",
            sources=[*first, *second],  # type: ignore[list-item]
            destination_region="cn-shanghai",
            destination_zone_id="cn-shanghai-b",
            amount=100,
        )


def test_widening_rules() -> None:
    widen = {"source_vswitch_id": VSWITCH_ID, "source_cidr": "192.168.1.0/24", "vpc_cidr": "192.168.0.0/16"}
    assert replica_vswitch_cidr(clones=252, **widen) == "192.168.1.0/24"
    assert replica_vswitch_cidr(clones=253, **widen) == "192.168.0.0/23"
    assert replica_vswitch_cidr(clones=65532, source_cidr="10.0.1.0/24", vpc_cidr="10.0.0.0/8",
                                source_vswitch_id=VSWITCH_ID) == "10.0.0.0/16"
    with pytest.raises(CloneConfigurationError, match="vSwitches are at most /16"):
        replica_vswitch_cidr(clones=65533, source_cidr="10.0.1.0/24", vpc_cidr="10.0.0.0/8",
                             source_vswitch_id=VSWITCH_ID)
    with pytest.raises(CloneConfigurationError, match="the VPC replica is 192.168.0.0/23"):
        replica_vswitch_cidr(clones=1000, source_cidr="192.168.1.0/24", vpc_cidr="192.168.0.0/23",
                             source_vswitch_id=VSWITCH_ID)
    # A snapshot whose vSwitch is not inside its VPC (edited by hand) cannot be widened either.
    with pytest.raises(CloneConfigurationError, match="lies outside the VPC replica 10.0.0.0/8"):
        replica_vswitch_cidr(clones=1000, source_cidr="192.168.1.0/24", vpc_cidr="10.0.0.0/8",
                             source_vswitch_id=VSWITCH_ID)
