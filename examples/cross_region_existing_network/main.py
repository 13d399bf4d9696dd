"""Clones in another region, in a VPC and vSwitch that this app declares with the typed bindings.

Given a vSwitch and one clone, the clone keeps the source's private IP when it is inside the vSwitch's
CIDR block and free (here the vSwitch uses the source's subnet, 192.168.1.0/24, so it can).
"""

from __future__ import annotations

import os

from cdktn import App, TerraformStack

from cdk_clone import InstanceClone, SourceInstance
from cdk_clone.bindings import EcscloneVpc, EcscloneVswitch
from cdk_clone.constructs import provider_for_region
from cdk_clone.lookup import lookup_zone_ids

SOURCE_INSTANCE_ID = os.environ.get("CDK_CLONE_SOURCE_INSTANCE_ID", "i-bp1d3m0s0urce00001")
SOURCE_REGION = os.environ.get("CDK_CLONE_SOURCE_REGION", "cn-hangzhou")
DESTINATION_REGION = os.environ.get("CDK_CLONE_DESTINATION_REGION", "cn-shanghai")


def build(app: App) -> TerraformStack:
    stack = TerraformStack(app, "cross-region-existing-network")
    source = SourceInstance.lookup(SOURCE_INSTANCE_ID, SOURCE_REGION)
    destination = provider_for_region(stack, DESTINATION_REGION)
    zone_id = os.environ.get("CDK_CLONE_DESTINATION_ZONE_ID") or lookup_zone_ids(DESTINATION_REGION)[0]
    vpc = EcscloneVpc(stack, "vpc", cidr_block="192.168.0.0/16", vpc_name="clones", provider=destination)
    vswitch = EcscloneVswitch(
        stack, "vswitch", vpc_id=vpc.id, zone_id=zone_id, cidr_block="192.168.1.0/24", provider=destination
    )
    InstanceClone(
        stack,
        "web",
        source=source,
        destination_region=DESTINATION_REGION,
        destination_zone_id=zone_id,
        destination_vpc_id=vpc.id,
        destination_vswitch_id=vswitch.id,
    )
    return stack


if __name__ == "__main__":
    application = App()
    build(application)
    application.synth()
