"""Typed cdktf classes (L1) for the ``ecsclone`` provider, generated from :mod:`cdk_clone.schema`.

Use them directly for anything the clone constructs do not make, e.g. a VPC to clone into::

    from cdk_clone.bindings import EcsCloneProvider, EcscloneVpc, EcscloneVswitch
    shanghai = EcsCloneProvider(stack, "shanghai", region="cn-shanghai", alias="cn-shanghai")
    vpc = EcscloneVpc(stack, "vpc", cidr_block="10.0.0.0/8", provider=shanghai)
    EcscloneVswitch(stack, "vsw", vpc_id=vpc.id, zone_id="cn-shanghai-b", cidr_block="10.1.0.0/16", provider=shanghai)
"""

from __future__ import annotations

from cdk_clone.bindings._generated import (
    DataEcscloneInstance,
    EcscloneImage,
    EcscloneImageCopy,
    EcscloneInstanceGroup,
    EcsCloneProvider,
    EcscloneSecurityGroup,
    EcscloneSecurityGroupRule,
    EcscloneVpc,
    EcscloneVswitch,
    InstanceGroupDataDisk,
    SecurityGroupEgress,
    SecurityGroupIngress,
    Timeouts,
)

__all__ = [
    "DataEcscloneInstance",
    "EcsCloneProvider",
    "EcscloneImage",
    "EcscloneImageCopy",
    "EcscloneInstanceGroup",
    "EcscloneSecurityGroup",
    "EcscloneSecurityGroupRule",
    "EcscloneVpc",
    "EcscloneVswitch",
    "InstanceGroupDataDisk",
    "SecurityGroupEgress",
    "SecurityGroupIngress",
    "Timeouts",
]
