"""Whole synthesized documents, pinned: a change to the JSON (or HCL) the constructs write shows up here.

The other tests check one rule each; these compare every byte of what ``cdktf synth`` writes for a few
representative apps (the file in ``stacks/<stack>/cdk.tf.json``, and the HCL of one app) with a committed
copy in ``pinned/``. A deliberate change to what is synthesized is accepted by rewriting the copies::

    CDK_CLONE_REPIN=1 python -m pytest tests/constructs/test_pinned_synth.py

and reviewing the diff of ``tests/constructs/pinned/`` like any other change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SOURCE_REGION, CannedDestination, make_source, web_group

from cdk_clone import CloneTask, InstanceClone
from cdk_clone._cdktf import App, Construct, Fn, TerraformOutput, TerraformStack, Testing
from cdk_clone.bindings import (
    EcsCloneProvider,
    EcscloneSecurityGroup,
    EcscloneVpc,
    EcscloneVswitch,
    SecurityGroupIngress,
)
from cdk_clone.lookup.destination import DestinationVSwitch
from cdk_clone.lookup.snapshot import SecurityGroupRule

PINNED = Path(__file__).with_name("pinned")
SECOND = "i-bp1d3m0s0urce00002"
THIRD = "i-bp1d3m0s0urce00003"


def cross_region_task(stack: TerraformStack) -> None:
    """Three sources over two VPCs, group rules naming each other, images deleted after launch."""
    db_group = web_group("sg-bp1d3m0s0urce0sg002").model_copy(
        update={
            "name": "demo-db-sg",
            "rules": (
                SecurityGroupRule(
                    direction="ingress",
                    ip_protocol="tcp",
                    port_range="5432/5432",
                    peer_security_group_id="sg-bp1d3m0s0urce0sg001",
                ),
                SecurityGroupRule(
                    direction="ingress", ip_protocol="tcp", port_range="22/22", peer_security_group_id="sg-bp1gone00001"
                ),
            ),
        }
    )
    other_vpc_group = web_group("sg-bp1second0sg003").model_copy(update={"vpc_id": "vpc-bp1second0vpc2"})
    CloneTask(
        stack,
        "task",
        sources=[
            make_source(),
            make_source(
                SECOND, private_ip="192.168.1.11", instance_name="db-1", security_groups=(web_group(), db_group)
            ),
            make_source(
                THIRD,
                vpc_id="vpc-bp1second0vpc2",
                vpc_cidr_block="10.0.0.0/8",
                vswitch_id="vsw-bp1second0vsw2",
                vswitch_cidr_block="10.1.0.0/16",
                security_groups=(other_vpc_group,),
                instance_charge_type="PrePaid",
                period=3,
                period_unit="Month",
            ),
        ],
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
        amount=3,
        min_amount=2,
        keep_images=False,
        tags={"team": "ops"},
    )


def same_region_clones(stack: TerraformStack) -> None:
    """A user's provider first; one clone from the source's image, one with its data inside a nested scope."""
    EcsCloneProvider(stack, "hangzhou", region=SOURCE_REGION, endpoint="http://127.0.0.1:9")
    InstanceClone(stack, "plain", source=make_source(), amount=2, instance_name="copy-of-web")
    group = Construct(stack, "group")
    InstanceClone(
        group,
        "with/data",
        source=make_source(SECOND),
        include_instance_data=True,
        stop_source_for_consistency=True,
        destination_vpc_id="vpc-bp1other0001",
        destination_vswitch_id="vsw-bp1other0001",
        destination_zone_id="cn-hangzhou-h",
        host_name="data-copy",
    )


def composed_with_bindings(stack: TerraformStack) -> None:
    """Clones into a network declared with the L1 bindings, their addresses feeding another group."""
    shanghai = EcsCloneProvider(stack, "shanghai", region="cn-shanghai", alias="sh")
    vpc = EcscloneVpc(stack, "vpc", cidr_block="172.16.0.0/12", provider=shanghai)
    vswitch = EcscloneVswitch(
        stack, "vsw", vpc_id=vpc.id, zone_id="cn-shanghai-b", cidr_block="172.16.1.0/24", provider=shanghai
    )
    clone = InstanceClone(
        stack,
        "web",
        source=make_source(),
        destination_region="cn-shanghai",
        destination_vpc_id=vpc.id,
        destination_vswitch_id=vswitch.id,
        destination_zone_id="cn-shanghai-b",
    )
    EcscloneSecurityGroup(
        stack,
        "admin",
        vpc_id=vpc.id,
        ingress=[
            SecurityGroupIngress(
                ip_protocol="tcp", port_range="22/22", cidr_ip=Fn.join("", [Fn.element(clone.private_ips, 0), "/32"])
            )
        ],
        provider=shanghai,
    )
    TerraformOutput(stack, "ids", value=clone.instance_ids)
    TerraformOutput(stack, "type", value=clone.effective_instance_type)
    TerraformOutput(stack, "count", value=clone.created_amount)


APPS: dict[str, Callable[[TerraformStack], None]] = {
    "cross_region_task": cross_region_task,
    "same_region_clones": same_region_clones,
    "composed_with_bindings": composed_with_bindings,
}


@pytest.fixture(autouse=True)
def given_network(destination: CannedDestination) -> None:
    """same_region_clones gives an existing vSwitch in the source's zone."""
    destination.vswitches["cn-hangzhou", "vsw-bp1other0001"] = DestinationVSwitch(
        vswitch_id="vsw-bp1other0001", region_id="cn-hangzhou", vpc_id="vpc-bp1other0001", zone_id="cn-hangzhou-h",
        cidr_block="192.168.0.0/16", available_ip_count=250,
    )


