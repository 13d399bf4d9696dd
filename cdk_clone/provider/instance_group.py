"""``ecsclone_instance_group``: N instances from one RunInstances call.

Before launching it checks stock in the zone (one DescribeAvailableResource call) and, when the wanted
type is sold out and ``allow_similar_instance_type`` is set, launches a similar type (see ``_similar``).
``MinAmount`` lets the API create fewer instances than asked (quota, stock); the user is told by a warning.

Drift rule: ``instance_ids`` lists the instances that exist now, ``created_amount`` how many that is. A group
with fewer instances than ``amount`` (some deleted elsewhere, or a launch cut short by quota or stock) reads
as short: the next plan is an in-place update that launches the missing ones, so raising the quota and
applying again completes the group.

With an ``owner`` (see :mod:`cdk_clone.ownership`) the instances carry the group's owner key: a create or update
after an interrupted run counts the instances that run launched and launches only the rest, with a ClientToken
derived from the group, so a repeated launch returns the instances the first one made. ``image_id`` is only
what new instances boot from: a new image never replaces running clones, and when the image is gone and
``image_source_instance_id`` is set, a temporary image of the source is made to launch the missing ones.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from tf.iface import Config, State
from tf.types import Unknown
from tf.utils import Diagnostics

from cdk_clone import naming
from cdk_clone.naming import follows_pattern
from cdk_clone.ownership import (
    MAX_TAGS_PER_RESOURCE,
    MAX_USER_TAGS,
    RESERVED_TAG_COUNT,
    TAG_PREFIX,
    Ownership,
    is_ownership_tag,
)
from cdk_clone.schema import INSTANCE_GROUP

from ._adoption import MAX_GENERATIONS, find_owned, ownership_of, retag_owner
from ._batching import answers
from ._clone_settings import (
    check_settings,
    launch_settings,
    lift_deletion_protection,
    observed_settings,
    update_settings,
)
from ._images import (
    copy_owned_image,
    create_owned_image,
    delete_image,
    describe_image,
    image_failure,
    scratch_image_name,
    usable_owned_image,
)
from ._instances import MAX_IDS_PER_CALL, describe_instances, private_ip
from ._progress import report_instances
from ._resource import EcsCloneResource, ResourceError, if_exists, is_known, known_values
from ._similar import InstanceTypeSpec, choose_similar

if TYPE_CHECKING:
    from ._provider import EcsClonePlugin

__all__ = ["InstanceGroupResource", "expand_name", "follows_pattern", "observed_name", "observed_tags", "stock_status"]

_IN_STOCK = ("WithStock", "ClosedWithStock")
_MAX_CHARGE_TYPE_IDS = 20  # ModifyInstanceChargeType converts up to 20 instances a call
# Answers that mean "no more instances now": a top-up stops there, and the group reads as short.
_SHORTAGE_CODES = ("QuotaExceed", "OperationDenied.NoStock", "Zone.NotOnSale")
# Tokens of a group without an owner derive from its random ID, under this stand-in deployment.
_UNOWNED_DEPLOYMENT = "ecsclone-unowned"
_IMAGE_REF = re.compile(r"^(?:(?P<region>[a-z]{2}(?:-[a-z0-9]+)+):)?(?P<image>m-[A-Za-z0-9]+|[A-Za-z0-9_.\-]+)$")
_NAME_PATTERN = re.compile(r"\[(\d*)(?:,(\d*))?\]")
# Tag keys the cloud reserves for itself: no user sets them, so they are never drift.
_SYSTEM_TAG_PREFIXES = ("acs:", "aliyun")


def expand_name(pattern: str | None, index: int) -> str | None:
    """The name of the ``index``-th instance (0-based) for a batch pattern such as ``clone-[1,3]``, as
    RunInstances names it (see :func:`cdk_clone.naming.expand_name`); None stays None."""
    return None if pattern is None else naming.expand_name(pattern, index)


def observed_name(configured: str | None, actual: list[str | None]) -> str | None:
    """The state's ``instance_name`` (or ``host_name``) after reading the instances' ``actual`` names.

    A name the user left unset stays unset (the API's default names are no drift). When an instance's
    name no longer follows the configured name or pattern, the state shows that name, so the next plan
    changes it back; otherwise the configured value stays.
    """
    if configured is None:
        return None
    return next((name for name in actual if not follows_pattern(configured, name)), configured)


def instance_tags(instance: dict[str, Any]) -> dict[str, str]:
    """The user's tags of an instance from DescribeInstances (tags the cloud sets itself, and cdk-clone's ownership
    tags, left out)."""
    return {
        str(t["TagKey"]): str(t.get("TagValue", ""))
        for t in instance.get("Tags", {}).get("Tag", [])
        if "TagKey" in t and not str(t["TagKey"]).startswith(_SYSTEM_TAG_PREFIXES) and not is_ownership_tag(t["TagKey"])
    }


def observed_tags(configured: dict[str, str] | None, actual: list[dict[str, str]]) -> dict[str, str] | None:
    """The state's ``tags`` after reading the instances' ``actual`` tags.

    Tags left unset stay unset. When an instance's tags differ from the configured ones (a tag removed,
    changed or added elsewhere), the state shows that instance's tags, so the next plan sets them again on
    every instance; otherwise the configured value stays.
    """
    if configured is None:
        return None
    drifted = next((tags for tags in actual if tags != configured), None)
    if drifted is None:
        return configured
    return drifted or None


def stock_status(answer: dict[str, Any], zone_id: str) -> dict[str, str]:
    """Instance type -> stock category in ``zone_id``, from a DescribeAvailableResource answer.

    A type reported ``Available`` with no category counts as ``WithStock``; ``SoldOut`` without a category
    as ``WithoutStock``.
    """
    result: dict[str, str] = {}
    for zone in answer.get("AvailableZones", {}).get("AvailableZone", []):
        if zone.get("ZoneId") != zone_id:
            continue
        for resource in zone.get("AvailableResources", {}).get("AvailableResource", []):
            for supported in resource.get("SupportedResources", {}).get("SupportedResource", []):
                status = supported.get("Status")
                category = supported.get("StatusCategory") or ("WithStock" if status == "Available" else "WithoutStock")
                if status == "SoldOut" and category in _IN_STOCK:
                    category = "WithoutStock"
                result[str(supported.get("Value"))] = category
    return result


def _check_user_tags(diags: Diagnostics, tags: Any) -> None:
    """The user's tags leave room for the ownership tags, and do not use their keys."""
    if not isinstance(tags, dict):
        return
    reserved = sorted(k for k in tags if is_known(k) and is_ownership_tag(str(k)))
    if reserved:
        diags.add_error(
            "Reserved tag key",
            f"tags: {', '.join(reserved)}: keys starting with {TAG_PREFIX} are cdk-clone's own (set by the provider); "
            "use other keys.",
            path=["tags"],
        )
    if len(tags) > MAX_USER_TAGS:
        diags.add_error(
            "Too many tags",
            f"tags has {len(tags)} entries: an instance takes {MAX_TAGS_PER_RESOURCE} tags, {RESERVED_TAG_COUNT} of "
            f"which are cdk-clone's ownership tags, so at most {MAX_USER_TAGS} are yours.",
            path=["tags"],
        )


