"""cdk-clone: clone Alibaba Cloud ECS instances as infrastructure as code.

Example::

    from cdk_clone import InstanceClone
    from cdk_clone._cdktf import App, TerraformStack

    app = App()
    stack = TerraformStack(app, "clones")
    InstanceClone(stack, "web", source_instance_id="i-bp1d3m0s0urce00001", source_region="cn-hangzhou",
                  destination_region="cn-shanghai", amount=2)
    app.synth()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdk_clone.bindings import EcsCloneProvider
    from cdk_clone.constructs import (
        CloneConfigurationError,
        CloneImage,
        CloneTask,
        InstanceClone,
        SecurityGroupReplica,
        VpcReplica,
        VSwitchReplica,
    )
    from cdk_clone.lookup.snapshot import DiskSnapshot, SecurityGroupRule, SecurityGroupSnapshot, SourceInstance

from cdk_clone._version import __version__

__all__ = [
    "CloneConfigurationError",
    "CloneImage",
    "CloneTask",
    "DiskSnapshot",
    "EcsCloneProvider",
    "InstanceClone",
    "SecurityGroupReplica",
    "SecurityGroupRule",
    "SecurityGroupSnapshot",
    "SourceInstance",
    "VSwitchReplica",
    "VpcReplica",
    "__version__",
]

# Loaded on first use: the provider and the API client import this package too, and must not pay for
# cdktf (which starts a Node process) or pydantic models they never use.
_HOMES = {
    "EcsCloneProvider": "cdk_clone.bindings",
    "CloneConfigurationError": "cdk_clone.constructs",
    "CloneImage": "cdk_clone.constructs",
    "CloneTask": "cdk_clone.constructs",
    "InstanceClone": "cdk_clone.constructs",
    "SecurityGroupReplica": "cdk_clone.constructs",
    "VSwitchReplica": "cdk_clone.constructs",
    "VpcReplica": "cdk_clone.constructs",
    "DiskSnapshot": "cdk_clone.lookup.snapshot",
    "SecurityGroupRule": "cdk_clone.lookup.snapshot",
    "SecurityGroupSnapshot": "cdk_clone.lookup.snapshot",
    "SourceInstance": "cdk_clone.lookup.snapshot",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'cdk_clone' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
