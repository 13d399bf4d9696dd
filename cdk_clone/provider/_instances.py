"""Looking instances up by ID, 100 per DescribeInstances call (the API's limit for ``InstanceIds``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._batching import batcher

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = ["MAX_IDS_PER_CALL", "describe_instance", "describe_instances"]

MAX_IDS_PER_CALL = 100


def describe_instances(client: AlibabaCloudClient, instance_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The instances that still exist among ``instance_ids``, by ID (missing ones are simply absent).

    Up to 100 IDs a call; look-ups of other resources made at the same moment share the call (see
    :mod:`cdk_clone.provider._batching`).
    """
    found: dict[str, dict[str, Any]] = {}
    shared = batcher(client, "DescribeInstances", lambda ids: _describe_instances(client, ids))
    for start in range(0, len(instance_ids), MAX_IDS_PER_CALL):
        found.update(shared.get(list(instance_ids[start : start + MAX_IDS_PER_CALL])))
    return found


def _describe_instances(client: AlibabaCloudClient, instance_ids: list[str]) -> dict[str, dict[str, Any]]:
    answer = client.ecs("DescribeInstances", {"InstanceIds": json.dumps(instance_ids), "MaxResults": MAX_IDS_PER_CALL})
    return {
        instance["InstanceId"]: instance
        for instance in answer.get("Instances", {}).get("Instance", [])
        if instance.get("InstanceId") in instance_ids
    }


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
