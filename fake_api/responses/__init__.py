"""Action handlers: read parameters, call the models, shape the answer as the real API does.

Importing this package registers every handler in :data:`ACTIONS`.
"""

from __future__ import annotations

from . import (  # noqa: F401  (register their actions)
    catalogue,
    deployment_sets,
    disks,
    images,
    instance_access,
    instances,
    key_pairs,
    regions,
    security_groups,
    snapshots,
    sts,
    tags,
    vpcs,
)
from .base import ACTIONS, ECS_VERSION, VPC_VERSION
from .sts import ANONYMOUS_ACTIONS, STS_VERSION

__all__ = [
    "ACTIONS",
    "ANONYMOUS_ACTIONS",
    "ECS_VERSION",
    "IDEMPOTENT_ACTIONS",
    "STS_VERSION",
    "VPC_VERSION",
    "is_mutating",
]

# Actions named so only read (the API's naming is consistent: every other action changes something).
_READING_PREFIXES = ("Describe", "List", "Get", "Query")


def is_mutating(action: str) -> bool:
    """Whether ``action`` changes something (CreateVpc, AuthorizeSecurityGroup...) rather than reads."""
    return not action.startswith(_READING_PREFIXES)


#: Actions that honour ClientToken; the token is remembered per account and RegionId.
IDEMPOTENT_ACTIONS: frozenset[str] = frozenset(
    {
        "RunInstances",
        "CreateImage",
        "CopyImage",
        "CreateSecurityGroup",
        "AuthorizeSecurityGroup",
        "AuthorizeSecurityGroupEgress",
        "CreateVpc",
        "CreateVSwitch",
        "CreateDeploymentSet",
        "ModifyInstanceChargeType",
    }
)
