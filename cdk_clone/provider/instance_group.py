"""``ecsclone_instance_group``: N instances from one RunInstances call.

Before launching it checks stock in the zone (one DescribeAvailableResource call) and, when the wanted
type is sold out and ``allow_similar_instance_type`` is set, launches a similar type (see ``_similar``).
``MinAmount`` lets the API create fewer instances than asked (quota, stock); the user is told by a warning.

Drift rule: ``instance_ids`` lists the instances that exist now, while ``created_amount`` keeps how many the
last apply left. Reading after instances were deleted elsewhere shortens ``instance_ids`` only; the next plan
sees fewer IDs than ``created_amount`` and plans an in-place update that launches the missing ones. A group
that got fewer than ``amount`` at creation because of quota has as many IDs as ``created_amount``, so it
is not retried on every plan; raising ``amount`` (or replacing the group) asks again.
"""

from __future__ import annotations

import ipaddress
import re
from functools import partial
from typing import Any

from tf.iface import Config, State
from tf.types import Unknown
from tf.utils import Diagnostics

from cdk_clone import naming
from cdk_clone.naming import follows_pattern
from cdk_clone.schema import INSTANCE_GROUP

from ._batching import answers
from ._clone_settings import (
    check_settings,
    launch_settings,
    lift_deletion_protection,
    observed_settings,
    update_settings,
)
from ._images import delete_image
from ._instances import MAX_IDS_PER_CALL, describe_instances, private_ip
from ._progress import report_instances
from ._resource import EcsCloneResource, ResourceError, if_exists, is_known, known_values
from ._similar import InstanceTypeSpec, choose_similar

__all__ = ["InstanceGroupResource", "expand_name", "follows_pattern", "observed_name", "observed_tags", "stock_status"]

_IN_STOCK = ("WithStock", "ClosedWithStock")
_MAX_CHARGE_TYPE_IDS = 20  # ModifyInstanceChargeType converts up to 20 instances a call
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
    """The user's tags of an instance from DescribeInstances (tags the cloud sets itself left out)."""
    return {
        str(t["TagKey"]): str(t.get("TagValue", ""))
        for t in instance.get("Tags", {}).get("Tag", [])
        if "TagKey" in t and not str(t["TagKey"]).startswith(_SYSTEM_TAG_PREFIXES)
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
        existing = current.get("instance_ids") or []
        drifted = isinstance(current.get("created_amount"), int | float) and len(existing) < current["created_amount"]
        if drifted or planned.get("amount") != current.get("amount"):
            for name in ("instance_ids", "private_ips", "created_amount"):
                planned[name] = Unknown
        return planned

    # ---- create --------------------------------------------------------------------------------------

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        vswitch = self._vswitch(planned["vswitch_id"])
        zone_id = planned["zone_id"] if is_known(planned.get("zone_id")) else vswitch["ZoneId"]
        amount = int(planned["amount"])
        effective_type = self._type_with_stock(diags, planned, zone_id)
        import uuid  # here, not at the top: the provider's first answer to Terraform should not wait for it

        group_id = f"ecsclone-{uuid.uuid4().hex}"
        ids = self._launch(
            diags,
            planned,
            zone_id=zone_id,
            instance_type=effective_type,
            amount=amount,
            min_amount=int(planned["min_amount"]) if is_known(planned.get("min_amount")) else 1,
            client_token=group_id,
            keep_ip=self._keep_private_ip(planned, vswitch, amount),
            first_index=0,
        )
        self.partial_state = {
            **known_values(planned),
            "id": group_id,
            "zone_id": zone_id,
            "instance_ids": ids,
            "effective_instance_type": effective_type,
            "created_amount": len(ids),
        }
        running = self._wait_running(planned, group_id, ids, self.timeout(planned, "create"))
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
        zone_id: str,
        instance_type: str,
        amount: int,
        min_amount: int,
        client_token: str,
        keep_ip: str | None,
        first_index: int,
    ) -> list[str]:
        planned = known_values(planned)  # unset optional+computed values are unknown in a create plan
        tags = planned.get("tags") or {}
        name = planned.get("instance_name")
        if name is not None and first_index and "[" in name:
            # Instances added later continue the batch numbering.
            match = _NAME_PATTERN.search(name)
            if match:
                begin = int(match.group(1) or 0) + first_index
                name = _NAME_PATTERN.sub(f"[{begin},{match.group(2) or 6}]", name, count=1)
        params: dict[str, Any] = {
            "ImageId": planned["image_id"],
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
        ids = [str(i) for i in answer.get("InstanceIdSets", {}).get("InstanceIdSet", [])]
        if len(ids) < amount:
            diags.add_warning(
                f"{len(ids)} of {amount} instances created",
                f"RunInstances launched {len(ids)} of the {amount} instances asked for: the account's instance "
                "quota or the zone's stock allowed no more (MinAmount permitted the partial result). "
                "created_amount records it; raise the quota and increase amount, or replace the group, to get "
                "the rest.",
                path=["amount"],
            )
        return ids

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
        target = int(planned["amount"])
        effective_type = current.get("effective_instance_type") or planned["instance_type"]
        zone_id = current.get("zone_id") or planned.get("zone_id")
        if len(ids) > target:
            self._release(ids[target:], timeout, found)
            ids = ids[:target]
        elif len(ids) < target:
            # A token derived from what exists now: a repeated apply after a failure adopts the instances the
            # failed one launched instead of launching them twice.
            import hashlib

            token = "ecsclone-" + hashlib.sha256(f"{group_id}|{','.join(ids)}|{target}".encode()).hexdigest()[:40]
            self.partial_state = {**known_values(current), "instance_ids": ids}
            added = self._launch(
                diags,
                planned,
                zone_id=zone_id,
                instance_type=effective_type,
                amount=target - len(ids),
                min_amount=1,
                client_token=token,
                keep_ip=None,
                first_index=len(ids),
            )
            ids = ids + added
            self.partial_state = {**self.partial_state, "instance_ids": ids, "created_amount": len(ids)}
        running = self._wait_running(planned, group_id, ids, timeout)
        self._modify_names(current, planned, ids)
        self._retag(current.get("tags") or {}, planned.get("tags") or {}, ids)
        update_settings(self.client, current, planned, ids)
        newly_listed = set(planned.get("delete_images_after_launch") or []) - set(
            current.get("delete_images_after_launch") or []
        )
        self._delete_transient_images(sorted(newly_listed))
        return self._state(planned, group_id, zone_id, effective_type, ids, running)

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
        state.update(
            {
                "id": group_id,
                "zone_id": zone_id,
                "instance_ids": ids,
                "private_ips": [private_ip(instances[i]) if i in instances else None for i in ids],
                "effective_instance_type": effective_type,
                "created_amount": len(ids),
            }
        )
        return state
