"""Synth time of a CloneTask (20 sources x 100 clones, cross-region) against the same resources declared
directly with the typed L1 bindings. Prints the times and their ratio (target: <= 1.3).

    python benchmarks/synth_clone_task.py [--rounds 11]

Offline: the sources are explicit snapshots. Each measurement builds a fresh app in this process (jsii is
started once, before timing) and synthesizes it to a temporary directory. Every round measures each app once,
in an order that rotates from round to round, so load that comes and goes on a shared machine hits all of
them alike; the figures are medians over the rounds, with the load average printed before and after. Beside
the times, the number of jsii round trips (Python <-> the Node process, each a wait for the other side to be
scheduled) of one synth of each app: the figure that does not depend on the machine's load.

Three apps, proven before timing to synthesize the same resources and providers (logical IDs aside, which
follow the construct paths):

* ``direct``: the resources written by hand with the L1 bindings, each replica's ID read once, as a careful
  hand-written app would. No outputs: the CloneTask's output is counted as the CloneTask's own cost. The
  target ratio is against this app.
* ``direct+outputs``: the same, plus the one output the CloneTask declares (same name, same value: every
  clone group's description, keyed by source instance ID), which a user needs for the same result
  (``cdk-clone verify`` reads it). It references each instance group through one read of its logical ID
  rather than four attribute tokens (the CloneTask derives the IDs from its construct paths, without even
  that read), so the difference left is the constructs' own: their tree nodes and Python work.
* ``CloneTask``: the construct.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

from cdk_clone import CloneTask
from cdk_clone._cdktf import App, TerraformOutput, TerraformStack
from cdk_clone.bindings import (
    EcscloneImage,
    EcscloneImageCopy,
    EcscloneInstanceGroup,
    EcscloneSecurityGroup,
    EcscloneVpc,
    EcscloneVswitch,
    SecurityGroupEgress,
    SecurityGroupIngress,
)
from cdk_clone.constructs.providers import provider_for_region
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
    """The same resource graph, written by hand, without outputs."""
    _declare(stack, snapshots, outputs=False)


def with_bindings_and_outputs(stack: TerraformStack, snapshots: list[SourceInstance]) -> None:
    """The same resource graph and the CloneTask's output, written by hand."""
    _declare(stack, snapshots, outputs=True)


