"""A clone task: two sources of one VPC cloned to another region, sharing one network and group replica."""

from __future__ import annotations

import os

from cdktn import App, TerraformStack

from cdk_clone import CloneTask

SOURCES = [
    os.environ.get("CDK_CLONE_SOURCE_INSTANCE_ID", "i-bp1d3m0s0urce00001"),
    os.environ.get("CDK_CLONE_SECOND_SOURCE_INSTANCE_ID", "i-bp1d3m0s0urce00002"),
]
SOURCE_REGION = os.environ.get("CDK_CLONE_SOURCE_REGION", "cn-hangzhou")
DESTINATION_REGION = os.environ.get("CDK_CLONE_DESTINATION_REGION", "cn-shanghai")


def build(app: App) -> TerraformStack:
    stack = TerraformStack(app, "multi-source-task")
    CloneTask(
        stack,
        "web-tier",
        sources=SOURCES,
        source_region=SOURCE_REGION,
        destination_region=DESTINATION_REGION,
        amount=2,
        keep_images=False,
        tags={"cloned-by": "cdk-clone"},
    )
    return stack


if __name__ == "__main__":
    application = App()
    build(application)
    application.synth()