@dataclass(frozen=True)
class _Group:
    """What every launch of one group shares."""

    group_id: str
    ownership: Ownership | None
    zone_id: str
    instance_type: str
    min_amount: int
    keep_ip: str | None


def _group_id(ownership: Ownership | None) -> str:
    """The group's ID: from its owner key (the same after a crash), or random without an owner."""
    if ownership is not None:
        return f"ecsclone-{ownership.key}"
    import uuid  # here, not at the top: the provider's first answer to Terraform should not wait for it

    return f"ecsclone-{uuid.uuid4().hex}"


def _launched_for(planned: State, instance: dict[str, Any]) -> bool:
    """Whether an instance carrying the group's owner key was launched for this configuration of the group."""
    vswitch = (instance.get("VpcAttributes") or {}).get("VSwitchId")
    groups = set((instance.get("SecurityGroupIds") or {}).get("SecurityGroupId") or [])
    wanted_type = planned.get("instance_type")
    type_fits = instance.get("InstanceType") == wanted_type or bool(planned.get("allow_similar_instance_type"))
    return vswitch == planned.get("vswitch_id") and groups == set(planned.get("security_group_ids") or []) and type_fits


def _check_whole(diags: Diagnostics, config: Config, name: str, low: int, high: int, what: str) -> int | None:
    value = config.get(name)
    if not is_known(value):
        return None
    if not (isinstance(value, int | float) and float(value).is_integer() and low <= value <= high):
        diags.add_error(
            f"Invalid {name}", f"{name} = {value}: {what} must be a whole number from {low} to {high}.", [name]
        )
        return None
    return int(value)


