"""What a clone copies from its source, and what it cannot: the instance group's settings, decided at synth.

Each setting is the prop the user gave, else the source's. A setting that cannot be carried to the
destination is decided here once, for every clone construct:

* KMS keys are regional: encrypted disks (their data comes through an image) cloned to another region are
  encrypted with ``destination_kms_key_id``, which is then required;
* a deployment set is regional: cloned to another region without ``deployment_set_id``, the clones are
  placed without one (a warning says so);
* IPv6 addresses need an IPv6 block in the vSwitch: only clones that join the source's own vSwitch get the
  same count; elsewhere they are dropped (a warning says so);
* the primary ENI's secondary private IPs and any ENI beyond the primary hold addresses of the source's
  network: they are not copied (a warning names them);
* key pairs are regional too; :mod:`cdk_clone.constructs.destination_checks` checks the destination has one
  of that name. RAM roles and resource groups belong to the account and are carried as they are.

Example::

    settings = copied_settings("InstanceClone 'web'", source, props, destination_region="cn-shanghai",
                               joins_source_vswitch=False)
    EcscloneInstanceGroup(scope, "Instances", ..., **settings.arguments)
    settings.warnings        # ('deployment set ds-bp1... of cn-hangzhou is not carried to cn-shanghai ...',)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from cdk_clone.bindings import InstanceGroupDataDisk
from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.constructs.props import CloneOptions
from cdk_clone.lookup.snapshot import DiskSnapshot, SourceInstance
from cdk_clone.naming import (
    MAX_HOST_NAME,
    MAX_INSTANCE_NAME,
    MAX_WINDOWS_HOST_NAME,
    RESERVED_TAG_COUNT,
    NameRuleError,
    batch_pattern,
    check_host_name,
    check_tags,
)

__all__ = ["CopiedSettings", "copied_settings", "user_data_base64"]


@dataclass(frozen=True)
class CopiedSettings:
    """The instance group's keyword arguments for the copied settings, and what was not carried (warnings)."""

    arguments: dict[str, Any]
    warnings: tuple[str, ...]


def user_data_base64(text: str) -> str:
    """User data as RunInstances takes it."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _given(value: Any, source_value: Any) -> Any:
    """The prop when given, else the source's; ``""`` given means none."""
    if value is None:
        return source_value
    return value or None


def copied_settings(
    owner: str,
    source: SourceInstance,
    props: CloneOptions,
    *,
    destination_region: str,
    joins_source_vswitch: bool,
) -> CopiedSettings:
    """The settings of the clones of ``source``; raises :class:`CloneConfigurationError` for what cannot work."""
    cross_region = destination_region != source.region_id
    warnings: list[str] = []
    charge_type = props.instance_charge_type or source.instance_charge_type
    prepaid = charge_type == "PrePaid"
    system_disk = source.system_disk
    arguments: dict[str, Any] = {
        **_names(owner, source, props),
        "tags": _tags(owner, source, props),
        "description": _given(props.description, source.description or None),
        "key_pair_name": _given(props.key_pair_name, source.key_pair_name),
        # RAM roles and resource groups belong to the account, not to a region.
        "ram_role_name": _given(props.ram_role_name, source.ram_role_name),
        "resource_group_id": props.resource_group_id or source.resource_group_id,
        "user_data": (
            (user_data_base64(props.user_data) if props.user_data else None)
            if props.user_data is not None
            else source.user_data
        ),
        "deletion_protection": _given(props.deletion_protection, source.deletion_protection or None),
        "internet_charge_type": props.internet_charge_type or source.internet_charge_type,
        "internet_max_bandwidth_out": _given(props.internet_max_bandwidth_out, source.internet_max_bandwidth_out or None),
        "internet_max_bandwidth_in": props.internet_max_bandwidth_in or source.internet_max_bandwidth_in,
        "instance_charge_type": charge_type,
        "period": (props.period or source.period or 1) if prepaid else None,
        "period_unit": (props.period_unit or source.period_unit or "Month") if prepaid else None,
        "auto_renew": (_given(props.auto_renew, source.auto_renew or None)) if prepaid else None,
        "auto_renew_period": source.auto_renew_period if prepaid and props.auto_renew is None else None,
        **_spot(source, props, prepaid),
        "deployment_set_id": _deployment_set(source, props, cross_region, destination_region, warnings),
        "credit_specification": source.credit_specification,
        "http_tokens": source.http_tokens,
        "http_endpoint": source.http_endpoint,
        "ipv6_address_count": _ipv6(source, joins_source_vswitch, warnings),
        "system_disk_category": system_disk.category if system_disk else None,
        "system_disk_size": system_disk.size_gib if system_disk else None,
        "system_disk_performance_level": system_disk.performance_level if system_disk else None,
        "data_disk": _data_disks(owner, source, props, cross_region, destination_region, warnings) or None,
    }
    _network_interfaces(source, warnings)
    if cross_region and not props.include_instance_data and source.data_disks:
        warnings.append(
            f"{source.instance_id} is cloned to another region through an image, which holds every disk: its "
            f"{len(source.data_disks)} data disk(s) are copied with their data although include_instance_data is "
            "False"
        )
    return CopiedSettings(arguments=arguments, warnings=tuple(warnings))


