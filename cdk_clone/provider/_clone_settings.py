"""The settings an instance group copies from a source beyond type, image and network: how they are checked,
sent to RunInstances, changed in place, read back, and how deletion protection is lifted before a release.

Kept apart from :mod:`cdk_clone.provider.instance_group` (which calls these functions at its hooks), so the
launch and release paths and these settings change independently.

Example::

    launch_settings({"key_pair_name": "ops", "data_disk": [{"category": "cloud_essd", "size": 100}]})
    # {'KeyPairName': 'ops', ..., 'DataDisk': [{'Category': 'cloud_essd', 'Size': 100, ...}]}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.api import AlibabaCloudClient

from ._resource import is_known

__all__ = [
    "DISK_CATEGORIES",
    "check_settings",
    "data_disk_parameters",
    "launch_settings",
    "lift_deletion_protection",
    "observed_settings",
    "update_settings",
]

DISK_CATEGORIES = ("cloud", "cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto", "cloud_essd_entry")
_PERFORMANCE_LEVELS = ("PL0", "PL1", "PL2", "PL3")
_CHOICES: dict[str, tuple[str, ...]] = {
    "internet_charge_type": ("PayByTraffic", "PayByBandwidth"),
    "spot_strategy": ("NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"),
    "credit_specification": ("Standard", "Unlimited"),
    "http_tokens": ("optional", "required"),
    "http_endpoint": ("enabled", "disabled"),
    "system_disk_performance_level": _PERFORMANCE_LEVELS,
}
# Settings RunInstances takes as they are: attribute -> parameter.
_PLAIN_PARAMETERS = {
    "description": "Description",
    "key_pair_name": "KeyPairName",
    "ram_role_name": "RamRoleName",
    "user_data": "UserData",
    "deletion_protection": "DeletionProtection",
    "internet_charge_type": "InternetChargeType",
    "spot_strategy": "SpotStrategy",
    "spot_price_limit": "SpotPriceLimit",
    "resource_group_id": "ResourceGroupId",
    "deployment_set_id": "DeploymentSetId",
    "credit_specification": "CreditSpecification",
    "http_tokens": "HttpTokens",
    "http_endpoint": "HttpEndpoint",
    "system_disk_performance_level": "SystemDisk.PerformanceLevel",
}
_WHOLE_PARAMETERS = {
    "internet_max_bandwidth_in": "InternetMaxBandwidthIn",
    "auto_renew_period": "AutoRenewPeriod",
    "spot_duration": "SpotDuration",
    "ipv6_address_count": "Ipv6AddressCount",
}


def _known(values: dict[str, Any], name: str) -> Any:
    value = values.get(name)
    return value if is_known(value) else None


def check_settings(diags: Diagnostics, config: Config) -> None:
    """Refuse values RunInstances would refuse, pointing at the attribute."""
    for name, allowed in _CHOICES.items():
        value = _known(config, name)
        if value is not None and value not in allowed:
            diags.add_error(f"Invalid {name}", f"{name} = {value!r}; use one of {', '.join(allowed)}.", [name])
    description = _known(config, "description")
    if description is not None and not 2 <= len(description) <= 256:
        diags.add_error("Invalid description", "description must be 2 to 256 characters long.", ["description"])
    if _known(config, "spot_price_limit") is not None and _known(config, "spot_strategy") != "SpotWithPriceLimit":
        diags.add_error(
            "spot_price_limit without SpotWithPriceLimit",
            'spot_price_limit is the highest price of spot_strategy = "SpotWithPriceLimit"; set both, or neither.',
            ["spot_price_limit"],
        )
    if _known(config, "spot_strategy") not in (None, "NoSpot") and _known(config, "instance_charge_type") == "PrePaid":
        diags.add_error(
            "Spot instances are pay-as-you-go",
            'spot_strategy needs instance_charge_type = "PostPaid".',
            ["spot_strategy"],
        )
    disks = config.get("data_disk")
    for index, disk in enumerate(disks if isinstance(disks, list) else []):
        _check_disk(diags, index, disk)


def _check_disk(diags: Diagnostics, index: int, disk: dict[str, Any]) -> None:
    where: list[Any] = ["data_disk", (index,)]  # an element step is a one-item tuple
    category = _known(disk, "category")
    if category is not None and category not in DISK_CATEGORIES:
        diags.add_error(
            "Invalid data disk category",
            f"data_disk {index + 1}: category = {category!r}; use one of {', '.join(DISK_CATEGORIES)}.",
            [*where, "category"],
        )
    size = _known(disk, "size")
    if size is not None and not (float(size).is_integer() and 20 <= size <= 32768):
        diags.add_error(
            "Invalid data disk size", f"data_disk {index + 1}: size = {size}; use 20 to 32768 GiB.", [*where, "size"]
        )
    level = _known(disk, "performance_level")
    if level is not None and (level not in _PERFORMANCE_LEVELS or category not in (None, "cloud_essd")):
        diags.add_error(
            "Invalid performance level",
            f"data_disk {index + 1}: performance_level = {level!r} is for cloud_essd disks: PL0 to PL3.",
            [*where, "performance_level"],
        )
    if _known(disk, "kms_key_id") is not None and _known(disk, "encrypted") is False:
        diags.add_error(
            "KMS key of an unencrypted disk",
            f"data_disk {index + 1}: kms_key_id is given but encrypted = false.",
            [*where, "kms_key_id"],
        )


def data_disk_parameters(disks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """RunInstances ``DataDisk.N`` from the ``data_disk`` blocks, in order. A block naming a ``device`` sets up
    the image's data disk at that device (made from its snapshot); the others are new empty disks."""
    parameters = []
    for disk in disks:
        size = _known(disk, "size")
        parameters.append(
            {
                "Device": _known(disk, "device"),
                "Category": _known(disk, "category"),
                "Size": int(size) if size is not None else None,
                "PerformanceLevel": _known(disk, "performance_level"),
                "Encrypted": _known(disk, "encrypted"),
                "KMSKeyId": _known(disk, "kms_key_id"),
                "DeleteWithInstance": _known(disk, "delete_with_instance"),
            }
        )
    return parameters