def _declare(stack: TerraformStack, snapshots: list[SourceInstance], *, outputs: bool) -> None:
    # The providers the constructs use: one per region, naming the stack's deployment at synth.
    hangzhou = provider_for_region(stack, "cn-hangzhou")
    shanghai = provider_for_region(stack, "cn-shanghai")
    vpc = EcscloneVpc(
        stack,
        "vpc",
        cidr_block="192.168.0.0/16",
        vpc_name="clone-of-vpc-bp1bench000001",
        description="cdk-clone replica of vpc-bp1bench000001",
        owner="bench/task/VpcReplica-vpc-bp1bench000001/Vpc",
        provider=shanghai,
    )
    vpc_id = vpc.id
    vswitch = EcscloneVswitch(
        stack,
        "vsw",
        vpc_id=vpc_id,
        zone_id=ZONE,
        cidr_block="192.168.1.0/24",
        vswitch_name="clone-of-vsw-bp1bench000001",
        description="cdk-clone replica of vsw-bp1bench000001",
        owner="bench/task/VSwitchReplica-vsw-bp1bench000001/VSwitch",
        provider=shanghai,
    )
    group = EcscloneSecurityGroup(
        stack,
        "sg",
        vpc_id=vpc_id,
        security_group_name="web",
        description="cdk-clone replica of sg-bp1bench000001",
        owner="bench/task/SecurityGroupReplica-sg-bp1bench000001/SecurityGroup",
        ingress=[
            SecurityGroupIngress(
                ip_protocol=r.ip_protocol,
                port_range=r.port_range,
                cidr_ip=r.cidr_ip,
                policy="accept",
                priority=1,
                nic_type="intranet",
            )
            for r in RULES[:3]
        ],
        egress=[
            SecurityGroupEgress(
                ip_protocol="all",
                port_range="-1/-1",
                cidr_ip="0.0.0.0/0",
                policy="accept",
                priority=1,
                nic_type="intranet",
            )
        ],
        provider=shanghai,
    )
    vswitch_id = vswitch.id
    group_ids = [group.id]
    clone_values: dict[str, dict[str, Any]] = {}
    for s in snapshots:
        # The names and descriptions the constructs give, so the apps declare identical resources.
        clone_path = f"bench/task/{s.instance_id}"
        image = EcscloneImage(
            stack,
            f"image-{s.instance_id}",
            instance_id=s.instance_id,
            owner=f"{clone_path}/Image/Image",
            description=f"cdk-clone image of {s.instance_id} for {clone_path}/Image",
            provider=hangzhou,
        )
        image_id = image.id
        copy = EcscloneImageCopy(
            stack,
            f"copy-{s.instance_id}",
            source_image_id=image_id,
            source_region_id="cn-hangzhou",
            owner=f"{clone_path}/Image/Copy",
            description=f"cdk-clone copy of {s.instance_id} (cn-hangzhou) for {clone_path}/Image",
            provider=shanghai,
        )
        copy_id = copy.id
        clones = EcscloneInstanceGroup(
            stack,
            f"clones-{s.instance_id}",
            image_id=copy_id,
            instance_type=s.instance_type,
            allow_similar_instance_type=True,
            vswitch_id=vswitch_id,
            security_group_ids=group_ids,
            amount=AMOUNT,
            instance_charge_type=s.instance_charge_type,
            instance_name=s.instance_name,
            system_disk_category="cloud_essd",
            system_disk_size=40,
            tags=s.tags,
            image_source_instance_id=s.instance_id,
            image_source_region_id="cn-hangzhou",
            owner=f"{clone_path}/Instances",
            provider=shanghai,
        )
        if not outputs:
            continue
        reference = f"ecsclone_instance_group.{clones.friendly_unique_id}"
        clone_values[s.instance_id] = {
            "source_instance_id": s.instance_id,
            "source_region": "cn-hangzhou",
            "destination_region": "cn-shanghai",
            "instance_ids": f"${{{reference}.instance_ids}}",
            "private_ips": f"${{{reference}.private_ips}}",
            "image_id": copy_id,
            "custom_image_id": image_id,
            "copied_image_id": copy_id,
            "images_kept": True,
            "vpc_id": vpc_id,
            "vswitch_id": vswitch_id,
            "security_group_ids": group_ids,
            "instance_type": s.instance_type,
            "effective_instance_type": f"${{{reference}.effective_instance_type}}",
            "amount": AMOUNT,
            "created_amount": f"${{{reference}.created_amount}}",
        }
    if outputs:
        output = TerraformOutput(
            stack,
            "output",
            value={"clones": clone_values},
            description=f"cdk-clone: clones of {len(snapshots)} source(s) (bench/task)",
        )
        output.override_logical_id("cdk_clone_task")


def synth_seconds(
    build: Callable[[TerraformStack, list[SourceInstance]], None],
    snapshots: list[SourceInstance],
    keep: list[dict[str, Any]] | None = None,
) -> float:
    """Seconds to build and synthesize a fresh app; the written document is appended to ``keep`` if given."""
    with tempfile.TemporaryDirectory() as outdir:
        start = time.perf_counter()
        app = App(outdir=outdir)
        build(TerraformStack(app, "bench"), snapshots)
        app.synth()
        elapsed = time.perf_counter() - start
        if keep is not None:
            keep.append(json.loads((Path(outdir) / "stacks" / "bench" / "cdk.tf.json").read_text()))
        return elapsed


