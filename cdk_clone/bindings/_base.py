"""What every generated ecsclone binding shares: turning its values into Terraform JSON (and HCL).

The generated classes in ``_generated.py`` only declare typed constructors and attribute getters; the
type of every value comes from :mod:`cdk_clone.schema` here, at synth time, so nothing is copied twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from cdk_clone._cdktf import (
    Construct,
    IResolvable,
    ITerraformDependable,
    TerraformCount,
    TerraformDataSource,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceConfig,
    TerraformResourceLifecycle,
    check_same_cdk,
    create_terraform_element,
)
from cdk_clone.schema import (
    PROVIDER_LOCAL_NAME,
    PROVIDER_SOURCE,
    PROVIDER_VERSION,
    Block,
    Field,
    ResourceSchema,
    ValueType,
)

__all__ = [
    "AttributeGetters",
    "BlockValue",
    "EcscloneDataSourceBase",
    "EcscloneProviderBase",
    "EcscloneResourceBase",
]

# cdktf's HCL renderer needs each attribute tagged with its Terraform kind and cdktf "storage class".
_HCL_KIND: dict[ValueType, tuple[str, str]] = {
    ValueType.STRING: ("simple", "string"),
    ValueType.NUMBER: ("simple", "number"),
    ValueType.BOOL: ("simple", "boolean"),
    ValueType.LIST_OF_STRING: ("list", "stringList"),
    ValueType.SET_OF_STRING: ("set", "stringList"),
    ValueType.MAP_OF_STRING: ("map", "stringMap"),
}


class BlockValue:
    """Marker base of the generated block dataclasses (``Timeouts``, ``SecurityGroupIngress``...)."""

    __slots__ = ()


class AttributeGetters:
    """Base of the generated ``_<Class>Attributes`` classes that hold each binding's attribute getters.

    A binding class inherits them after cdktf's classes (``class EcscloneImage(EcscloneResourceBase,
    _EcscloneImageAttributes)``), so they sit after cdktf's in the method resolution order. That is for
    jsii: when an object of a Python subclass of a jsii class is made, jsii looks through every member the
    subclass's own classes define for overrides of jsii members, checking each against every jsii type and
    interface; thirty getters made that search cost more than the rest of the Python side of creating a
    resource. It stops at the first jsii class, before these. (A cdktf member of the same name as a schema
    field would win over its getter here; none does, and a test keeps it so.)
    """

    __slots__ = ()

    # The readers of the generated getters: cdktf's get_*_attribute, which the binding classes have from
    # TerraformResource or TerraformDataSource (this class alone does not).

    def _string_token(self, name: str) -> str:
        binding: Any = self
        token: str = binding.get_string_attribute(name)
        return token

    def _number_token(self, name: str) -> float:
        binding: Any = self
        token: float = binding.get_number_attribute(name)
        return token

    def _boolean_token(self, name: str) -> IResolvable:
        binding: Any = self
        token: IResolvable = binding.get_boolean_attribute(name)
        return token

    def _list_token(self, name: str) -> list[str]:
        binding: Any = self
        token: list[str] = binding.get_list_attribute(name)
        return token

    def _string_map_token(self, name: str) -> Mapping[str, str]:
        binding: Any = self
        token: Mapping[str, str] = binding.get_string_map_attribute(name)
        return token


def _plain(field: Field, value: Any) -> Any:
    # Copies sequences and mappings so a caller mutating its own list later cannot change what synthesizes.
    if field.type in (ValueType.LIST_OF_STRING, ValueType.SET_OF_STRING) and not isinstance(value, str):
        return list(value)
    if field.type is ValueType.MAP_OF_STRING and isinstance(value, Mapping):
        return dict(value)
    return value


def _check_block(owner: str, block: Block, value: Any, expected: type) -> list[Any]:
    """Normalise a block argument to a list of dataclass instances, refusing anything else clearly."""
    items = [value] if block.nesting == "single" else list(value)
    for item in items:
        if not isinstance(item, expected):
            raise TypeError(
                f"{owner}: {block.name} takes {expected.__name__} objects, got {type(item).__name__} ({item!r}); "
                f"build it with {expected.__name__}(...)"
            )
    if block.max_items and len(items) > block.max_items:
        raise ValueError(f"{owner}: {block.name} accepts at most {block.max_items} item(s), got {len(items)}")
    return items


def _block_json(block: Block, items: list[Any]) -> Any:
    rendered = [
        {f.name: _plain(f, getattr(item, f.name)) for f in block.fields if getattr(item, f.name) is not None}
        for item in items
    ]
    return rendered[0] if block.nesting == "single" else rendered


def _field_hcl(field: Field, value: Any) -> dict[str, Any]:
    kind, storage = _HCL_KIND[field.type]
    return {"value": _plain(field, value), "isBlock": False, "type": kind, "storageClassType": storage}


def _block_hcl(block: Block, items: list[Any], class_name: str) -> dict[str, Any]:
    rendered = [
        {f.name: _field_hcl(f, getattr(item, f.name)) for f in block.fields if getattr(item, f.name) is not None}
        for item in items
    ]
    if block.nesting == "single":
        return {"value": rendered[0], "isBlock": True, "type": "struct", "storageClassType": class_name}
    return {"value": rendered, "isBlock": True, "type": block.nesting, "storageClassType": f"{class_name}List"}


class _Values:
    """The values one binding was given, checked against its schema, rendered for JSON or HCL."""

    def __init__(
        self,
        schema: ResourceSchema,
        owner: str,
        attributes: Mapping[str, Any],
        blocks: Mapping[str, Any],
        block_classes: Mapping[str, type],
    ) -> None:
        self._schema = schema
        self._block_classes = block_classes
        self.attributes: dict[str, Any] = {}
        for name, value in attributes.items():
            field = schema.field(name)
            if value is None:
                continue
            if field.computed and not field.optional:
                raise ValueError(f"{owner}: {name} is computed by the provider and cannot be set")
            self.attributes[name] = value
        self.blocks: dict[str, list[Any]] = {}
        for name, value in blocks.items():
            if value is None:
                continue
            block = schema.block(name)
            self.blocks[name] = _check_block(owner, block, value, block_classes[name])

    def to_json(self) -> dict[str, Any]:
        rendered = {name: _plain(self._schema.field(name), v) for name, v in self.attributes.items()}
        for name, items in self.blocks.items():
            rendered[name] = _block_json(self._schema.block(name), items)
        return rendered

    def to_hcl(self) -> dict[str, Any]:
        rendered = {name: _field_hcl(self._schema.field(name), v) for name, v in self.attributes.items()}
        for name, items in self.blocks.items():
            rendered[name] = _block_hcl(self._schema.block(name), items, self._block_classes[name].__name__)
        return rendered


@functools.cache
def _metadata() -> TerraformProviderGeneratorMetadata:
    # One shared instance: jsii sends a struct by value on every call, and building it runs the generated
    # wrapper's argument checks each time.
    return TerraformProviderGeneratorMetadata(
        provider_name=PROVIDER_LOCAL_NAME, provider_version_constraint=PROVIDER_VERSION
    )


# Configs without meta-arguments other than the provider, by resource type, for resources of no provider;
# those of a provider are kept on it (see _config).
_CONFIGS_WITHOUT_PROVIDER: dict[str, TerraformResourceConfig] = {}
_CONFIGS_ATTRIBUTE = "_cdk_clone_resource_configs"


def _config(
    type_name: str,
    provider: TerraformProvider | None,
    depends_on: Sequence[ITerraformDependable] | None,
    count: int | TerraformCount | None,
    lifecycle: TerraformResourceLifecycle | None,
) -> TerraformResourceConfig:
    """The cdktf config of a new resource or data source: shared between all those of one type and provider
    when they have no other meta-argument (the usual case), since building one runs the generated struct's
    argument checks; jsii sends it by value, so sharing changes nothing on the Node side."""
    cache: dict[str, TerraformResourceConfig] | None = None
    if depends_on is None and count is None and lifecycle is None:
        if provider is None:
            cache = _CONFIGS_WITHOUT_PROVIDER
        else:
            cache = getattr(provider, _CONFIGS_ATTRIBUTE, None)
            if cache is None:
                cache = {}
                setattr(provider, _CONFIGS_ATTRIBUTE, cache)
        cached = cache.get(type_name)
        if cached is not None:
            return cached
    config = TerraformResourceConfig(
        terraform_resource_type=type_name,
        terraform_generator_metadata=_metadata(),
        provider=provider,
        depends_on=list(depends_on) if depends_on is not None else None,
        count=count,
        lifecycle=lifecycle,
    )
    if cache is not None:
        cache[type_name] = config
    return config


def _check_scope(owner: str, scope: object, id: object) -> None:
    # The one check of the generated constructor that create_terraform_element leaves out and that a
    # caller can get wrong in a way mypy would not see (e.g. arguments swapped in untyped code).
    if not isinstance(scope, Construct) or not isinstance(id, str):
        raise TypeError(
            f"{owner}: takes (scope, id, ...) with scope a construct (e.g. the stack) and id a string; got "
            f"scope={type(scope).__name__}, id={type(id).__name__}"
        )


class EcscloneResourceBase(TerraformResource):
    """Base of the generated ``Ecsclone*`` resource classes; not meant to be used directly."""

    SCHEMA: ClassVar[ResourceSchema]
    BLOCK_CLASSES: ClassVar[Mapping[str, type]] = {}

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        attributes: Mapping[str, Any],
        blocks: Mapping[str, Any],
        provider: TerraformProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
        count: int | TerraformCount | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> None:
        # Checked before the jsii object exists, so a wrong value leaves no half-built resource in the tree.
        owner = f"{self.SCHEMA.type_name} {id!r}"
        _check_scope(owner, scope, id)
        values = _Values(self.SCHEMA, owner, attributes, blocks, self.BLOCK_CLASSES)
        # TerraformResource.__init__(scope, id, **config), without its per-call argument type checks.
        config = _config(self.SCHEMA.type_name, provider, depends_on, count, lifecycle)
        create_terraform_element(self, scope, id, config)
        self._values = values

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._values.to_json()

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return self._values.to_hcl()


class EcscloneDataSourceBase(TerraformDataSource):
    """Base of the generated ``DataEcsclone*`` data-source classes; not meant to be used directly."""

    SCHEMA: ClassVar[ResourceSchema]
    BLOCK_CLASSES: ClassVar[Mapping[str, type]] = {}

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        attributes: Mapping[str, Any],
        provider: TerraformProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
        count: int | TerraformCount | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> None:
        owner = f"data {self.SCHEMA.type_name} {id!r}"
        _check_scope(owner, scope, id)
        values = _Values(self.SCHEMA, owner, attributes, {}, self.BLOCK_CLASSES)
        # TerraformDataSource.__init__(scope, id, **config), without its per-call argument type checks.
        config = _config(self.SCHEMA.type_name, provider, depends_on, count, lifecycle)
        create_terraform_element(self, scope, id, config)
        self._values = values

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._values.to_json()

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return self._values.to_hcl()


class EcscloneProviderBase(TerraformProvider):
    """Base of the generated provider class: required_providers entry and a working ``alias``."""

    SCHEMA: ClassVar[ResourceSchema]

    BLOCK_CLASSES: ClassVar[Mapping[str, type]] = {}

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        attributes: Mapping[str, Any],
        blocks: Mapping[str, Any],
        alias: str | None,
    ) -> None:
        values = _Values(self.SCHEMA, f"provider {id!r}", attributes, blocks, self.BLOCK_CLASSES)
        check_same_cdk(scope, f"{type(self).__name__} {id!r}")
        super().__init__(
            scope,
            id,
            terraform_resource_type=PROVIDER_LOCAL_NAME,
            terraform_generator_metadata=_metadata(),
            # Gives terraform.required_providers.ecsclone = {source: "cdk-clone/ecsclone", version: ...},
            # which `terraform init` resolves as registry.terraform.io/cdk-clone/ecsclone.
            terraform_provider_source=PROVIDER_SOURCE,
        )
        self._values = values
        self._alias_value = alias
        self._defaults: dict[str, Callable[[], Any]] = {}

    def default_attribute(self, name: str, produce: Callable[[], Any]) -> None:
        """Fill attribute ``name``, when it was not given, with ``produce()`` at synth time: for a value that
        depends on the whole stack (its backend, its context), known only once the app is built. ``produce``
        returning None leaves the attribute out."""
        self.SCHEMA.field(name)  # a KeyError names a misspelt attribute at once
        self._defaults[name] = produce

    def _with_defaults(self) -> _Values:
        missing = {name: produce for name, produce in self._defaults.items() if name not in self._values.attributes}
        if not missing:
            return self._values
        produced = {name: value for name, produce in missing.items() if (value := produce()) is not None}
        return _Values(self.SCHEMA, "provider", {**self._values.attributes, **produced}, {}, {})

    @property
    def region(self) -> str:
        """The region this provider was configured with (as given: a plain ID, or a token)."""
        region: str = self._values.attributes["region"]
        return region

    # cdktf's base getter returns nothing for a Python subclass, so resources would silently point at the
    # default provider: keep the alias on the Python side and hand it back when the synthesizer asks.
    @property
    def alias(self) -> str | None:
        return self._alias_value

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias_value = value

    # What every resource given this provider synthesizes as its `provider` ("ecsclone" or "ecsclone.<alias>").
    # cdktf's own getter would ask for `alias` twice, a call back into Python each time, for every resource
    # on every synth pass; answering here is one call back instead of two.
    @property
    def fqn(self) -> str:
        alias = self._alias_value
        return PROVIDER_LOCAL_NAME if alias is None else f"{PROVIDER_LOCAL_NAME}.{alias}"

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        rendered = self._with_defaults().to_json()
        if self._alias_value is not None:
            rendered["alias"] = self._alias_value
        return rendered

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        rendered = self._with_defaults().to_hcl()
        if self._alias_value is not None:
            rendered["alias"] = {
                "value": self._alias_value,
                "isBlock": False,
                "type": "simple",
                "storageClassType": "string",
            }
        return rendered