def launch_settings(planned: dict[str, Any]) -> dict[str, Any]:
    """The RunInstances parameters of the copied settings (absent settings are left to the API's defaults)."""
    parameters: dict[str, Any] = {param: _known(planned, name) for name, param in _PLAIN_PARAMETERS.items()}
    for name, param in _WHOLE_PARAMETERS.items():
        value = _known(planned, name)
        parameters[param] = int(value) if value is not None else None
    if planned.get("instance_charge_type") == "PrePaid":
        parameters["AutoRenew"] = _known(planned, "auto_renew")
    else:
        parameters["AutoRenewPeriod"] = None  # renewal is a subscription's
    disks = planned.get("data_disk")
    parameters["DataDisk"] = data_disk_parameters(disks) if isinstance(disks, list) and disks else None
    return parameters


def update_settings(client: AlibabaCloudClient, current: State, planned: State, ids: list[str]) -> None:
    """Change in place what ModifyInstanceAttribute can: the description and deletion protection."""
    changes = {
        param: planned.get(name)
        for name, param in (("description", "Description"), ("deletion_protection", "DeletionProtection"))
        if planned.get(name) is not None and planned.get(name) != current.get(name)
    }
    if changes:
        for instance_id in ids:
            client.ecs("ModifyInstanceAttribute", {"InstanceId": instance_id, **changes})


def observed_settings(current: State, instances: list[dict[str, Any]]) -> dict[str, Any]:
    """The description and deletion protection the state shows after a read: as configured, unless an
    instance's differs (changed elsewhere), so the next plan sets it back. Unset settings stay unset."""
    observed: dict[str, Any] = {}
    for name, key in (("description", "Description"), ("deletion_protection", "DeletionProtection")):
        configured = current.get(name)
        if configured is None:
            continue
        actual = [i.get(key) for i in instances if key in i]
        observed[name] = next((value for value in actual if value != configured), configured)
    return observed


def lift_deletion_protection(client: AlibabaCloudClient, instances: dict[str, dict[str, Any]]) -> None:
    """Turn deletion protection off on the ``instances`` (DescribeInstances rows by ID) that have it, right
    before they are released: it exists to stop releases by hand, not the release Terraform was asked for."""
    for instance_id, row in instances.items():
        if row.get("DeletionProtection") is True or str(row.get("DeletionProtection")).lower() == "true":
            client.ecs("ModifyInstanceAttribute", {"InstanceId": instance_id, "DeletionProtection": False})
