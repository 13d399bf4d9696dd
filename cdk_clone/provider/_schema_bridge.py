"""Turns a :class:`cdk_clone.schema.ResourceSchema` into the Terraform schema the ``tf`` library serves.

``tf`` 1.2 ships only set-nested blocks; the ecsclone schemas also use single blocks (``timeouts``) and
may use list blocks, so both are defined here. Blocks encode and decode their elements with ``tf``'s own
state codec, so nested attributes behave exactly like top-level ones.

Example::

    from cdk_clone.schema import RESOURCES
    schema = tf_schema(RESOURCES["ecsclone_vpc"])
    [a.name for a in schema.attributes][:2]   # ['id', 'cidr_block']
"""

from __future__ import annotations

from typing import Any

from msgpack import ext as msgpack_ext
from tf import types as tft
from tf import utils as tf_utils
from tf.gen import tfplugin_pb2 as pb
from tf.schema import Attribute, Block, NestedBlock, NestMode, Schema
from tf.types import Unknown
from tf.utils import Diagnostics

from cdk_clone.schema import Block as BlockSpec
from cdk_clone.schema import Field, ResourceSchema, ValueType

__all__ = [
    "ListNestedBlock",
    "SetNestedBlock",
    "SingleNestedBlock",
    "complete_state",
    "tf_schema",
]


# Terraform encodes an unknown value as msgpack extension 0, and since 1.6 an unknown value that carries
# refinements (e.g. "not null", a string prefix) as extension 12. `tf` 1.2 recognises only the first, so a
# refined unknown inside a list reached validation as a raw ExtType. Both mean "known after apply".
_UNKNOWN_EXTENSIONS = (0, 12)


def _decode_msgpack_extension(code: int, data: bytes) -> Any:
    if code in _UNKNOWN_EXTENSIONS:
        return Unknown
    return msgpack_ext.ExtType(code, data)


tf_utils._msgpack_ext_hook = _decode_msgpack_extension  # read_dynamic_value looks the hook up at call time


def _encode_element(block: NestedBlock, value: Any) -> Any:
    from tf.provider import _encode_state_d

    return _encode_state_d(block._amap(), block._bmap(), value, None)


def _decode_element(block: NestedBlock, value: Any) -> Any:
    from tf.provider import _decode_state

    return _decode_state(Diagnostics(), block._amap(), block._bmap(), value)[1]


def _element_key(block: NestedBlock, element: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(repr(element.get(a.name)) for a in block.block.attributes)


class SingleNestedBlock(NestedBlock):  # type: ignore[misc]
    """At most one ``name { ... }`` block; its value is a dict, or None when the block is absent."""

    def __init__(self, type_name: str, block: Block) -> None:
        super().__init__(type_name, NestMode.Single, block)

    def to_pb(self) -> pb.Schema.NestedBlock:
        return pb.Schema.NestedBlock(
            type_name=self.type_name, block=self.block.to_pb(), nesting=pb.Schema.NestedBlock.NestingMode.SINGLE
        )

    def encode(self, value: Any) -> Any:
        return None if value is None or value is Unknown else _encode_element(self, value)

    def decode(self, value: Any) -> Any:
        return None if value is None or value is Unknown else _decode_element(self, value)

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        if a_decoded is None or b_decoded is None:
            return a_decoded is b_decoded
        return _element_key(self, a_decoded) == _element_key(self, b_decoded)


class ListNestedBlock(NestedBlock):  # type: ignore[misc]
    """Repeated ``name { ... }`` blocks in order; the value is a list of dicts (empty when absent)."""

    _nesting = pb.Schema.NestedBlock.NestingMode.LIST

    def __init__(self, type_name: str, block: Block, min_items: int = 0, max_items: int = 0) -> None:
        # NestMode has no List member; to_pb below states the real nesting mode.
        super().__init__(type_name, NestMode.Set, block, min_items=min_items, max_items=max_items)

    def to_pb(self) -> pb.Schema.NestedBlock:
        return pb.Schema.NestedBlock(
            type_name=self.type_name,
            block=self.block.to_pb(),
            nesting=self._nesting,
            min_items=self.min_items or 0,
            max_items=self.max_items or 0,
        )

    def encode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return [] if value is None else value
        return [_encode_element(self, v) for v in value]

    def decode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return [] if value is None else value
        return [_decode_element(self, v) for v in value]

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        a, b = a_decoded or [], b_decoded or []
        return [_element_key(self, x) for x in a] == [_element_key(self, x) for x in b]


class SetNestedBlock(ListNestedBlock):
    """Unordered ``name { ... }`` blocks; unlike ``tf``'s own, it tolerates a null (absent) value."""

    _nesting = pb.Schema.NestedBlock.NestingMode.SET

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        a, b = a_decoded or [], b_decoded or []
        return sorted(_element_key(self, x) for x in a) == sorted(_element_key(self, x) for x in b)


def _tf_type(value_type: ValueType) -> tft.TfType:
    return {
        ValueType.STRING: tft.String(),
        ValueType.NUMBER: tft.Number(),
        ValueType.BOOL: tft.Bool(),
        ValueType.LIST_OF_STRING: tft.List(tft.String()),
        ValueType.SET_OF_STRING: tft.Set(tft.String()),
        ValueType.MAP_OF_STRING: tft.Map(tft.String()),
    }[value_type]


def _attribute(field: Field) -> Attribute:
    return Attribute(
        field.name,
        _tf_type(field.type),
        description=field.description,
        required=field.required,
        optional=field.optional,
        computed=field.computed,
        sensitive=field.sensitive,
        requires_replace=field.force_new,
    )


def _nested_block(spec: BlockSpec) -> NestedBlock:
    inner = Block(attributes=[_attribute(f) for f in spec.fields], description=spec.description)
    if spec.nesting == "single":
        return SingleNestedBlock(spec.name, inner)
    if spec.nesting == "list":
        return ListNestedBlock(spec.name, inner, spec.min_items, spec.max_items)
    return SetNestedBlock(spec.name, inner, spec.min_items, spec.max_items)


_schemas: dict[str, Schema] = {}


def tf_schema(resource: ResourceSchema) -> Schema:
    """The ``tf`` schema of one ecsclone type (cached: Terraform asks for it on every launch)."""
    # Keyed by name: ResourceSchema holds a dict, so it is not hashable.
    if resource.type_name not in _schemas:
        _schemas[resource.type_name] = _build_schema(resource)
    return _schemas[resource.type_name]


def _build_schema(resource: ResourceSchema) -> Schema:
    return Schema(
        version=0,
        attributes=[_attribute(f) for f in resource.fields],
        block_types=[_nested_block(b) for b in resource.blocks],
        description=resource.description,
    )


def complete_state(resource: ResourceSchema, values: dict[str, Any]) -> dict[str, Any]:
    """A state dict holding every attribute and block key of ``resource`` (``tf`` requires all of them).

    Missing attributes become None, missing single blocks None, missing list and set blocks ``[]``.
    A key the schema does not know is a programming error and raises ``KeyError``.
    """
    known = {f.name for f in resource.fields} | {b.name for b in resource.blocks}
    unknown = set(values) - known
    if unknown:
        raise KeyError(f"{resource.type_name} has no attribute or block named {sorted(unknown)}")
    state: dict[str, Any] = {f.name: values.get(f.name) for f in resource.fields}
    for b in resource.blocks:
        default: Any = None if b.nesting == "single" else []
        value = values.get(b.name, default)
        state[b.name] = default if value is None else value
    return state
