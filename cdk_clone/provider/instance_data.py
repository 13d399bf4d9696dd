"""Data source ``ecsclone_instance``: an existing instance's placement, type, image, network and system disk.

The full source of a clone (data disks, key pair, RAM role, user data and the other settings) is read at synth
by :mod:`cdk_clone.lookup`, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tf.iface import Config, ReadDataContext, State
from tf.schema import Schema
from tf.utils import Diagnostics

from cdk_clone.schema import INSTANCE_DATA

from ._images import describe_image
from ._instances import describe_instance, private_ip
from ._resource import ResourceError, reporting_failures
from ._schema_bridge import complete_state, tf_schema

if TYPE_CHECKING:
    from ._provider import EcsClonePlugin

__all__ = ["InstanceDataSource"]


class InstanceDataSource:
    """``data "ecsclone_instance" "source" { instance_id = "i-..." }``."""

    def __init__(self, provider: EcsClonePlugin) -> None:
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return INSTANCE_DATA.type_name.removeprefix("ecsclone_")

    @classmethod
    def get_schema(cls) -> Schema:
        return tf_schema(INSTANCE_DATA)

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        instance_id = config.get("instance_id")
        if isinstance(instance_id, str) and not instance_id.startswith("i-"):
            diags.add_error(
                "Invalid instance_id", f"instance_id = {instance_id!r}; instance IDs start with i-.", ["instance_id"]
            )

    def read(self, ctx: ReadDataContext, config: Config) -> State | None:
        with reporting_failures(ctx.diagnostics, INSTANCE_DATA, "read"):
            return complete_state(INSTANCE_DATA, self._describe(config["instance_id"]))
        return None

    def _describe(self, instance_id: str) -> dict[str, Any]:
        client = self.provider.client
        instance = describe_instance(client, instance_id)
        if instance is None:
            raise ResourceError(
                f"Instance {instance_id} was not found",
                f"instance_id = {instance_id!r} names no instance in region {self.provider.region}.",
                path=["instance_id"],
            )
        vpc = instance.get("VpcAttributes", {})
        vpc_id, vswitch_id = vpc.get("VpcId") or None, vpc.get("VSwitchId") or None
        vpc_cidr = vswitch_cidr = None
        if vpc_id:
            vpcs = client.vpc("DescribeVpcs", {"VpcId": vpc_id}).get("Vpcs", {}).get("Vpc", [])
            vpc_cidr = next((v.get("CidrBlock") for v in vpcs if v.get("VpcId") == vpc_id), None)
        if vswitch_id:
            vswitches = client.vpc("DescribeVSwitches", {"VSwitchId": vswitch_id}).get("VSwitches", {})
            vswitch_cidr = next(
                (v.get("CidrBlock") for v in vswitches.get("VSwitch", []) if v.get("VSwitchId") == vswitch_id), None
            )
        disks = client.ecs("DescribeDisks", {"InstanceId": instance_id, "DiskType": "system"})
        system_disk: dict[str, Any] = next(iter(disks.get("Disks", {}).get("Disk", [])), {})
        image_id = instance.get("ImageId")
        image = describe_image(client, image_id) if image_id else None
        network_type = instance.get("InstanceNetworkType") or ("vpc" if vpc_id else "classic")
        bandwidth: Any = instance.get("InternetMaxBandwidthOut")
        tags = instance.get("Tags", {}).get("Tag", [])
        return {
            "id": instance_id,
            "instance_id": instance_id,
            "region_id": instance.get("RegionId") or self.provider.region,
            "zone_id": instance.get("ZoneId"),
            "instance_type": instance.get("InstanceType"),
            "cpu": instance.get("Cpu"),
            "memory": instance.get("Memory"),
            "image_id": image_id,
            # Visible means usable for new instances: shared, deleted or failed images are not.
            "image_visible": image is not None and image.get("Status") == "Available",
            "network_type": network_type,
            "vpc_id": vpc_id,
            "vpc_cidr_block": vpc_cidr,
            "vswitch_id": vswitch_id,
            "vswitch_cidr_block": vswitch_cidr,
            "private_ip": private_ip(instance),
            "security_group_ids": list(instance.get("SecurityGroupIds", {}).get("SecurityGroupId", [])),
            "instance_charge_type": instance.get("InstanceChargeType"),
            "instance_name": instance.get("InstanceName"),
            "host_name": instance.get("HostName"),
            "status": instance.get("Status"),
            "system_disk_category": system_disk.get("Category"),
            "system_disk_size": system_disk.get("Size"),
            "internet_max_bandwidth_out": int(bandwidth) if bandwidth not in (None, "") else None,
            "tags": {t["TagKey"]: t.get("TagValue", "") for t in tags if "TagKey" in t},
        }
