"""Two clones of a source in its own region, VPC and vSwitch, booting from the source's own image.

No image is made; the clones join the source's security groups. Run with ``cdktf synth`` from the
project (see cdktf.json) or ``python examples/same_region_without_data/main.py``. The source is looked up
once (credentials and ``CDK_CLONE_ENDPOINT`` from the environment) and cached in cdk-clone.context.json.
"""

from __future__ import annotations

import os

from cdktn import App, TerraformStack

from cdk_clone import InstanceClone

SOURCE_INSTANCE_ID = os.environ.get("CDK_CLONE_SOURCE_INSTANCE_ID", "i-bp1d3m0s0urce00001")
SOURCE_REGION = os.environ.get("CDK_CLONE_SOURCE_REGION", "cn-hangzhou")


def build(app: App) -> TerraformStack:
    stack = TerraformStack(app, "same-region-without-data")
    InstanceClone(stack, "web", source_instance_id=SOURCE_INSTANCE_ID, source_region=SOURCE_REGION, amount=2)
    return stack


if __name__ == "__main__":
    application = App()
    build(application)
    application.synth()
