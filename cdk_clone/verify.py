"""Check deployed clones against their sources: type, image lineage, network, security-group rules, billing,
names, every copied setting and every disk.

The source side is the snapshot the clones were made from (the context file's entry, or the live
instance when the app gave its snapshot in code). The clone side is read live from the cloud, so a rule
revoked or an instance released behind Terraform's back shows up. The resource graph in the Terraform
state tells the image lineage (instance -> custom image -> copy) and which network was created.

Example::

    from cdk_clone.verify import verify_stack
    report = verify_stack(terraform, context_file=Path("cdk-clone.context.json"))
    print(report.render())
    report.ok          # False when any check differs
"""

from __future__ import annotations

import itertools
import json
import shutil
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cdk_clone._verify_settings import group_of, setting_rows
from cdk_clone.cli._outputs import CloneOutput, clone_outputs
from cdk_clone.lookup.context import ContextFile, source_from_entry, source_instance_key
from cdk_clone.lookup.reader import read_region_disks, read_security_group, read_source_instance
from cdk_clone.lookup.snapshot import DiskSnapshot, SecurityGroupRule, SourceInstance

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient
    from cdk_clone.engine import Terraform

__all__ = ["Check", "SharedReads", "VerifyReport", "verify_clone", "verify_stack"]

Outcome = Literal["ok", "ok, note", "DIFFERS"]


@dataclass(frozen=True)
class Check:
    """One row of the verify table."""

    clone: str
    aspect: str
    source: str
    clone_value: str
    outcome: Outcome
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome != "DIFFERS"


@dataclass
class VerifyReport:
    """Every check of every clone group in a stack.

    Example::

        report.ok                   # True when every row is ok
        report.mismatch_count       # how many rows differ
        print(report.render())      # the table
    """

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def mismatch_count(self) -> int:
        return sum(1 for c in self.checks if not c.ok)

    def render(self, width: int | None = None) -> str:
        """The table, fitted to ``width`` columns (default: the terminal's, else 100).

        Each clone is a heading, its checks the rows under it; long values wrap within their column.
        """
        if not self.checks:
            return "no clones in this stack's outputs: deploy it first (cdk-clone deploy)"
        width = max(width or shutil.get_terminal_size((_DEFAULT_WIDTH, 24)).columns, _MIN_WIDTH)
        header = ("CHECK", "SOURCE", "CLONE VALUE", "RESULT")
        rows = [(c.aspect, c.source, c.clone_value, c.outcome + (f" ({c.note})" if c.note else "")) for c in self.checks]
        widths = _column_widths([header, *rows], width - len(_INDENT))
        lines = [_INDENT + _row_line(header, widths)[0]]
        for clone, group in itertools.groupby(zip(self.checks, rows, strict=True), key=lambda pair: pair[0].clone):
            lines += textwrap.wrap(clone, width, break_long_words=True, break_on_hyphens=False)
            for _, row in group:
                lines += [_INDENT + line for line in _row_line(row, widths)]
        verdict = "all clones match their sources" if self.ok else f"{self.mismatch_count} check(s) DIFFER"
        return "\n".join([*lines, "", verdict])


_DEFAULT_WIDTH = 100
_MIN_WIDTH = 60
_INDENT = "  "
_GAP = 2
_MIN_COLUMN = 8


def _column_widths(rows: list[tuple[str, str, str, str]], width: int) -> list[int]:
    """Natural widths, then the widest column narrowed, one at a time, until the row fits ``width``."""
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    room = width - _GAP * 3
    while sum(widths) > room:
        widest = max(range(4), key=lambda i: widths[i])
        if widths[widest] <= _MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def _row_line(row: tuple[str, str, str, str], widths: list[int]) -> list[str]:
    cells = [
        textwrap.wrap(cell, width, break_long_words=True, break_on_hyphens=False) or [""]
        for cell, width in zip(row, widths, strict=True)
    ]
    lines = []
    for parts in itertools.zip_longest(*cells, fillvalue=""):
        line = (" " * _GAP).join(part.ljust(width) for part, width in zip(parts, widths, strict=True))
        lines.append(line.rstrip())
    return lines


# --- Terraform state -------------------------------------------------------------------------------------


def _state_resources(show: dict[str, Any]) -> list[dict[str, Any]]:
    def walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield from module.get("resources") or []
        for child in module.get("child_modules") or []:
            yield from walk(child)

    return list(walk((show.get("values") or {}).get("root_module") or {}))