class InstanceGroupResource(EcsCloneResource):
    """``resource "ecsclone_instance_group" "clones" { image_id = ..., instance_type = ..., amount = 3, ... }``.

    Import with the instance IDs separated by commas: ``terraform import ecsclone_instance_group.c i-1,i-2``.
    """

    spec = INSTANCE_GROUP

    def __init__(self, provider: EcsClonePlugin) -> None:
        super().__init__(provider)
        # Temporary images made by this call to launch from (image_id was gone): the state records them.
        self.temporary_image_ids: list[str] = []

    # ---- validation ----------------------------------------------------------------------------------

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        amount = _check_whole(diags, config, "amount", 1, 100, "the number of instances")
        min_amount = _check_whole(diags, config, "min_amount", 1, 100, "the least acceptable number of instances")
        if amount is not None and min_amount is not None and min_amount > amount:
            diags.add_error(
                "Invalid min_amount",
                f"min_amount = {min_amount} is more than amount = {amount}; set it to at most {amount}.",
                path=["min_amount"],
            )
        charge = config.get("instance_charge_type")
        if is_known(charge) and charge not in ("PostPaid", "PrePaid"):
            diags.add_error(
                "Invalid instance_charge_type",
                f"instance_charge_type = {charge!r}; use PostPaid (pay as you go) or PrePaid (subscription).",
                path=["instance_charge_type"],
            )
        if charge == "PrePaid" and config.get("period") is None:
            diags.add_error("Missing period", "A PrePaid group needs period (e.g. 1) and period_unit.", ["period"])
        _check_whole(diags, config, "period", 1, 60, "the subscription period")
        unit = config.get("period_unit")
        if is_known(unit) and unit not in ("Month", "Week"):
            diags.add_error("Invalid period_unit", f"period_unit = {unit!r}; use Month or Week.", ["period_unit"])
        address = config.get("private_ip")
        if is_known(address):
            try:
                ipaddress.IPv4Address(address)
            except ValueError:
                diags.add_error(
                    "Invalid private_ip", f"private_ip = {address!r} is not an IPv4 address.", ["private_ip"]
                )
        groups = config.get("security_group_ids")
        if isinstance(groups, list) and not groups:
            diags.add_error(
                "No security group", "security_group_ids needs at least one security group ID.", ["security_group_ids"]
            )
        instance_type = config.get("instance_type")
        if is_known(instance_type) and not str(instance_type).startswith("ecs."):
            diags.add_error(
                "Invalid instance_type",
                f"instance_type = {instance_type!r}; instance types look like ecs.g7.large.",
                ["instance_type"],
            )
        _check_user_tags(diags, config.get("tags"))
        _check_whole(diags, config, "internet_max_bandwidth_out", 0, 100, "the public bandwidth in Mbit/s")
        _check_whole(diags, config, "system_disk_size", 20, 2048, "the system disk size in GiB")
        images = config.get("delete_images_after_launch")
        if isinstance(images, list):
            for entry in images:
                if is_known(entry) and not _IMAGE_REF.match(entry):
                    diags.add_error(
                        "Invalid image reference",
                        f"delete_images_after_launch: {entry!r} is neither an image ID nor <region>:<image ID>.",
                        ["delete_images_after_launch"],
                    )
        check_settings(diags, config)

    # ---- plan ----------------------------------------------------------------------------------------

    def plan_update(self, diags: Diagnostics, current: State, planned: State) -> State:
        existing = len(current.get("instance_ids") or [])
        wanted = planned.get("amount")
        # Short of amount (instances deleted elsewhere, or a launch cut short by quota or stock): the plan shows
        # the missing instances to launch, so applying again once the quota allows completes the group.
        short = isinstance(wanted, int | float) and existing < wanted
        if short or wanted != current.get("amount"):
            for name in ("instance_ids", "private_ips", "created_amount", "temporary_image_ids"):
                planned[name] = Unknown
        if short and wanted == current.get("amount"):
            diags.add_warning(
                f"{existing} of {int(wanted)} instances exist; apply launches the missing {int(wanted) - existing}",
                "The group has fewer instances than amount (deleted elsewhere, or the account's quota or the zone's "
                "stock allowed no more at the last launch). Applying launches the rest.",
                path=["amount"],
            )
        return planned

    # ---- create --------------------------------------------------------------------------------------

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        vswitch = self._vswitch(planned["vswitch_id"])
        zone_id = planned["zone_id"] if is_known(planned.get("zone_id")) else vswitch["ZoneId"]
        amount = int(planned["amount"])
        ownership = ownership_of(self, planned)
        group_id = _group_id(ownership)
        # Instances an interrupted run launched for this group are counted, and only the rest are launched.
        adopted = self._adopt_instances(diags, planned, ownership, tracked=[]) if ownership else {}
        effective_type = next(
            (str(i["InstanceType"]) for i in adopted.values() if i.get("InstanceType")), None
        ) or self._type_with_stock(diags, planned, zone_id)
        self.partial_state = {
            **known_values(planned),
            "id": group_id,
            "zone_id": zone_id,
            "instance_ids": list(adopted),
            "effective_instance_type": effective_type,
            "created_amount": len(adopted),
        }
        timeout = self.timeout(planned, "create")
        group = _Group(
            group_id,
            ownership,
            zone_id,
            effective_type,
            min_amount=int(planned["min_amount"]) if is_known(planned.get("min_amount")) else 1,
            keep_ip=None if adopted else self._keep_private_ip(planned, vswitch, amount),
        )
        ids = self._converge(diags, planned, group, list(adopted), amount, timeout)
        self.partial_state = {**self.partial_state, "instance_ids": ids, "created_amount": len(ids)}
        running = self._wait_running(planned, group_id, ids, timeout)
        self._delete_transient_images(planned.get("delete_images_after_launch") or [])
        return self._state(planned, group_id, zone_id, effective_type, ids, running)

    def _vswitch(self, vswitch_id: str) -> dict[str, Any]:
        # Groups launched together into one vSwitch read it once (its zone and CIDR never change).
        answer = answers(self.client).get(
            ("DescribeVSwitches", vswitch_id), lambda: self.client.vpc("DescribeVSwitches", {"VSwitchId": vswitch_id})
        )
        found = [v for v in answer.get("VSwitches", {}).get("VSwitch", []) if v.get("VSwitchId") == vswitch_id]
        if not found:
            raise ResourceError(
                f"vSwitch {vswitch_id} was not found",
                f"vswitch_id = {vswitch_id!r} names no vSwitch in region {self.provider.region}.",
                path=["vswitch_id"],
            )
        vswitch: dict[str, Any] = found[0]
        return vswitch

    def _type_with_stock(self, diags: Diagnostics, planned: State, zone_id: str) -> str:
        wanted = planned["instance_type"]
        params = {
            "DestinationResource": "InstanceType",
            "ZoneId": zone_id,
            "InstanceChargeType": known_values(planned).get("instance_charge_type") or "PostPaid",
            "SpotStrategy": known_values(planned).get("spot_strategy"),
            "IoOptimized": "optimized",
        }
        # Groups launched together into one zone share one answer (fresh for half a minute).
        answer = answers(self.client).get(
            ("DescribeAvailableResource", *params.values()),
            lambda: self.client.ecs("DescribeAvailableResource", params),
        )
        stock = stock_status(answer, zone_id)
        status = stock.get(wanted, "not offered")
        if status in _IN_STOCK:
            return str(wanted)
        if not planned.get("allow_similar_instance_type"):
            raise ResourceError(
                f"{wanted} is out of stock in {zone_id}",
                f"instance_type {wanted} has stock status {status} in zone {zone_id}. Set "
                "allow_similar_instance_type = true to launch a similar type, or choose another type or zone.",
                path=["instance_type"],
            )
        specs = {
            item["InstanceTypeId"]: InstanceTypeSpec.from_api(item)
            for item in self.client.paginate("ecs", "DescribeInstanceTypes", {}, items="InstanceTypes.InstanceType")
        }
        if wanted not in specs:
            raise ResourceError(
                f"Unknown instance type {wanted}",
                f"instance_type {wanted} is not an instance type of region {self.provider.region}.",
                path=["instance_type"],
            )
        choice = choose_similar(specs[wanted], [specs[t] for t, s in stock.items() if s in _IN_STOCK and t in specs])
        if choice is None:
            raise ResourceError(
                f"{wanted} is out of stock in {zone_id}, and no similar type has stock",
                f"instance_type {wanted} has stock status {status} in zone {zone_id}, and no type with at least "
                f"{specs[wanted].cpu} vCPUs and {specs[wanted].memory_gib:g} GiB has stock there. Choose another "
                "zone.",
                path=["instance_type"],
            )
        diags.add_warning(
            f"{wanted} is out of stock in {zone_id}; launched the similar {choice.name}",
            f"{wanted} has stock status {status} in {zone_id}. {choice.name} ({choice.cpu} vCPUs, "
            f"{choice.memory_gib:g} GiB) was launched instead; effective_instance_type records it.",
            path=["instance_type"],
        )
        return choice.name

    def _keep_private_ip(self, planned: State, vswitch: dict[str, Any], amount: int) -> str | None:
        """The preferred private IP when it can be kept: one instance, inside the vSwitch, and free."""
        wanted = planned.get("private_ip")
        if not is_known(wanted) or amount != 1:
            return None
        network = ipaddress.ip_network(vswitch.get("CidrBlock", "0.0.0.0/32"), strict=False)
        address = ipaddress.ip_address(wanted)
        # The vSwitch reserves its first address and its last three.
        usable = list(network.hosts()) if network.num_addresses <= 4 else None
        reserved = {network.network_address, *(network.broadcast_address - n for n in range(3))}
        if address not in network or address in reserved or (usable is not None and address not in usable):
            return None
        used = {
            private_ip(instance)
            for instance in self.client.paginate(
                "ecs", "DescribeInstances", {"VSwitchId": vswitch["VSwitchId"]}, items="Instances.Instance"
            )
        }
        return None if str(address) in used else str(address)

    def _launch(
        self,
        diags: Diagnostics,
        planned: State,
        *,
        image_id: str,
        zone_id: str,
        instance_type: str,
        amount: int,
        min_amount: int,
        client_token: str,
        keep_ip: str | None,
        first_index: int,
        ownership: Ownership | None,
    ) -> list[str]:
        planned = known_values(planned)  # unset optional+computed values are unknown in a create plan
        tags = {**(planned.get("tags") or {}), **(ownership.tags() if ownership else {})}
        name = planned.get("instance_name")
        if name is not None and first_index and "[" in name:
            # Instances added later continue the batch numbering.
            match = _NAME_PATTERN.search(name)
            if match:
                begin = int(match.group(1) or 0) + first_index
                name = _NAME_PATTERN.sub(f"[{begin},{match.group(2) or 6}]", name, count=1)
        params: dict[str, Any] = {
            "ImageId": image_id,
            "InstanceType": instance_type,
            "ZoneId": zone_id,
            "VSwitchId": planned["vswitch_id"],
            "SecurityGroupIds": list(planned["security_group_ids"]),
            "Amount": amount,
            "MinAmount": min(min_amount, amount),
            "ClientToken": client_token,
            "PrivateIpAddress": keep_ip,
            "InstanceChargeType": planned.get("instance_charge_type"),
            "Period": int(planned["period"]) if is_known(planned.get("period")) else None,
            "PeriodUnit": planned.get("period_unit"),
            "InstanceName": name,
            "HostName": planned.get("host_name"),
            "SystemDisk.Category": planned.get("system_disk_category"),
            "SystemDisk.Size": int(planned["system_disk_size"]) if is_known(planned.get("system_disk_size")) else None,
            "InternetMaxBandwidthOut": (
                int(planned["internet_max_bandwidth_out"])
                if is_known(planned.get("internet_max_bandwidth_out"))
                else None
            ),
            "Tag": [{"Key": k, "Value": v} for k, v in sorted(tags.items())] or None,
            **launch_settings(planned),
        }
        from cdk_clone.api import NETWORK_BUSY_CODES

        # A vSwitch made a moment ago (outside this apply) may still be Pending: the launch waits for it, with
        # the same ClientToken, so a launch that went through is never made twice.
        answer = self.when_free(
            lambda: self.client.ecs("RunInstances", params),
            codes=NETWORK_BUSY_CODES,
            state=planned,
            operation="create",
            what=f"launch instances into vSwitch {planned['vswitch_id']}",
        )
        return [str(i) for i in answer.get("InstanceIdSets", {}).get("InstanceIdSet", [])]

    def _wait_running(self, planned: State, group_id: str, ids: list[str], timeout: float) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}

        def report(found: dict[str, dict[str, Any]]) -> None:
            running = sum(1 for i in found.values() if i.get("Status") == "Running")
            report_instances(
                self.provider.region, group_id, str(planned["image_id"]), str(planned["vswitch_id"]), running, len(ids)
            )

        return self.wait(
            lambda: describe_instances(self.client, ids),
            ready=lambda found: len(found) == len(ids) and all(i.get("Status") == "Running" for i in found.values()),
            timeout=timeout,
            what=f"{len(ids)} instance(s) to be Running",
            on_poll=report,
        )

    def _delete_transient_images(self, references: list[str]) -> None:
        for reference in references:
            match = _IMAGE_REF.match(reference)
            if match:
                delete_image(self.client, match.group("image"), region_id=match.group("region"))

    # ---- read ----------------------------------------------------------------------------------------

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        ids = list(current.get("instance_ids") or [])
        found = describe_instances(self.client, ids)
        if not found:
            return None
        kept = [i for i in ids if i in found]
        state = dict(current)
        state["instance_ids"] = kept
        state["private_ips"] = [private_ip(found[i]) for i in kept]
        state["effective_instance_type"] = found[kept[0]].get("InstanceType") or current.get("effective_instance_type")
        # Names and tags set behind Terraform's back are drift: the state shows them, and the plan sets them back.
        state["instance_name"] = observed_name(
            current.get("instance_name"), [found[i].get("InstanceName") for i in kept]
        )
        state["host_name"] = observed_name(current.get("host_name"), [found[i].get("HostName") for i in kept])
        state["tags"] = observed_tags(current.get("tags"), [instance_tags(found[i]) for i in kept])
        state.update(observed_settings(current, [found[i] for i in kept]))
        return state

    # ---- update --------------------------------------------------------------------------------------

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        group_id = current["id"]
        timeout = self.timeout(planned, "update")
        ids = list(current.get("instance_ids") or [])
        found = describe_instances(self.client, ids)  # once: up to 100 IDs a call
        ids = [i for i in ids if i in found]
        ownership = ownership_of(self, planned)
        if ownership is not None:
            # Instances an interrupted update launched are not in the state yet: they count too.
            ids += list(self._adopt_instances(diags, planned, ownership, tracked=ids))
        target = int(planned["amount"])
        effective_type = current.get("effective_instance_type") or planned["instance_type"]
        zone_id = current.get("zone_id") or planned.get("zone_id")
        self.partial_state = {**known_values(current), "instance_ids": ids}
        group = _Group(group_id, ownership, zone_id, effective_type, min_amount=1, keep_ip=None)
        ids = self._converge(diags, planned, group, ids, target, timeout)
        self.partial_state = {**self.partial_state, "instance_ids": ids, "created_amount": len(ids)}
        running = self._wait_running(planned, group_id, ids, timeout)
        if planned.get("owner") != current.get("owner") and ids:
            retag_owner(self.client, "instance", ids, ownership)
        self._modify_names(current, planned, ids)
        self._retag(current.get("tags") or {}, planned.get("tags") or {}, ids)
        update_settings(self.client, current, planned, ids)
        newly_listed = set(planned.get("delete_images_after_launch") or []) - set(
            current.get("delete_images_after_launch") or []
        )
        self._delete_transient_images(sorted(newly_listed))
        earlier = {**planned, "temporary_image_ids": current.get("temporary_image_ids") or []}
        return self._state(earlier, group_id, zone_id, effective_type, ids, running)

    def _release(self, ids: list[str], timeout: float, rows: dict[str, dict[str, Any]]) -> None:
        """Release instances (``rows``: the instances as just described, so no second read is needed).

        Subscription (PrePaid) instances cannot be released before they expire: they are converted to
        pay-as-you-go first, as terraform-provider-alicloud does (with ``force_delete``). Instances still
        being created or in another transition are released once they can be.
        """
        from cdk_clone.api import INSTANCE_BUSY_CODES, retry_while_busy

        lift_deletion_protection(self.client, {i: rows[i] for i in ids if i in rows})
        self._end_subscriptions([i for i in ids if rows.get(i, {}).get("InstanceChargeType") == "PrePaid"], timeout)
        interval = max(self.provider.poll_interval, 0.05)

        def release(action: str, params: dict[str, Any]) -> dict[str, Any] | None:
            return if_exists(
                retry_while_busy,
                partial(self.client.ecs, action, params),
                codes=INSTANCE_BUSY_CODES,
                timeout=timeout,
                what=f"release instances ({action})",
                interval=interval,
            )

        for start in range(0, len(ids), MAX_IDS_PER_CALL):
            chunk = ids[start : start + MAX_IDS_PER_CALL]
            if release("DeleteInstances", {"InstanceId": chunk, "Force": True}) is None:
                for instance_id in chunk:  # some are gone already: release the others one by one
                    release("DeleteInstance", {"InstanceId": instance_id, "Force": True})
        self.wait_gone(
            lambda: describe_instances(self.client, ids), timeout=timeout, what=f"{len(ids)} instance(s) to be released"
        )

    def _end_subscriptions(self, ids: list[str], timeout: float) -> None:
        """Convert subscription instances to pay-as-you-go (ModifyInstanceChargeType, 20 a call) so that they
        can be released; the release that follows waits for the billing order (LastTokenProcessing)."""
        import json

        from cdk_clone.api import INSTANCE_BUSY_CODES, retry_while_busy

        for start in range(0, len(ids), _MAX_CHARGE_TYPE_IDS):
            chunk = ids[start : start + _MAX_CHARGE_TYPE_IDS]
            retry_while_busy(
                partial(
                    self.client.ecs,
                    "ModifyInstanceChargeType",
                    {"InstanceIds": json.dumps(chunk), "InstanceChargeType": "PostPaid", "AutoPay": True},
                    idempotent=True,
                ),
                codes=INSTANCE_BUSY_CODES,
                timeout=timeout,
                what=f"convert subscription instances {', '.join(chunk)} to pay-as-you-go",
                interval=max(self.provider.poll_interval, 0.05),
            )

    def _modify_names(self, current: State, planned: State, ids: list[str]) -> None:
        name, host = planned.get("instance_name"), planned.get("host_name")
        if (name, host) == (current.get("instance_name"), current.get("host_name")):
            return
        for index, instance_id in enumerate(ids):
            self.client.ecs(
                "ModifyInstanceAttribute",
                {
                    "InstanceId": instance_id,
                    "InstanceName": expand_name(name, index) if name != current.get("instance_name") else None,
                    "HostName": expand_name(host, index) if host != current.get("host_name") else None,
                },
            )

    def _retag(self, old: dict[str, str], new: dict[str, str], ids: list[str]) -> None:
        removed = sorted(set(old) - set(new))
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        for start in range(0, len(ids), 50):  # TagResources takes up to 50 resources a call
            chunk = ids[start : start + 50]
            if removed:
                self.client.ecs("UntagResources", {"ResourceType": "instance", "ResourceId": chunk, "TagKey": removed})
            if changed:
                self.client.ecs(
                    "TagResources",
                    {
                        "ResourceType": "instance",
                        "ResourceId": chunk,
                        "Tag": [{"Key": k, "Value": v} for k, v in sorted(changed.items())],
                    },
                )

    # ---- ownership: adoption, launching what is missing, a temporary image -------------------------------

    def _adopt_instances(
        self, diags: Diagnostics, planned: State, ownership: Ownership, *, tracked: list[str]
    ) -> dict[str, dict[str, Any]]:
        """The instances carrying this group's owner key that the state does not name (an interrupted run's), by
        ID in launch order. Those launched for another configuration of the group (another vSwitch, security
        groups or type) are left alone, with a warning."""
        adopted: dict[str, dict[str, Any]] = {}
        foreign: list[str] = []
        for instance in find_owned(self.client, "instance", ownership):
            instance_id = str(instance["InstanceId"])
            if instance_id in tracked:
                continue
            if _launched_for(planned, instance):
                adopted[instance_id] = instance
            else:
                foreign.append(instance_id)
        if foreign:
            diags.add_warning(
                f"{len(foreign)} instance(s) of this group's owner were launched for another configuration",
                f"{', '.join(foreign)} carry the owner key of {ownership.origin} but another vSwitch, security "
                "groups or instance type: they are left alone (not adopted). `cdk-clone destroy` removes them, or "
                "release them by hand.",
            )
        return adopted

    def _converge(
        self, diags: Diagnostics, planned: State, group: _Group, ids: list[str], target: int, timeout: float
    ) -> list[str]:
        """``ids`` brought to ``target`` instances: the extra ones released, the missing ones launched."""
        if len(ids) > target:
            extra = ids[target:]
            self._release(extra, timeout, describe_instances(self.client, extra))
            return ids[:target]
        if len(ids) == target:
            return ids
        launched = self._launch_missing(diags, planned, group, ids, target)
        ids = ids + launched
        if len(ids) < target:
            diags.add_warning(
                f"{len(ids)} of {target} instances created",
                f"RunInstances launched {len(launched)} of the {target - len(ids) + len(launched)} instances asked "
                "for: the account's instance quota or the zone's stock allowed no more. The group reads as short: "
                "the next plan shows the missing instances to launch; raise the quota (or wait for stock) and apply "
                "again.",
                path=["amount"],
            )
        return ids

    def _launch_missing(
        self, diags: Diagnostics, planned: State, group: _Group, ids: list[str], target: int
    ) -> list[str]:
        """Launch ``target - len(ids)`` instances; the IDs launched (fewer under quota or stock).

        The ClientToken follows from the group, the instances it has and the target, and its generation: a
        launch repeated after a crash gets the instances the first one made; one whose token answers with
        instances that are all gone (the group was replaced) moves to the next generation. A shortage of quota or
        stock ends the launch with what exists when the group already has instances (a top-up): the group then
        reads as short, rather than failing and losing them.
        """
        from cdk_clone.api import ApiError

        tokens = group.ownership or Ownership(_UNOWNED_DEPLOYMENT, group.group_id)
        details = (group.group_id, ",".join(ids), str(target))
        with self._boot_image(diags, planned, group.ownership, group.group_id) as image_id:
            for generation in range(MAX_GENERATIONS):
                try:
                    answer = self._launch(
                        diags,
                        planned,
                        image_id=image_id,
                        zone_id=group.zone_id,
                        instance_type=group.instance_type,
                        amount=target - len(ids),
                        min_amount=min(group.min_amount, target - len(ids)),
                        client_token=tokens.client_token("RunInstances", generation, *details),
                        keep_ip=group.keep_ip,
                        first_index=len(ids),
                        ownership=group.ownership,
                    )
                except ApiError as error:
                    if error.code == "IdempotentParameterMismatch":
                        continue
                    if ids and error.code.startswith(_SHORTAGE_CODES):
                        return []
                    raise
                alive = self._alive(answer)
                if alive or not answer:
                    return alive
        raise ResourceError(
            f"RunInstances: no free ClientToken after {MAX_GENERATIONS} generations",
            "Each ClientToken of this group's launch answers with instances that no longer exist. Give the group "
            "another owner.",
            path=["owner"],
        )

    def _alive(self, instance_ids: list[str]) -> list[str]:
        """The instances among ``instance_ids`` that exist, looked for a few times (new ones may take a moment)."""
        for attempt in range(3):
            found = describe_instances(self.client, instance_ids)
            if found or not instance_ids:
                return [i for i in instance_ids if i in found]
            if attempt < 2:
                time.sleep(self.provider.poll_interval)
        return []

    @contextmanager
    def _boot_image(
        self, diags: Diagnostics, planned: State, ownership: Ownership | None, group_id: str
    ) -> Iterator[str]:
        """The image to launch from: ``image_id``, or, when it no longer exists (deleted after the first launch,
        or by hand) and ``image_source_instance_id`` is set, a temporary image of that instance (copied to this
        region), deleted once the launch is done."""
        image_id = str(planned["image_id"])
        source = planned.get("image_source_instance_id")
        if not is_known(source) or describe_image(self.client, image_id) is not None:
            yield image_id
            return
        made: list[tuple[str, str]] = []
        try:
            temporary_id = self._temporary_image(diags, planned, ownership, group_id, str(source), made)
            self.temporary_image_ids.append(temporary_id)
            yield temporary_id
        finally:
            for region_id, temporary_id in reversed(made):
                delete_image(self.client, temporary_id, region_id=region_id)

    def _temporary_image(
        self,
        diags: Diagnostics,
        planned: State,
        ownership: Ownership | None,
        group_id: str,
        source_instance_id: str,
        made: list[tuple[str, str]],
    ) -> str:
        here = self.provider.region
        source_region = str(known_values(planned).get("image_source_region_id") or here)
        diags.add_warning(
            f"Image {planned['image_id']} no longer exists: launching from a fresh image of {source_instance_id}",
            f"A temporary image of {source_instance_id} ({source_region}) is made"
            + ("" if source_region == here else f" and copied to {here}")
            + ", the missing instances are launched from it, and it is deleted afterwards.",
        )
        timeout = self.timeout(planned, "create")
        image_owner = ownership.child("image") if ownership else None
        image = usable_owned_image(self.client, image_owner, region_id=source_region) if image_owner else None
        image_id = str(image["ImageId"]) if image else create_owned_image(
            self.client,
            image_owner,
            instance_id=source_instance_id,
            name=scratch_image_name(source_instance_id, image_owner),
            description=f"cdk-clone temporary image for {group_id}",
            pause=self.provider.poll_interval,
            region_id=source_region,
        )
        made.append((source_region, image_id))
        self._wait_image(image_id, source_region, timeout)
        if source_region == here:
            return image_id
        copy_owner = ownership.child("copy") if ownership else None
        copy = usable_owned_image(self.client, copy_owner) if copy_owner else None
        copy_id = str(copy["ImageId"]) if copy else copy_owned_image(
            self.client,
            copy_owner,
            source_id=image_id,
            source_region=source_region,
            destination_region=here,
            name=scratch_image_name(source_instance_id, copy_owner or image_owner),
            description=f"cdk-clone temporary image for {group_id}",
            pause=self.provider.poll_interval,
        )
        made.append((here, copy_id))
        self._wait_image(copy_id, here, timeout)
        return copy_id

    def _wait_image(self, image_id: str, region_id: str, timeout: float) -> None:
        self.wait(
            lambda: describe_image(self.client, image_id, region_id=region_id),
            ready=lambda image: image.get("Status") == "Available",
            failed=image_failure,
            timeout=timeout,
            what=f"temporary image {image_id} to become Available in {region_id}",
        )

    # ---- delete and import ---------------------------------------------------------------------------

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        ids = list(current.get("instance_ids") or [])
        found = describe_instances(self.client, ids)  # once: up to 100 IDs a call
        existing = [i for i in ids if i in found]
        if existing:
            self._release(existing, self.timeout(current, "delete"), found)

    def import_object(self, diags: Diagnostics, object_id: str) -> dict[str, Any] | None:
        ids = [i.strip() for i in object_id.split(",") if i.strip()]
        found = describe_instances(self.client, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise ResourceError(
                f"Cannot import: instance(s) {', '.join(missing)} not found",
                f"Import an instance group with the IDs of its instances, separated by commas; "
                f"{', '.join(missing)} do(es) not exist in {self.provider.region}.",
            )
        first = found[ids[0]]
        vpc = first.get("VpcAttributes", {})
        tags = instance_tags(first)
        names = {found[i].get("InstanceName") for i in ids}
        disks = self.client.ecs("DescribeDisks", {"InstanceId": ids[0], "DiskType": "system"})
        system_disk: dict[str, Any] = next(iter(disks.get("Disks", {}).get("Disk", [])), {})
        disk_size = system_disk.get("Size")
        # Charge type and bandwidth come from the instances in _state, as after a launch.
        prior = {
            "image_id": first.get("ImageId"),
            "instance_type": first.get("InstanceType"),
            "vswitch_id": vpc.get("VSwitchId"),
            "security_group_ids": list(first.get("SecurityGroupIds", {}).get("SecurityGroupId", [])),
            "amount": len(ids),
            "instance_name": names.pop() if len(names) == 1 else None,
            "tags": tags or None,
            "system_disk_category": system_disk.get("Category") or None,
            "system_disk_size": int(disk_size) if disk_size else None,
        }
        import hashlib

        group_id = "ecsclone-import-" + hashlib.sha256(",".join(ids).encode()).hexdigest()[:32]
        return self._state(prior, group_id, first.get("ZoneId"), first.get("InstanceType"), ids, found)

    # ---- state ---------------------------------------------------------------------------------------

    def _state(
        self,
        planned: State | dict[str, Any],
        group_id: str,
        zone_id: str | None,
        effective_type: str | None,
        ids: list[str],
        instances: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        state = {k: v for k, v in known_values(planned).items()}
        first = next((instances[i] for i in ids if i in instances), {})
        # Left unset in the configuration, these are what the instances have (RunInstances' defaults).
        if state.get("instance_charge_type") is None:
            state["instance_charge_type"] = first.get("InstanceChargeType")
        if state.get("internet_max_bandwidth_out") is None and first.get("InternetMaxBandwidthOut") is not None:
            state["internet_max_bandwidth_out"] = int(first["InternetMaxBandwidthOut"])
        earlier = [str(i) for i in known_values(planned).get("temporary_image_ids") or []]
        state.update(
            {
                "id": group_id,
                "zone_id": zone_id,
                "temporary_image_ids": earlier + self.temporary_image_ids,
                "instance_ids": ids,
                "private_ips": [private_ip(instances[i]) if i in instances else None for i in ids],
                "effective_instance_type": effective_type,
                "created_amount": len(ids),
            }
        )
        return state
