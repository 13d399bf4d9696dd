"""Clones in another region, with the network made for them.

The source is imaged and the image copied to the destination region; a VPC and a vSwitch with the
source's CIDR blocks are made there (in the region's first zone), and the source's security groups are
replicated with their rules. This is the app the project's cdktf.json runs.
"""

from __future__ import annotations

import os

from cdktn import App, TerraformOutput, TerraformStack

from cdk_clone import InstanceClone

SOURCE_INSTANCE_ID = os.environ.get("CDK_CLONE_SOURCE_INSTANCE_ID", "i-bp1d3m0s0urce00001")
SOURCE_REGION = os.environ.get("CDK_CLONE_SOURCE_REGION", "cn-hangzhou")
DESTINATION_REGION = os.environ.get("CDK_CLONE_DESTINATION_REGION", "cn-shanghai")


def build(app: App) -> TerraformStack:
    stack = TerraformStack(app, "cross-region-auto-network")
    web = InstanceClone(
        stack,
        "web",
        source_instance_id=SOURCE_INSTANCE_ID,
        source_region=SOURCE_REGION,
        destination_region=DESTINATION_REGION,
        amount=2,
    )
    TerraformOutput(stack, "private_ips", value=web.private_ips)
    TerraformOutput(stack, "instance_type", value=web.effective_instance_type)
    return stack


if __name__ == "__main__":
    application = App()
    build(application)
    application.synth()
