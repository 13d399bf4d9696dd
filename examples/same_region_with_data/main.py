"""A clone with the source's data: a TemplateScratch image of the source, which is stopped while imaged.

The source is stopped before imaging (consistent disks) and started again; the image is deleted once the
clone runs (``keep_images=False``), and the next plan shows no changes.
"""

from __future__ import annotations

import os

from cdktn import App, TerraformStack

from cdk_clone import InstanceClone

SOURCE_INSTANCE_ID = os.environ.get("CDK_CLONE_SOURCE_INSTANCE_ID", "i-bp1d3m0s0urce00001")
SOURCE_REGION = os.environ.get("CDK_CLONE_SOURCE_REGION", "cn-hangzhou")


def build(app: App) -> TerraformStack:
    stack = TerraformStack(app, "same-region-with-data")
    InstanceClone(
        stack,
        "web",
        source_instance_id=SOURCE_INSTANCE_ID,
        source_region=SOURCE_REGION,
        include_instance_data=True,
        stop_source_for_consistency=True,
        keep_images=False,
        instance_name="web-copy",
    )
    return stack


if __name__ == "__main__":
    application = App()
    build(application)
    application.synth()
