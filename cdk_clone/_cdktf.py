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


def create_construct(construct: Construct, scope: IConstruct, id: str) -> None:
    """``Construct.__init__(construct, scope, id)`` for the clone constructs, without its argument type checks.

    Those checks (typeguard, on every call) cost about 0.1 ms a construct, a few percent of the synth of a
    large CloneTask; the one mistake they would catch that mypy does not see (arguments swapped in untyped
    code) is checked here, with a message naming the construct.
    """
    if not isinstance(scope, Construct) or not isinstance(id, str):
        raise TypeError(
            f"{type(construct).__name__}: takes (scope, id, ...) with scope a construct (e.g. the stack) and id a "
            f"string; got scope={type(scope).__name__}, id={type(id).__name__}"
        )
    jsii.create(type(construct), construct, [scope, id])


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
    "create_construct",
    "create_terraform_element",
]