def _temporary_images(resources: Iterable[dict[str, Any]], clone: CloneOutput) -> set[str]:
    """The temporary images the clone's instance group made of the clone's source to launch from."""
    found: set[str] = set()
    for group in _by_type(resources, "ecsclone_instance_group").values():
        if set(group.get("instance_ids") or []) & set(clone.instance_ids) and (
            group.get("image_source_instance_id") == clone.source_instance_id
        ):
            found.update(str(i) for i in group.get("temporary_image_ids") or [])
    return found


def _by_type(resources: Iterable[dict[str, Any]], type_name: str) -> dict[str, dict[str, Any]]:
    return {
        str(r["values"]["id"]): r["values"]
        for r in resources
        if r.get("type") == type_name and r.get("mode", "managed") == "managed" and (r.get("values") or {}).get("id")
    }


# --- the checks --------------------------------------------------------------------------------------------


def _rule_key(rule: SecurityGroupRule, peer_map: dict[str, str]) -> tuple[str, ...]:
    peer = rule.peer_security_group_id
    return (
        rule.direction,
        rule.ip_protocol.lower(),
        rule.port_range,
        rule.cidr_ip or "",
        peer_map.get(peer, peer) if peer else "",
        rule.policy,
        str(rule.priority),
    )


def _describe(key: tuple[str, ...]) -> str:
    direction, protocol, ports, cidr, peer, policy, priority = key
    return f"{direction} {protocol} {ports} {cidr or peer} {policy} p{priority}"


def _instances(client: AlibabaCloudClient, region: str, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), 100):  # InstanceIds takes at most 100
        batch = list(ids[start : start + 100])
        answer = client.ecs(
            "DescribeInstances",
            {"RegionId": region, "InstanceIds": json.dumps(batch), "MaxResults": 100},
            region_id=region,
        )
        found.extend(((answer.get("Instances") or {}).get("Instance")) or [])
    return found


def _cidr_of(client: AlibabaCloudClient, region: str, action: str, id_param: str, wrapper: str, item: str,
             resource_id: str) -> str:
    answer = client.vpc(action, {"RegionId": region, id_param: resource_id}, region_id=region)
    for entry in ((answer.get(wrapper) or {}).get(item)) or []:
        if entry.get(id_param) == resource_id:
            return str(entry.get("CidrBlock") or "")
    return ""


def _holds(replica_cidr: str, source_cidr: str | None) -> bool:
    """Whether a vSwitch replica's block is the source's, or a wider block containing it (see
    :func:`cdk_clone.constructs.network.replica_vswitch_cidr`)."""
    import ipaddress

    if not source_cidr:
        return False
    try:
        replica, source = ipaddress.ip_network(replica_cidr), ipaddress.ip_network(source_cidr)
    except ValueError:
        return False
    return replica == source or source.subnet_of(replica)  # type: ignore[arg-type]


