"""Facts about the construct tree that the clone constructs keep on the Python side.

Every question put to a construct (``node.path``, ``TerraformStack.of``) is a round trip to the jsii
runtime, a separate Node process; a CloneTask of 20 sources asked about a hundred of them. The answers
never change once a construct exists, so each is asked at most once per construct and kept on its Python
object, and the constructs the clone constructs make themselves get theirs without asking: a child's
stack is its parent's, and its path is its parent's path plus its id.

Example::

    clone = InstanceClone(stack, "web", source=snapshot)
    path_of(clone)    # "clones/web", known without a round trip
    stack_of(clone)   # the stack
"""

from __future__ import annotations

from typing import Any

from cdk_clone._cdktf import IConstruct, TerraformStack

__all__ = ["adopt", "path_of", "stack_of"]

_PATH = "_cdk_clone_path"
_STACK = "_cdk_clone_stack"
# constructs turns these separators into "--" inside an id (so one id never reads as two path components);
# an id containing one is left to the runtime rather than copying that rule here.
_SEPARATORS = ("/", "\n")


def _remember(construct: IConstruct, name: str, value: Any) -> None:
    try:
        setattr(construct, name, value)
    except AttributeError:  # an object that takes no new attributes is simply asked again next time
        pass


def stack_of(construct: IConstruct) -> TerraformStack:
    """The stack ``construct`` is in (itself for a stack); raises as ``TerraformStack.of`` does outside one."""
    if isinstance(construct, TerraformStack):
        return construct
    stack: TerraformStack | None = getattr(construct, _STACK, None)
    if stack is None:
        stack = TerraformStack.of(construct)
        _remember(construct, _STACK, stack)
    return stack


def path_of(construct: IConstruct) -> str:
    """``construct.node.path`` (e.g. ``"clones/task/i-bp1d3m0s0urce00001"``), asked once per construct."""
    path: str | None = getattr(construct, _PATH, None)
    if path is None:
        path = construct.node.path
        _remember(construct, _PATH, path)
    return path


def adopt(child: IConstruct, scope: IConstruct, id: str) -> None:
    """Record the path and stack of ``child``, just made as ``Construct(scope, id)``, from what ``scope`` knows.

    The stack is only looked up when first needed (a construct may be made outside a stack and fail later,
    where it always has).
    """
    if not any(separator in id for separator in _SEPARATORS):
        scope_path = path_of(scope)
        _remember(child, _PATH, f"{scope_path}/{id}" if scope_path else id)
    stack = scope if isinstance(scope, TerraformStack) else getattr(scope, _STACK, None)
    if stack is not None:
        _remember(child, _STACK, stack)