def declared(document: dict[str, Any]) -> Counter[str]:
    """Every resource's and output's body, with logical IDs (which follow the construct paths) taken out of
    references, and the providers."""
    bodies: Counter[str] = Counter()
    sections = list(document["resource"].items())
    sections.append(("output", document.get("output", {})))
    for kind, entries in sections:
        for body in entries.values():
            text = json.dumps({k: v for k, v in body.items() if k != "//"}, sort_keys=True)
            bodies[kind + " " + re.sub(r"\$\{(ecsclone_\w+)\.[^.}]+\.", r"${\1.<id>.", text)] += 1
    for provider in document["provider"]["ecsclone"]:
        bodies["provider " + json.dumps(provider, sort_keys=True)] += 1
    return bodies


class RoundTrips:
    """Counts jsii requests (one round trip to the Node process each, call-backs included) from its creation on.

    It wraps a method of the jsii runtime's process transport; if a jsii release renames it, nothing is
    counted and the figures say so.
    """

    def __init__(self) -> None:
        self.count = 0
        self.available = False
        try:
            from jsii._kernel.providers.process import _NodeProcess
        except ImportError:
            return
        send = getattr(_NodeProcess, "send", None)
        if send is None:
            return
        self.available = True
        counter = self

        def counting_send(process: Any, *args: Any, **kwargs: Any) -> Any:
            counter.count += 1
            return send(process, *args, **kwargs)

        _NodeProcess.send = counting_send  # type: ignore[assignment]

    def describe(self, count: int) -> str:
        return f"{count} jsii round trips" if self.available else "jsii round trips not counted"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    snapshots = sources()
    apps: list[tuple[str, Callable[[TerraformStack, list[SourceInstance]], None]]] = [
        ("direct", with_bindings),
        ("direct+outputs", with_bindings_and_outputs),
        ("CloneTask", with_constructs),
    ]
    # Warm-up (starts jsii, loads the modules), round trips, and the proof that the apps declare the same thing.
    trips = RoundTrips()
    documents: dict[str, dict[str, Any]] = {}
    round_trips: dict[str, int] = {}
    for name, build in apps:
        kept: list[dict[str, Any]] = []
        synth_seconds(build, snapshots)
        before = trips.count
        synth_seconds(build, snapshots, kept)
        round_trips[name] = trips.count - before
        documents[name] = kept[0]
    resources_only = Counter({k: n for k, n in declared(documents["CloneTask"]).items() if not k.startswith("output")})
    if declared(documents["direct"]) != resources_only:
        raise SystemExit("direct and CloneTask do not declare the same resources and providers: comparison void")
    if declared(documents["direct+outputs"]) != declared(documents["CloneTask"]):
        raise SystemExit("direct+outputs and CloneTask do not declare the same things: comparison void")
    print(f"same {sum(resources_only.values())} resources and providers in every app; same outputs where declared")
    print(f"load average before: {_load()}")
    times: dict[str, list[float]] = {name: [] for name, _ in apps}
    for round_number in range(args.rounds):
        shift = round_number % len(apps)
        for name, build in apps[shift:] + apps[:shift]:
            times[name].append(synth_seconds(build, snapshots))
    print(f"load average after : {_load()}")
    print(f"sources={SOURCES} amount={AMOUNT} rounds={args.rounds} (rotating order; median [min], jsii round trips)")
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, _ in apps:
        figures = f"{median[name]:.3f} s [{min(times[name]):.3f}]"
        print(f"  {name:15s}: {figures}, {trips.describe(round_trips[name])}")
    for other, note in (("direct", " (target <= 1.3)"), ("direct+outputs", "")):
        per_round = statistics.median(c / o for c, o in zip(times["CloneTask"], times[other], strict=True))
        print(
            f"ratio CloneTask / {other:14s} : {median['CloneTask'] / median[other]:.2f}{note}; "
            f"median of the rounds' own ratios {per_round:.2f}"
        )
    if trips.available:
        trips_ratio = round_trips["CloneTask"] / round_trips["direct"]
        print(f"round trips CloneTask / direct          : {trips_ratio:.2f} (the same at any load)")


if __name__ == "__main__":
    main()
