"""One account's backend in one region: every resource family's rules over one shared state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..exceptions import InvalidParameter
from .billing import BillingRules
from .images import ImageRules
from .instances import InstanceRules
from .security_groups import SecurityGroupRules
from .tags import TagFilter, matches_tags
from .validation import MAX_TAGS, check_tags
from .vpcs import VpcRules

__all__ = ["ECS_TAGGABLE_TYPES", "TAGGABLE_RESOURCE_TYPES", "VPC_TAGGABLE_TYPES", "RegionBackend", "TaggedResource"]

# Resource types as the tag actions name them (lower case here; the VPC API accepts any case).
ECS_TAGGABLE_TYPES: tuple[str, ...] = ("instance", "image", "securitygroup")
VPC_TAGGABLE_TYPES: tuple[str, ...] = ("vpc", "vswitch")
TAGGABLE_RESOURCE_TYPES: tuple[str, ...] = ECS_TAGGABLE_TYPES + VPC_TAGGABLE_TYPES

#: One row of ListTagResources: (resource ID, resource type, tag key, tag value).
TaggedResource = tuple[str, str, str, str]


class RegionBackend(VpcRules, SecurityGroupRules, BillingRules, InstanceRules, ImageRules):
    """ECS and VPC state of one account in one region (moto style: one mixin per resource family).

    Example::

        backend = FakeCloud("demo").backend("testid", "cn-hangzhou")
        vpc = backend.create_vpc("10.0.0.0/8", "replica")
        backend.get_vpc(vpc.vpc_id).cidr_block      # '10.0.0.0/8'
    """

    # Tags (TagResources / UntagResources) -------------------------------------------------------------
    def _tag_holder(self, resource_type: str, resource_id: str) -> dict[str, str]:
        if resource_type == "instance":
            instance = self.get_instance(resource_id)
            instance.view_cache = None  # its rendered view shows the tags
            return instance.tags
        if resource_type == "image":
            return self.get_own_image(resource_id).tags
        if resource_type == "securitygroup":
            return self.get_group(resource_id).tags
        if resource_type == "vpc":
            return self.get_vpc(resource_id).tags
        if resource_type == "vswitch":
            return self.get_vswitch(resource_id).tags
        raise InvalidParameter(
            f"ResourceType {resource_type[:30]!r} is not supported: use one of {', '.join(TAGGABLE_RESOURCE_TYPES)}."
        )

    def _taggable(self, resource_type: str) -> Iterable[tuple[str, dict[str, str]]]:
        """(ID, tags) of every resource of ``resource_type`` this account holds here, in creation order."""
        families: dict[str, Iterable[tuple[str, dict[str, str]]]] = {
            "instance": ((i.instance_id, i.tags) for i in self.instances.values()),
            "image": ((i.image_id, i.tags) for i in self.images.values()),
            "securitygroup": ((g.group_id, g.tags) for g in self.security_groups.values()),
            "vpc": ((v.vpc_id, v.tags) for v in self.vpcs.values()),
            "vswitch": ((v.vswitch_id, v.tags) for v in self.vswitches.values()),
        }
        if resource_type not in families:
            raise InvalidParameter(
                f"ResourceType {resource_type[:30]!r} is not supported: use one of {', '.join(TAGGABLE_RESOURCE_TYPES)}."
            )
        return families[resource_type]

    def list_tag_resources(
        self, resource_type: str, resource_ids: list[str] | None, filters: TagFilter | None
    ) -> list[TaggedResource]:
        """Every tag of the resources named (or of every resource of the type) that pass ``filters``.

        Resources that do not exist are left out, as the API does.
        """
        wanted = set(resource_ids) if resource_ids else None
        rows: list[TaggedResource] = []
        for resource_id, tags in self._taggable(resource_type):
            if (wanted is None or resource_id in wanted) and tags and matches_tags(tags, filters):
                rows.extend((resource_id, resource_type, key, value) for key, value in tags.items())
        return rows

    def tag_resources(self, resource_type: str, resource_ids: list[str], tags: dict[str, str]) -> None:
        check_tags(tags)
        holders = [self._tag_holder(resource_type, r) for r in resource_ids]
        for holder in holders:
            if len(holder.keys() | tags.keys()) > MAX_TAGS:
                raise InvalidParameter(f"A resource takes at most {MAX_TAGS} tags.")
        for holder in holders:
            holder.update(tags)

    def untag_resources(self, resource_type: str, resource_ids: list[str], keys: list[str], remove_all: bool) -> None:
        holders = [self._tag_holder(resource_type, r) for r in resource_ids]
        for holder in holders:
            if remove_all:
                holder.clear()
            for key in keys:
                holder.pop(key, None)

    # World records ------------------------------------------------------------------------------------
    def load(self, record: dict[str, Any]) -> None:
        """Add the resources of a region record (the shape :meth:`dump` returns)."""
        if "instance_quota" in record:
            self.instance_quota = int(record["instance_quota"])
        for key in record.get("kms_keys") or []:
            self.load_kms_key(key)
        for vpc in record.get("vpcs") or []:
            self.load_vpc(vpc)
        for vswitch in record.get("vswitches") or []:
            self.load_vswitch(vswitch)
        for group in record.get("security_groups") or []:
            self.load_security_group(group)
        for key_pair in record.get("key_pairs") or []:
            self.load_key_pair(key_pair)
        for deployment_set in record.get("deployment_sets") or []:
            self.load_deployment_set(deployment_set)
        for snapshot in record.get("snapshots") or []:
            self.load_snapshot(snapshot)
        for image in record.get("images") or []:
            self.load_image(image)
        for instance in record.get("instances") or []:
            self.load_instance(instance)
        for disk in record.get("disks") or []:  # disks attached to no instance
            self.load_disk(disk, disk.get("zone_id") or self.region.zone_ids[0])
        for entry in record.get("client_tokens") or []:
            self.client_tokens[(entry["action"], entry["token"])] = (entry["fingerprint"], entry["result"])
        self.load_contention(record)

    def dump(self) -> dict[str, Any]:
        return {
            "instance_quota": self.instance_quota,
            "kms_keys": [k.to_record() for k in self.kms_keys.values()],
            "vpcs": [v.to_record() for v in self.vpcs.values()],
            "vswitches": [v.to_record() for v in self.vswitches.values()],
            "security_groups": [g.to_record() for g in self.security_groups.values()],
            "key_pairs": [k.to_record() for k in self.key_pairs.values()],
            "deployment_sets": [d.to_record() for d in self.deployment_sets.values()],
            "snapshots": [s.to_record() for s in self.snapshots.values()],
            "images": [i.to_record() for i in self.images.values()],
            "instances": [i.to_record() for i in self.instances.values()],
            "disks": [d.to_record() for d in self.disks.values() if not d.instance_id],
            "client_tokens": [
                {"action": action, "token": token, "fingerprint": fingerprint, "result": result}
                for (action, token), (fingerprint, result) in self.client_tokens.items()
            ],
            **self.dump_contention(),
        }

    # Deletions that took time ---------------------------------------------------------------------------
    def finish_departure(self, kind: str, object_id: str, gone_at: float) -> None:
        if kind == "instance":
            self.finish_release(object_id, gone_at)
        elif kind == "vswitch":
            self.finish_vswitch_delete(object_id)
        else:
            self.vpcs.pop(object_id, None)