def _names(owner: str, source: SourceInstance, props: CloneOptions) -> dict[str, Any]:
    """Distinct names for a batch: a name without a [begin,bits] pattern gets ``-[1,3]`` when amount > 1."""
    windows = source.os_type == "windows"
    host_limit = MAX_WINDOWS_HOST_NAME if windows else MAX_HOST_NAME
    if props.instance_name is not None:
        instance_name = batch_pattern(props.instance_name, props.amount, max_length=None)
    else:
        instance_name = batch_pattern(source.instance_name, props.amount, max_length=MAX_INSTANCE_NAME)
    host_name: str | None
    if props.host_name is not None:
        host_name = batch_pattern(props.host_name, props.amount, max_length=None)
        try:
            check_host_name(host_name, amount=props.amount, windows=windows)
        except NameRuleError as error:
            system = "a Windows source" if windows else "the source"
            raise CloneConfigurationError(f"{owner}: host_name={props.host_name!r} for {system}: {error}") from None
    elif source.host_name:
        host_name = batch_pattern(source.host_name, props.amount, max_length=host_limit)
    else:
        host_name = None
    return {"instance_name": instance_name, "host_name": host_name}


def _tags(owner: str, source: SourceInstance, props: CloneOptions) -> dict[str, str] | None:
    tags = {**source.tags, **(props.tags or {})}
    try:
        check_tags(tags, reserved=RESERVED_TAG_COUNT)
    except NameRuleError as error:
        raise CloneConfigurationError(
            f"{owner}: the clones' tags (the source's {len(source.tags)} with the {len(props.tags or {})} given) "
            f"{error}: give fewer tags"
        ) from None
    return tags or None


def _spot(source: SourceInstance, props: CloneOptions, prepaid: bool) -> dict[str, Any]:
    if prepaid:  # a subscription is never a spot instance
        return {"spot_strategy": None, "spot_price_limit": None, "spot_duration": None}
    strategy = props.spot_strategy or source.spot_strategy
    if strategy == "NoSpot":
        return {"spot_strategy": None, "spot_price_limit": None, "spot_duration": None}
    limit = props.spot_price_limit if props.spot_price_limit is not None else source.spot_price_limit
    return {
        "spot_strategy": strategy,
        "spot_price_limit": limit if strategy == "SpotWithPriceLimit" else None,
        "spot_duration": source.spot_duration,
    }


