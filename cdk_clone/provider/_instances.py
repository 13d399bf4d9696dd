"""Looking instances up by ID, 100 per DescribeInstances call (the API's limit for ``InstanceIds``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = ["MAX_IDS_PER_CALL", "describe_instance", "describe_instances"]

MAX_IDS_PER_CALL = 100


def describe_instances(client: AlibabaCloudClient, instance_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The instances that still exist among ``instance_ids``, by ID (missing ones are simply absent)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(instance_ids), MAX_IDS_PER_CALL):
        chunk = list(instance_ids[start : start + MAX_IDS_PER_CALL])
        answer = client.ecs("DescribeInstances", {"InstanceIds": json.dumps(chunk), "MaxResults": MAX_IDS_PER_CALL})
        for instance in answer.get("Instances", {}).get("Instance", []):
            if instance.get("InstanceId") in chunk:
                found[instance["InstanceId"]] = instance
    return found


def describe_instance(client: AlibabaCloudClient, instance_id: str) -> dict[str, Any] | None:
    """One instance, or None when it does not exist."""
    return describe_instances(client, [instance_id]).get(instance_id)


def private_ip(instance: dict[str, Any]) -> str | None:
    """The instance's primary private IP in its VPC."""
    addresses = instance.get("VpcAttributes", {}).get("PrivateIpAddress", {}).get("IpAddress", [])
    if addresses:
        return str(addresses[0])
    for nic in instance.get("NetworkInterfaces", {}).get("NetworkInterface", []):
        if nic.get("PrimaryIpAddress"):
            return str(nic["PrimaryIpAddress"])
    return None
