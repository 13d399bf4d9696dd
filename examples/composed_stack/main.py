"""A clone whose outputs feed other resources: a database subnet and group built around the clones.

The clones go to another region (network replicated); this app adds a second vSwitch in the clones' VPC
and a database security group that lets in the clones' group and the first clone's address.
"""

from __future__ import annotations

import os

from cdktn import App, Fn, TerraformOutput, TerraformStack

from cdk_clone import InstanceClone
from cdk_clone.bindings import EcscloneSecurityGroup, EcscloneVswitch, SecurityGroupIngress
from cdk_clone.constructs import provider_for_region

SOURCE_INSTANCE_ID = os.environ.get("CDK_CLONE_SOURCE_INSTANCE_ID", "i-bp1d3m0s0urce00001")
SOURCE_REGION = os.environ.get("CDK_CLONE_SOURCE_REGION", "cn-hangzhou")
DESTINATION_REGION = os.environ.get("CDK_CLONE_DESTINATION_REGION", "cn-shanghai")


def build(app: App) -> TerraformStack:
    stack = TerraformStack(app, "composed-stack")
    web = InstanceClone(
        stack,
        "web",
        source_instance_id=SOURCE_INSTANCE_ID,
        source_region=SOURCE_REGION,
        destination_region=DESTINATION_REGION,
        amount=2,
    )
    assert web.vswitch_replica is not None  # another region, no network given: replicated
    destination = provider_for_region(stack, DESTINATION_REGION)
    EcscloneVswitch(
        stack,
        "database-subnet",
        vpc_id=web.vpc_id,
        zone_id=web.vswitch_replica.zone_id,
        cidr_block="192.168.200.0/24",
        vswitch_name="database",
        provider=destination,
    )
    database = EcscloneSecurityGroup(
        stack,
        "database",
        vpc_id=web.vpc_id,
        security_group_name="database",
        ingress=[
            SecurityGroupIngress(
                ip_protocol="tcp", port_range="5432/5432", source_security_group_id=web.security_group_id
            ),
            SecurityGroupIngress(
                ip_protocol="tcp",
                port_range="6432/6432",
                cidr_ip=Fn.join("", [Fn.element(web.private_ips, 0), "/32"]),
                description="pgbouncer admin from the first clone",
            ),
        ],
        provider=destination,
    )
    TerraformOutput(stack, "database_security_group_id", value=database.id)
    TerraformOutput(stack, "web_private_ips", value=web.private_ips)
    return stack


if __name__ == "__main__":
    application = App()
    build(application)
    application.synth()
