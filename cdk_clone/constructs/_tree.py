"""Facts about the construct tree that the clone constructs keep on the Python side.

Every question put to a construct (``node.path``, ``TerraformStack.of``) is a round trip to the jsii
runtime, a separate Node process; a CloneTask of 20 sources asked about a hundred of them. The answers
never change once a construct exists, so each is asked at most once per construct and kept on its Python
object, and the constructs the clone constructs make themselves get theirs without asking: a child's
stack is its parent's, and its path is its parent's path plus its id. Likewise the logical ID of an element
they make (what Terraform references it by) follows from its path by cdktf's default naming.

Example::

    clone = InstanceClone(stack, "web", source=snapshot)
    path_of(clone)    # "clones/web", known without a round trip
    stack_of(clone)   # the stack
    logical_id(clone, "Instances", clone.instance_group)  # "web_Instances_<hash>", as cdktf names it
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from cdk_clone._cdktf import IConstruct, TerraformElement, TerraformStack

__all__ = ["adopt", "logical_id", "path_of", "stack_of"]

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


# cdktf's default logical IDs (HashedAddressingScheme: makeUniqueId in cdktf's lib/private/unique.ts).
_HIDDEN_ID = "Default"  # left out of the ID entirely
_HIDDEN_FROM_HUMAN_ID = "Resource"  # left out of the readable part, kept in the hash
_MAX_ID_LENGTH = 255
_MAX_HUMAN_LENGTH = 240
_DISALLOWED = re.compile(r"[^A-Za-z0-9_-]")
# Methods through which a stack class could name its elements otherwise.
_NAMING_METHODS = ("_allocate_logical_id", "get_logical_id")


def _default_naming(stack: TerraformStack) -> bool:
    """Whether ``stack`` names its elements with cdktf's default scheme: its class is TerraformStack or a
    Python subclass that overrides no naming method (a stack class from another jsii library might)."""
    for cls in type(stack).__mro__:
        if cls is TerraformStack:
            return True
        if getattr(cls, "__jsii_declared_type__", None) is not None:
            return False
        if any(name in cls.__dict__ for name in _NAMING_METHODS):
            return False
    return False


def _unique_id(components: list[str]) -> str:
    components = [c for c in components if c != _HIDDEN_ID]
    if len(components) == 1:
        candidate = _DISALLOWED.sub("", components[0])
        if len(candidate) <= _MAX_ID_LENGTH:
            return candidate
    # An MD5 of the path, as cdktf hashes it: a name, not a security measure.
    digest = hashlib.md5("/".join(components).encode("utf-8"), usedforsecurity=False).hexdigest()[:8].upper()
    readable: list[str] = []
    for component in components:  # a component that the previous one ends with is written once
        if not readable or not readable[-1].endswith(component):
            readable.append(component)
    human = "_".join(_DISALLOWED.sub("", c) for c in readable if c != _HIDDEN_FROM_HUMAN_ID)
    return f"{human[:_MAX_HUMAN_LENGTH]}_{digest}"


def logical_id(parent: IConstruct, id: str, element: TerraformElement) -> str:
    """``element.friendly_unique_id`` for ``element``, just made as ``Element(parent, id, ...)`` and whose ID
    has not been overridden: computed from the remembered path where cdktf's default naming applies,
    asked of the runtime otherwise."""
    parent_path: str | None = getattr(parent, _PATH, None)
    stack: TerraformStack | None = getattr(parent, _STACK, None) if not isinstance(parent, TerraformStack) else parent
    if parent_path is None or stack is None or any(s in id for s in _SEPARATORS) or not _default_naming(stack):
        return element.friendly_unique_id
    stack_path = path_of(stack)
    if parent_path == stack_path:
        components = [id]
    elif stack_path and parent_path.startswith(stack_path + "/"):
        components = [*parent_path[len(stack_path) + 1 :].split("/"), id]
    else:
        return element.friendly_unique_id
    return _unique_id(components)