class SharedReads:
    """Reads of one verify run, each made once: clone groups of a task share their VPC, vSwitch and security
    group replicas, which would otherwise be read again for every source (60 calls for 20 sources), and the
    listing of their region's disks (80 calls instead of 4 for 20 sources of 100 clones)."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, ...], Any] = {}

    def cidr(
        self, client: AlibabaCloudClient, region: str, action: str, id_param: str, wrapper: str, item: str, ident: str
    ) -> str:
        key = (region, action, ident)
        if key not in self._answers:
            self._answers[key] = _cidr_of(client, region, action, id_param, wrapper, item, ident)
        return str(self._answers[key])

    def region_disks(self, client: AlibabaCloudClient, region: str) -> dict[str, tuple[DiskSnapshot, ...]]:
        key = (region, "DescribeDisks")
        if key not in self._answers:
            self._answers[key] = read_region_disks(client, region)
        disks: dict[str, tuple[DiskSnapshot, ...]] = self._answers[key]
        return disks

    def security_group(self, client: AlibabaCloudClient, region: str, group_id: str) -> Any:
        key = (region, "DescribeSecurityGroupAttribute", group_id)
        if key not in self._answers:
            self._answers[key] = read_security_group(client, region, group_id)
        return self._answers[key]


def verify_clone(
    clone: CloneOutput,
    source: SourceInstance,
    client: AlibabaCloudClient,
    resources: list[dict[str, Any]],
    reads: SharedReads | None = None,
) -> list[Check]:
    """The rows for one clone group: ``client`` talks to the clone's destination region; ``reads`` keeps what
    the clone groups of one run share."""
    region = clone.destination_region
    rows: list[Check] = []
    reads = reads or SharedReads()

    def row(aspect: str, source_value: str, clone_value: str, outcome: Outcome, note: str = "") -> None:
        rows.append(Check(clone.name, aspect, source_value, clone_value, outcome, note))

    instances = _instances(client, region, clone.instance_ids)
    found_ids = {str(i.get("InstanceId")) for i in instances}
    missing = [i for i in clone.instance_ids if i not in found_ids]
    count_note = (
        f"{clone.created_amount} of {clone.requested_amount} asked could be created"
        if clone.requested_amount is not None and clone.created_amount < clone.requested_amount
        else ""
    )
    if missing or not clone.instance_ids:
        row("instances", source.instance_id, f"{len(instances)} found", "DIFFERS",
            f"missing: {', '.join(missing)}" if missing else "no instances")
    else:
        statuses = sorted({str(i.get("Status")) for i in instances})
        row("instances", source.instance_id, f"{len(instances)} ({'/'.join(statuses)})",
            "ok, note" if count_note else "ok", count_note)

    # Instance type: the source's, or the similar type the provider chose because the source's was sold out.
    types = sorted({str(i.get("InstanceType")) for i in instances}) or [clone.effective_instance_type]
    if types == [source.instance_type]:
        row("instance type", source.instance_type, types[0], "ok")
    elif types == [clone.effective_instance_type]:
        row("instance type", source.instance_type, types[0], "ok, note",
            f"similar type: {source.instance_type} had no stock")
    else:
        row("instance type", source.instance_type, ", ".join(types), "DIFFERS")

    # Image lineage, from the state's resource graph.
    images = {i: str(inst.get("ImageId")) for inst in instances for i in [str(inst.get("InstanceId"))]}
    # Clones launched when the image was gone boot from a temporary image of the same source, made by their group.
    temporary = _temporary_images(resources, clone)
    wrong_image = sorted({image for image in images.values() if image != clone.image_id and image not in temporary})
    from_temporary = sorted({image for image in images.values() if image in temporary})
    created = _by_type(resources, "ecsclone_image")
    copies = _by_type(resources, "ecsclone_image_copy")
    lineage, lineage_ok = "", False
    if clone.image_id == source.image_id and region == source.region_id:
        lineage, lineage_ok = f"{clone.image_id} (the source's own image)", True
    elif clone.image_id in copies:
        copy = copies[clone.image_id]
        parent = created.get(str(copy.get("source_image_id")))
        from_source = parent is not None and parent.get("instance_id") == source.instance_id
        lineage = f"{clone.image_id} <- copy of {copy.get('source_image_id')}"
        if parent is not None:
            lineage += f" ({parent.get('image_name')}) <- {parent.get('instance_id')}"
        lineage_ok = from_source and copy.get("source_region_id") == source.region_id
    elif clone.image_id in created:
        image = created[clone.image_id]
        lineage = f"{clone.image_id} ({image.get('image_name')}) <- {image.get('instance_id')}"
        lineage_ok = image.get("instance_id") == source.instance_id
    else:
        lineage = f"{clone.image_id} (not made by this stack)"
    if not clone.images_kept and not lineage.endswith("(the source's own image)"):
        lineage += " [deleted after launch]"
    if wrong_image:
        row("image", source.image_id, lineage, "DIFFERS", f"instances boot from {', '.join(wrong_image)}")
    elif from_temporary and lineage_ok:
        row("image", source.image_id, lineage, "ok, note",
            f"some boot from {', '.join(from_temporary)}, a later image of the source (the first was gone)")
    else:
        row("image", source.image_id, lineage, "ok" if lineage_ok else "DIFFERS")

    # Network: a created VPC/vSwitch replica must have the source's CIDR; a given one is taken as given.
    vpc_cidr = (
        reads.cidr(client, region, "DescribeVpcs", "VpcId", "Vpcs", "Vpc", clone.vpc_id) if clone.vpc_id else ""
    )
    vsw_cidr = (
        reads.cidr(client, region, "DescribeVSwitches", "VSwitchId", "VSwitches", "VSwitch", clone.vswitch_id)
        if clone.vswitch_id
        else ""
    )
    replica_vpc = clone.vpc_id in _by_type(resources, "ecsclone_vpc")
    replica_vsw = clone.vswitch_id in _by_type(resources, "ecsclone_vswitch")
    outside = sorted(
        {str((i.get("VpcAttributes") or {}).get("VSwitchId")) for i in instances} - {clone.vswitch_id}
    )
    source_net = f"{source.vpc_cidr_block} / {source.vswitch_cidr_block}"
    clone_net = f"{vpc_cidr or '?'} / {vsw_cidr or '?'}"
    if outside:
        row("network", source_net, clone_net, "DIFFERS", f"instances in vSwitch {', '.join(outside)}")
    elif not vpc_cidr or not vsw_cidr:
        row("network", source_net, clone_net, "DIFFERS", "the clone's VPC or vSwitch no longer exists")
    elif (replica_vpc and vpc_cidr != source.vpc_cidr_block) or (
        replica_vsw and not _holds(vsw_cidr, source.vswitch_cidr_block)
    ):
        row("network", source_net, clone_net, "DIFFERS", "replica CIDR differs from the source's")
    elif replica_vsw and vsw_cidr != source.vswitch_cidr_block:
        row("network", source_net, clone_net, "ok, note", "replica; its vSwitch widened to hold the clones")
    elif replica_vpc or replica_vsw:
        row("network", source_net, clone_net, "ok", "replica")
    elif clone.vpc_id == source.vpc_id and region == source.region_id:
        row("network", source_net, clone_net, "ok", "the source's own VPC")
    else:
        row("network", source_net, clone_net, "ok, note", "a given VPC and vSwitch")

    # Security groups: the source's own, or replicas whose rules equal the source's (peers re-pointed). The
    # map holds each source group itself too, so a rule naming its own group (peer_is_self in the replica)
    # compares equal to the replica's rule naming the replica.
    peer_map = dict(zip(source.security_group_ids, clone.security_group_ids, strict=False))
    for source_group, clone_group_id in zip(source.security_groups, clone.security_group_ids, strict=False):
        label = f"rules {source_group.security_group_id}"
        if clone_group_id == source_group.security_group_id:
            row(label, source_group.security_group_id, clone_group_id, "ok", "the source's own group")
            continue
        replica = reads.security_group(client, region, clone_group_id)
        wanted = {_rule_key(r, peer_map) for r in source_group.rules}
        actual = {_rule_key(r, {}) for r in replica.rules}
        summary = f"{clone_group_id}: {len(actual)} rule(s)"
        if wanted == actual:
            row(label, f"{len(wanted)} rule(s)", summary, "ok")
        else:
            gone = sorted(wanted - actual)
            extra = sorted(actual - wanted)
            parts = [f"missing {_describe(k)}" for k in gone] + [f"extra {_describe(k)}" for k in extra]
            row(label, f"{len(wanted)} rule(s)", summary, "DIFFERS", "; ".join(parts))
    if len(clone.security_group_ids) != len(source.security_groups):
        row("security groups", str(len(source.security_groups)), str(len(clone.security_group_ids)), "DIFFERS",
            "not one group per source group")

    charges = sorted({str(i.get("InstanceChargeType")) for i in instances})
    if charges == [source.instance_charge_type] or not instances:
        row("billing", source.instance_charge_type, ", ".join(charges) or "-", "ok" if instances else "DIFFERS")
    else:
        row("billing", source.instance_charge_type, ", ".join(charges), "DIFFERS")

    # Names, every copied setting and every disk (see cdk_clone._verify_settings).
    copy_kms_key_id = (copies.get(clone.image_id) or {}).get("kms_key_id") or None
    for aspect, outcome, source_value, clone_value, note in setting_rows(
        source, group_of(resources, clone.instance_ids), instances, client, region, copy_kms_key_id=copy_kms_key_id,
        region_disks=lambda: reads.region_disks(client, region),
    ):
        row(aspect, source_value, clone_value, outcome, note)  # type: ignore[arg-type]  # one of the outcomes
    return rows


def _source_snapshot(context: ContextFile, region: str, instance_id: str) -> SourceInstance:
    # The clone was made from the cached snapshot: compare with it, not with today's source.
    cached = context.get(source_instance_key(region, instance_id))
    if cached is not None:
        return source_from_entry(cached)
    from cdk_clone.api import AlibabaCloudClient

    return read_source_instance(AlibabaCloudClient(region), region, instance_id)


def verify_stack(terraform: Terraform, *, context_file: Path | None = None) -> VerifyReport:
    """Verify every clone group in the outputs of the stack Terraform runs in: each InstanceClone's output
    and each source's entry in a CloneTask's (see :func:`cdk_clone.cli._outputs.clone_outputs`)."""
    from cdk_clone.api import AlibabaCloudClient

    show = terraform.show_json()
    outputs = ((show.get("values") or {}).get("outputs")) or {}
    if not outputs:
        outputs = terraform.output_json()
    resources = _state_resources(show)
    context = ContextFile(context_file)
    clients: dict[str, AlibabaCloudClient] = {}
    reads = SharedReads()
    report = VerifyReport()
    for clone in clone_outputs(outputs):
        source = _source_snapshot(context, clone.source_region, clone.source_instance_id)
        region = clone.destination_region
        if region not in clients:
            clients[region] = AlibabaCloudClient(region)
        report.checks.extend(verify_clone(clone, source, clients[region], resources, reads))
    return report
