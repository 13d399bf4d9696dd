"""The construct tests run on the CDK asked for (CDK_CLONE_CDK; tests/cdk runs them again on cdktf)."""

from __future__ import annotations

import os

from cdk_clone._cdktf import CDK, TerraformStack


def test_the_constructs_run_on_the_cdk_asked_for() -> None:
    assert CDK == (os.environ.get("CDK_CLONE_CDK") or "cdktn")
    assert TerraformStack.__module__.split(".")[0] == CDK
