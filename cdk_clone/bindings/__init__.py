"""Typed cdktf classes (L1) for the ``ecsclone`` provider, generated from :mod:`cdk_clone.schema`.

Use them directly for anything the clone constructs do not make, e.g. a VPC to clone into::

    from cdk_clone.bindings import EcsCloneProvider, EcscloneVpc, EcscloneVswitch
    shanghai = EcsCloneProvider(stack, "shanghai", region="cn-shanghai", alias="cn-shanghai")
    vpc = EcscloneVpc(stack, "vpc", cidr_block="10.0.0.0/8", provider=shanghai)
    EcscloneVswitch(stack, "vsw", vpc_id=vpc.id, zone_id="cn-shanghai-b", cidr_block="10.1.0.0/16", provider=shanghai)

Each class names its Terraform type as cdktf's generated bindings do: ``EcscloneVpc.TF_RESOURCE_TYPE`` is
``"ecsclone_vpc"`` (``"ecsclone"`` for the provider), e.g. for ``Testing.to_have_resource_with_properties``.
"""

from __future__ import annotations

from cdk_clone.bindings._generated import (
    DataEcscloneInstance,
    EcsCloneAssumeRole,
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
    "EcsCloneAssumeRole",
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
