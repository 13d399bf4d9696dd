"""The one door to cdktf and constructs.

Every other module of ``cdk_clone`` imports the CDK for Terraform from here, never from ``cdktf`` or
``constructs`` directly. cdktf 0.21 is the last HashiCorp release; its community fork (CDK Terrain,
``cdktn``) keeps the same classes and output formats, so moving to it is a change of the import lines
below and nothing else.

Example::

    from cdk_clone._cdktf import App, TerraformStack
    app = App()
    stack = TerraformStack(app, "clones")
"""

from __future__ import annotations

import os

# jsii starts a Node process on first use; on Node 20 it prints an end-of-life banner on every run unless
# told not to. Set before importing cdktf, and only as a default so a user's own value wins.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# Imported after the environment default above, which must be in place before jsii starts.
import jsii
from cdktf import (
    Annotations,
    App,
    Fn,
    IResolvable,
    ITerraformDependable,
    TerraformCount,
    TerraformDataSource,
    TerraformElement,
    TerraformOutput,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceConfig,
    TerraformResourceLifecycle,
    TerraformStack,
    Testing,
    Token,
)
from constructs import Construct, IConstruct

# pytest would otherwise try to collect cdktf's Testing class from every test module that imports it.
Testing.__test__ = False


def create_terraform_element(
    element: TerraformResource | TerraformDataSource, scope: Construct, id: str, config: TerraformResourceConfig
) -> None:
    """Make the jsii side of ``element``, a new Python subclass instance of TerraformResource/DataSource.

    This is the one statement the generated ``__init__`` of those classes runs after checking the types of
    its arguments. The checks (``if __debug__`` blocks, evaluating type hints on every call) cost more
    Python time than the rest of the call, about 0.3 ms a resource; the ecsclone bindings check their own
    arguments before they get here, and build ``config`` themselves.
    """
    jsii.create(type(element), element, [scope, id, config])


__all__ = [
    "Annotations",
    "App",
    "Construct",
    "Fn",
    "IConstruct",
    "IResolvable",
    "ITerraformDependable",
    "TerraformCount",
    "TerraformDataSource",
    "TerraformElement",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformProviderGeneratorMetadata",
    "TerraformResource",
    "TerraformResourceConfig",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "Testing",
    "Token",
    "create_terraform_element",
]