def _synthesized(tmp_path: Path, build: Callable[[TerraformStack], None]) -> str:
    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = TerraformStack(app, "clones")
    build(stack)
    app.synth()
    document: dict[str, Any] = json.loads((tmp_path / "cdktf.out" / "stacks" / "clones" / "cdk.tf.json").read_text())
    # The cdktf release number is not part of what the constructs decide; the key order is kept.
    document["//"]["metadata"].pop("version")
    # cdktf's default local backend keeps the state beside the working directory, wherever the checkout is.
    local_backend = document.get("terraform", {}).get("backend", {}).get("local", {})
    if "path" in local_backend:
        local_backend["path"] = local_backend["path"].replace(os.getcwd(), "<cwd>", 1)
    # So does the deployment the providers name by default (where the state lives).
    for provider in document.get("provider", {}).get("ecsclone", []):
        if "deployment" in provider:
            provider["deployment"] = provider["deployment"].replace(os.getcwd(), "<cwd>", 1)
    return json.dumps(document, indent=2) + "\n"


def _compare(text: str, pinned: Path) -> None:
    if os.environ.get("CDK_CLONE_REPIN") == "1":
        pinned.write_text(text, encoding="utf-8")
    assert pinned.exists(), f"{pinned} is missing: run with CDK_CLONE_REPIN=1 once and commit it"
    expected = pinned.read_text(encoding="utf-8")
    # Compared as lines so a failure shows which ones differ.
    assert text.splitlines() == expected.splitlines()


@pytest.mark.parametrize("name", sorted(APPS))
def test_synthesized_json_is_unchanged(tmp_path: Path, name: str, no_lookups: list[str]) -> None:
    text = _synthesized(tmp_path, APPS[name])
    _compare(text, PINNED / f"{name}.json")
    assert no_lookups == []


def test_synthesized_hcl_is_unchanged(tmp_path: Path, no_lookups: list[str]) -> None:
    stack = TerraformStack(Testing.app(outdir=str(tmp_path / "cdktf.out")), "clones")
    cross_region_task(stack)
    _compare(Testing.synth_hcl(stack).replace(os.getcwd(), "<cwd>"), PINNED / "cross_region_task.tf")
