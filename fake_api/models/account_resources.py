"""What an account holds in every region at once: RAM roles and resource groups.

RAM (roles) and Resource Manager (resource groups) are global services, not regional ones: an instance of any
region can take a role of its account, and any resource of the account can join one of its resource groups.
The fake has no RAM or Resource Manager API; roles and groups are seeded (world records under an account,
``FakeCloud.seed_ram_role`` / ``seed_resource_group``, or the control API), and ECS uses them:
``RamRoleName`` on RunInstances and Attach/Detach/DescribeInstanceRamRole, ``ResourceGroupId`` on
RunInstances, CreateKeyPair, ImportKeyPair and CreateDeploymentSet.

Every account has a default resource group (``rg-acfm`` + a stable tail), as on the real cloud.

Example::

    cloud = FakeCloud("empty")
    cloud.seed_ram_role(name="EcsReadOnly")                    # a role ECS may assume
    cloud.seed_ram_role(name="FcOnly", services=["fc.aliyuncs.com"])
    cloud.accounts["testid"].ram_roles["EcsReadOnly"].arn      # 'acs:ram::1234...:role/ecsreadonly'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ECS_SERVICE", "RamRole", "ResourceGroup", "account_uid", "check_ram_role_name", "default_resource_group"]

ECS_SERVICE = "ecs.aliyuncs.com"
_ROLE_NAME = re.compile(r"^[A-Za-z0-9.\-]{1,64}$")


def account_uid(access_key_id: str) -> str:
    """A stable 16-digit account ID for an AccessKeyId (the fake's accounts have no other identity)."""
    digest = int(hashlib.sha256(access_key_id.encode()).hexdigest(), 16)
    return str(10**15 + digest % (9 * 10**15))


def check_ram_role_name(name: str) -> None:
    """RAM's rule for role names: 1 to 64 letters, digits, periods and hyphens."""
    if not _ROLE_NAME.match(name):
        raise ValueError(f"RAM role name {name[:70]!r} is not valid: 1 to 64 letters, digits, periods (.) and hyphens (-)")


@dataclass(slots=True)
class RamRole:
    """A RAM role of the account; ECS can attach it to instances only if it trusts ``ecs.aliyuncs.com``."""

    name: str
    arn: str
    description: str = ""
    services: list[str] = field(default_factory=lambda: [ECS_SERVICE])  # trusted services (its trust policy)

    @property
    def trusts_ecs(self) -> bool:
        return ECS_SERVICE in self.services

    def to_record(self) -> dict[str, Any]:
        return {"name": self.name, "arn": self.arn, "description": self.description, "services": list(self.services)}

    @classmethod
    def from_record(cls, record: dict[str, Any], access_key_id: str) -> RamRole:
        name = record["name"]
        check_ram_role_name(name)
        return cls(
            name=name,
            arn=record.get("arn") or f"acs:ram::{account_uid(access_key_id)}:role/{name.lower()}",
            description=record.get("description", ""),
            services=list(record.get("services") or [ECS_SERVICE]),
        )


@dataclass(slots=True)
class ResourceGroup:
    resource_group_id: str
    name: str
    display_name: str = ""

    def to_record(self) -> dict[str, Any]:
        return {"resource_group_id": self.resource_group_id, "name": self.name, "display_name": self.display_name}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ResourceGroup:
        group_id = record["resource_group_id"]
        if not group_id.startswith("rg-"):
            raise ValueError(f"resource group ID {group_id!r} must start with rg-")
        return cls(group_id, record.get("name") or group_id, record.get("display_name", ""))


def default_resource_group(access_key_id: str) -> ResourceGroup:
    """The account's default resource group, with an ID stable for the AccessKeyId."""
    tail = hashlib.sha256(f"rg/{access_key_id}".encode()).hexdigest()[:11]
    return ResourceGroup(f"rg-acfm{tail}", "default", "Default Resource Group")
