"""Synth time of a CloneTask (20 sources x 100 clones, cross-region) against the same resources declared
directly with the typed L1 bindings. Prints both times and their ratio (target: <= 1.3).

    python benchmarks/synth_clone_task.py [--rounds 3]

Offline: the sources are explicit snapshots. Each round builds a fresh app in this process (jsii is started
once, before timing) and synthesizes it to a temporary directory; rounds alternate between the two sides
and the best round of each is compared.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

from cdk_clone import CloneTask
from cdk_clone._cdktf import App, TerraformStack
from cdk_clone.bindings import (
    EcscloneImage,
    EcscloneImageCopy,
    EcscloneInstanceGroup,
    EcsCloneProvider,
    EcscloneSecurityGroup,
    EcscloneVpc,
    EcscloneVswitch,
    SecurityGroupEgress,
    SecurityGroupIngress,
)
from cdk_clone.lookup.snapshot import DiskSnapshot, SecurityGroupRule, SecurityGroupSnapshot, SourceInstance

SOURCES = 20
AMOUNT = 100
ZONE = "cn-shanghai-e"

RULES = (
    SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="22/22", cidr_ip="0.0.0.0/0"),
    SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="80/80", cidr_ip="0.0.0.0/0"),
    SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="443/443", cidr_ip="0.0.0.0/0"),
    SecurityGroupRule(direction="egress", ip_protocol="all", cidr_ip="0.0.0.0/0"),
)
GROUP = SecurityGroupSnapshot(
    security_group_id="sg-bp1bench000001", name="web", vpc_id="vpc-bp1bench000001", rules=RULES
)


def sources() -> list[SourceInstance]:
    return [
        SourceInstance(
            instance_id=f"i-bp1bench{n:06d}",
            region_id="cn-hangzhou",
            zone_id="cn-hangzhou-h",
            instance_type="ecs.g7.large",
            cpu=2,
            memory_mib=8192,
            image_id="ubuntu_22_04_x64_20G_alibase_20240130.vhd",
            image_visible=True,
            network_type="vpc",
            vpc_id="vpc-bp1bench000001",
            vpc_cidr_block="192.168.0.0/16",
            vswitch_id="vsw-bp1bench000001",
            vswitch_cidr_block="192.168.1.0/24",
            private_ip=f"192.168.1.{10 + n}",
            instance_charge_type="PostPaid",
            security_groups=(GROUP,),
            instance_name=f"web-{n}",
            disks=(DiskSnapshot(disk_id=f"d-bp1bench{n:06d}", kind="system", category="cloud_essd", size_gib=40),),
            tags={"app": "web"},
        )
        for n in range(SOURCES)
    ]


def with_constructs(stack: TerraformStack, snapshots: list[SourceInstance]) -> None:
    CloneTask(
        stack, "task", sources=snapshots, destination_region="cn-shanghai", destination_zone_id=ZONE, amount=AMOUNT
    )


def with_bindings(stack: TerraformStack, snapshots: list[SourceInstance]) -> None:
    """The same resource graph, written by hand (no outputs: the constructs' outputs are their extra)."""
    hangzhou = EcsCloneProvider(stack, "hz", region="cn-hangzhou", alias="cn-hangzhou")
    shanghai = EcsCloneProvider(stack, "sh", region="cn-shanghai", alias="cn-shanghai")
    vpc = EcscloneVpc(stack, "vpc", cidr_block="192.168.0.0/16", provider=shanghai)
    vswitch = EcscloneVswitch(stack, "vsw", vpc_id=vpc.id, zone_id=ZONE, cidr_block="192.168.1.0/24", provider=shanghai)
    group = EcscloneSecurityGroup(
        stack,
        "sg",
        vpc_id=vpc.id,
        security_group_name="web",
        ingress=[
            SecurityGroupIngress(ip_protocol=r.ip_protocol, port_range=r.port_range, cidr_ip=r.cidr_ip)
            for r in RULES[:3]
        ],
        egress=[SecurityGroupEgress(ip_protocol="all", cidr_ip="0.0.0.0/0")],
        provider=shanghai,
    )
    for s in snapshots:
        image = EcscloneImage(stack, f"image-{s.instance_id}", instance_id=s.instance_id, provider=hangzhou)
        copy = EcscloneImageCopy(
            stack, f"copy-{s.instance_id}", source_image_id=image.id, source_region_id="cn-hangzhou", provider=shanghai
        )
        EcscloneInstanceGroup(
            stack,
            f"clones-{s.instance_id}",
            image_id=copy.id,
            instance_type=s.instance_type,
            allow_similar_instance_type=True,
            vswitch_id=vswitch.id,
            security_group_ids=[group.id],
            amount=AMOUNT,
            instance_charge_type=s.instance_charge_type,
            instance_name=s.instance_name,
            system_disk_category="cloud_essd",
            system_disk_size=40,
            tags=s.tags,
            provider=shanghai,
        )


def synth_seconds(
    build: Callable[[TerraformStack, list[SourceInstance]], None], snapshots: list[SourceInstance]
) -> float:
    with tempfile.TemporaryDirectory() as outdir:
        start = time.perf_counter()
        app = App(outdir=outdir)
        build(TerraformStack(app, "bench"), snapshots)
        app.synth()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    snapshots = sources()
    synth_seconds(with_bindings, snapshots)  # warm-up: starts jsii and loads the modules
    synth_seconds(with_constructs, snapshots)
    direct: list[float] = []
    composed: list[float] = []
    # Interleaved, best of each: the machine is shared, and load that comes and goes hits both sides alike.
    for _ in range(args.rounds):
        direct.append(synth_seconds(with_bindings, snapshots))
        composed.append(synth_seconds(with_constructs, snapshots))
    print(f"sources={SOURCES} amount={AMOUNT} rounds={args.rounds} (best of each, interleaved)")
    print(f"L1 bindings directly : {min(direct):.3f} s (median {sorted(direct)[len(direct) // 2]:.3f})")
    print(f"CloneTask constructs : {min(composed):.3f} s (median {sorted(composed)[len(composed) // 2]:.3f})")
    print(f"ratio                : {min(composed) / min(direct):.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