def _deployment_set(
    source: SourceInstance, props: CloneOptions, cross_region: bool, destination: str, warnings: list[str]
) -> str | None:
    if props.deployment_set_id is not None:
        return props.deployment_set_id
    if source.deployment_set_id is None or not cross_region:
        return source.deployment_set_id
    warnings.append(
        f"deployment set {source.deployment_set_id} of {source.region_id} is not carried to {destination} "
        "(a deployment set belongs to one region): the clones are placed without one; give deployment_set_id "
        f"of a set in {destination} to place them in it"
    )
    return None


def _ipv6(source: SourceInstance, joins_source_vswitch: bool, warnings: list[str]) -> int | None:
    if not source.ipv6_address_count:
        return None
    if joins_source_vswitch:
        return source.ipv6_address_count
    warnings.append(
        f"{source.instance_id} has {source.ipv6_address_count} IPv6 address(es); its clones get none: they join "
        "another vSwitch, which has no IPv6 block of the source's (assign IPv6 addresses after enabling IPv6 there)"
    )
    return None


def _network_interfaces(source: SourceInstance, warnings: list[str]) -> None:
    if source.secondary_private_ip_count:
        warnings.append(
            f"{source.instance_id} has {source.secondary_private_ip_count} secondary private IP(s) on its primary "
            "network interface; they are not copied (they are addresses of the source's vSwitch): assign them to "
            "the clones afterwards if needed"
        )
    if source.secondary_network_interface_ids:
        warnings.append(
            f"{source.instance_id} has network interfaces beyond the primary one "
            f"({', '.join(source.secondary_network_interface_ids)}); they are not copied: an ENI belongs to one "
            "instance, so create and attach new ones to the clones if needed"
        )


def _data_disks(
    owner: str,
    source: SourceInstance,
    props: CloneOptions,
    cross_region: bool,
    destination: str,
    warnings: list[str],
) -> list[InstanceGroupDataDisk]:
    """The clones' data disks, in the source's device order: from the image's snapshots when the data is
    copied (the ``device`` names the image's disk), else new empty disks of the same shape."""
    from_image = props.include_instance_data or cross_region
    encrypted = [d for d in source.disks if d.encrypted]
    if cross_region and encrypted and props.destination_kms_key_id is None:
        names = ", ".join(f"{d.disk_id} ({d.device or d.kind})" for d in encrypted)
        raise CloneConfigurationError(
            f"{owner}: source {source.instance_id} has encrypted disk(s) {names}; KMS keys belong to one region, "
            f"so cloning to {destination} needs a key there: give destination_kms_key_id=<a KMS key ID of "
            f"{destination}>"
        )
    # An image with encrypted snapshots crosses regions only as an encrypted copy, and a copy is encrypted
    # whole: every disk of the clones is then encrypted with the destination's key.
    encrypt_all = cross_region and bool(encrypted)
    plain = [d for d in source.disks if not d.encrypted]
    if encrypt_all and plain:
        warnings.append(
            f"the image of {source.instance_id} is copied to {destination} encrypted as a whole (it holds encrypted "
            f"disks): its disk(s) {', '.join(f'{d.disk_id} ({d.device or d.kind})' for d in plain)}, not encrypted "
            f"on the source, are encrypted on the clones with {props.destination_kms_key_id}"
        )
    return [_data_disk(disk, props, cross_region, from_image, encrypt_all) for disk in source.data_disks]


def _data_disk(
    disk: DiskSnapshot, props: CloneOptions, cross_region: bool, from_image: bool, encrypt_all: bool
) -> InstanceGroupDataDisk:
    encrypted = disk.encrypted or encrypt_all
    kms_key_id = (props.destination_kms_key_id if cross_region else disk.kms_key_id) if encrypted else None
    return InstanceGroupDataDisk(
        category=disk.category,
        size=disk.size_gib,
        performance_level=disk.performance_level,
        encrypted=True if encrypted else None,
        kms_key_id=kms_key_id,
        delete_with_instance=disk.delete_with_instance,
        device=disk.device if from_image and disk.device else None,
    )
