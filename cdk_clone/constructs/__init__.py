"""The clone constructs: :class:`InstanceClone`, :class:`CloneTask` and the pieces they are made of.

Example::

    from cdk_clone.constructs import InstanceClone
    InstanceClone(stack, "web", source_instance_id="i-bp1d3m0s0urce00001", source_region="cn-hangzhou",
                  destination_region="cn-shanghai", amount=2)
"""

from __future__ import annotations

from cdk_clone.constructs.clone_task import CloneTask
from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.constructs.image import CloneImage
from cdk_clone.constructs.instance_clone import OUTPUT_PREFIX, InstanceClone, output_name
from cdk_clone.constructs.network import VpcReplica, VSwitchReplica
from cdk_clone.constructs.props import MAX_AMOUNT, MAX_SOURCES, CloneOptions, CloneTaskProps, InstanceCloneProps
from cdk_clone.constructs.providers import provider_for_region
from cdk_clone.constructs.security_group import SecurityGroupReplica

__all__ = [
    "MAX_AMOUNT",
    "MAX_SOURCES",
    "OUTPUT_PREFIX",
    "CloneConfigurationError",
    "CloneImage",
    "CloneOptions",
    "CloneTask",
    "CloneTaskProps",
    "InstanceClone",
    "InstanceCloneProps",
    "SecurityGroupReplica",
    "VSwitchReplica",
    "VpcReplica",
    "output_name",
    "provider_for_region",
]
