"""Writes ``cdk_clone/bindings/_generated.py``, the typed cdktf classes, from :mod:`cdk_clone.schema`.

Run it after changing the schema::

    python -m cdk_clone.bindings.generate            # rewrite the file
    python -m cdk_clone.bindings.generate --check    # exit 1 if the committed file is out of date

The output is deterministic (same schema, same bytes), so a test can prove the committed file matches.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

from cdk_clone.schema import DATA_SOURCES, PROVIDER, RESOURCES, TIMEOUTS, Block, Field, ResourceSchema, ValueType

__all__ = ["GENERATED_PATH", "block_class_name", "class_name", "main", "render"]

GENERATED_PATH = Path(__file__).with_name("_generated.py")

_ARG_TYPE = {
    ValueType.STRING: "str",
    ValueType.NUMBER: "float",
    ValueType.BOOL: "bool | IResolvable",
    ValueType.LIST_OF_STRING: "Sequence[str]",
    ValueType.SET_OF_STRING: "Sequence[str]",
    ValueType.MAP_OF_STRING: "Mapping[str, str]",
}
_BLOCK_FIELD_TYPE = {**_ARG_TYPE, ValueType.SET_OF_STRING: "Sequence[str]"}
# Reader (an AttributeGetters method wrapping cdktf's get_*_attribute) and return type per value type: the
# token cdktf hands back for a Terraform reference.
_GETTER = {
    ValueType.STRING: ("_string_token", "str"),
    ValueType.NUMBER: ("_number_token", "float"),
    ValueType.BOOL: ("_boolean_token", "IResolvable"),
    ValueType.LIST_OF_STRING: ("_list_token", "list[str]"),
    ValueType.SET_OF_STRING: ("_list_token", "list[str]"),
    ValueType.MAP_OF_STRING: ("_string_map_token", "Mapping[str, str]"),
}
# Values used in the generated docstring examples, so each class shows a call that reads like real use.
_EXAMPLE_VALUES = {
    "instance_id": '"i-bp1d3m0s0urce00001"',
    "source_image_id": "image.id",
    "source_region_id": '"cn-hangzhou"',
    "cidr_block": '"172.16.0.0/12"',
    "vpc_id": "vpc.id",
    "zone_id": '"cn-shanghai-b"',
    "image_id": "copy.id",
    "instance_type": '"ecs.g7.large"',
    "vswitch_id": "vswitch.id",
    "security_group_ids": "[group.id]",
    "amount": "2",
    "region": '"cn-shanghai"',
}
_EXAMPLE_OVERRIDES = {"ecsclone_vswitch": {"cidr_block": '"172.16.1.0/24"'}}


def _camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def class_name(schema: ResourceSchema, *, data_source: bool = False) -> str:
    """``ecsclone_image_copy`` -> ``EcscloneImageCopy``; data sources get a ``Data`` prefix."""
    return ("Data" if data_source else "") + _camel(schema.type_name)


def block_class_name(schema: ResourceSchema, block: Block) -> str:
    """The shared timeouts block is ``Timeouts``; others are ``<Resource><Block>``, e.g. ``SecurityGroupIngress``."""
    if block == TIMEOUTS:
        return "Timeouts"
    if schema is PROVIDER:
        return "EcsClone" + _camel(block.name)
    return _camel(schema.type_name.removeprefix("ecsclone_")) + _camel(block.name)


def _doc(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=110 - len(indent), initial_indent=indent, subsequent_indent=indent) or [indent]


def _arg_doc(text: str) -> list[str]:
    return textwrap.wrap(text, width=110, initial_indent=" " * 12, subsequent_indent=" " * 16)


def _quote(text: str) -> str:
    return repr(text) if '"' in text else f'"{text}"'


def _settable(fields: Iterable[Field]) -> list[Field]:
    settable = [f for f in fields if f.required or f.optional]
    return [f for f in settable if f.required] + [f for f in settable if not f.required]


def _arg(field: Field, types: dict[ValueType, str]) -> str:
    annotation = types[field.type]
    return f"{field.name}: {annotation}" if field.required else f"{field.name}: {annotation} | None = None"


def _render_block_class(schema: ResourceSchema, block: Block) -> list[str]:
    name = block_class_name(schema, block)
    lines = ["", "", "@dataclass(frozen=True, kw_only=True)", f"class {name}(BlockValue):"]
    lines.append(f'    """{block.description}')
    lines += ["", "    Example::", ""]
    required = [f for f in block.fields if f.required]
    example_args = ", ".join(f'{f.name}="tcp"' if f.name == "ip_protocol" else f"{f.name}=..." for f in required)
    if block == TIMEOUTS:
        example_args = 'create="30m"'
    elif block.name == "ingress":
        example_args += ', port_range="22/22", cidr_ip="10.0.0.0/8"'
    lines += [f"        {name}({example_args})", '    """', ""]
    for f in _settable(block.fields):
        lines.append(f"    {_arg(f, _BLOCK_FIELD_TYPE)}")
        lines.append(f'    """{f.description}"""')
    return lines


def _example(schema: ResourceSchema, cls: str, base_is_provider: bool) -> list[str]:
    values = {**_EXAMPLE_VALUES, **_EXAMPLE_OVERRIDES.get(schema.type_name, {})}
    args = [f"{f.name}={values.get(f.name, '...')}" for f in schema.fields if f.required]
    if base_is_provider:
        args.append('alias="cn-shanghai"')
    call = f'{cls}(stack, "{schema.type_name.removeprefix("ecsclone_") or "provider"}", {", ".join(args)})'
    return [
        "",
        "    Example::",
        "",
        *textwrap.wrap(call, 104, initial_indent="        ", subsequent_indent="            "),
    ]


def _render_getters(schema: ResourceSchema) -> list[str]:
    lines: list[str] = []
    for f in schema.fields:
        getter, returns = _GETTER[f.type]
        lines += ["", "    @property", f"    def {f.name}(self) -> {returns}:"]
        what = "computed by the provider" if f.computed and not f.optional else "as given, or as the provider set it"
        text = f'"""{f.description} (A token, {what}.)"""'
        lines += textwrap.wrap(text, width=116, initial_indent=" " * 8, subsequent_indent=" " * 8)
        lines.append(f"        return self.{getter}({_quote(f.name)})")
    return lines


def _attributes_class_name(cls: str) -> str:
    return f"_{cls}Attributes"


def _render_attributes_class(schema: ResourceSchema, cls: str) -> list[str]:
    """The getters of ``cls``, in a base class that comes after cdktf's in the method resolution order."""
    kind = "data source" if cls.startswith("Data") else "resource"
    return [
        "",
        "",
        f"class {_attributes_class_name(cls)}(AttributeGetters):",
        f'    """The attributes of {kind} ``{schema.type_name}`` as tokens: the getters of :class:`{cls}`."""',
        "",
        "    __slots__ = ()",
        *_render_getters(schema),
    ]


def _render_class(schema: ResourceSchema, kind: str) -> list[str]:
    """kind: "resource", "data" or "provider"."""
    cls = "EcsCloneProvider" if kind == "provider" else class_name(schema, data_source=kind == "data")
    base = {"resource": "EcscloneResourceBase", "data": "EcscloneDataSourceBase", "provider": "EcscloneProviderBase"}[
        kind
    ]
    table = {"resource": "RESOURCES", "data": "DATA_SOURCES"}.get(kind)
    lines: list[str] = []
    if kind != "provider":
        lines += _render_attributes_class(schema, cls)
        base += f", {_attributes_class_name(cls)}"
    lines += ["", "", f"class {cls}({base}):"]
    summary = {
        "resource": f"Terraform resource ``{schema.type_name}``: {schema.description}",
        "data": f"Terraform data source ``{schema.type_name}``: {schema.description}",
        "provider": (
            "The ``ecsclone`` provider for one region. Give each region its own instance with an ``alias`` "
            "and pass it as ``provider=`` to the resources of that region."
        ),
    }[kind]
    wrapped = textwrap.wrap(summary, width=106)
    lines += ['    """' + wrapped[0], *(f"    {line}" for line in wrapped[1:])]
    lines += _example(schema, cls, kind == "provider")
    lines += ['    """', ""]
    lines.append(f"    SCHEMA = {table}[{_quote(schema.type_name)}]" if table else "    SCHEMA = PROVIDER")
    # As in cdktf's generated bindings: the Terraform type name (the provider's local name for the provider).
    lines.append(f"    TF_RESOURCE_TYPE: ClassVar[str] = {_quote(schema.type_name)}")
    block_classes = ", ".join(f'"{b.name}": {block_class_name(schema, b)}' for b in schema.blocks)
    if block_classes:
        lines.append(f"    BLOCK_CLASSES: ClassVar[Mapping[str, type]] = {{{block_classes}}}")
    lines.append("")
    settable = _settable(schema.fields)
    args = ["        self,", "        scope: Construct,", "        id: str,", "        *,"]
    args += [f"        {_arg(f, _ARG_TYPE)}," for f in settable]
    for b in schema.blocks:
        bcls = block_class_name(schema, b)
        annotation = bcls if b.nesting == "single" else f"Sequence[{bcls}]"
        args.append(f"        {b.name}: {annotation} | None = None,")
    if kind == "provider":
        args.append("        alias: str | None = None,")
    else:
        args += [
            "        provider: TerraformProvider | None = None,",
            "        depends_on: Sequence[ITerraformDependable] | None = None,",
            "        count: int | TerraformCount | None = None,",
            "        lifecycle: TerraformResourceLifecycle | None = None,",
        ]
    lines += ["    def __init__(", *args, "    ) -> None:"]
    what = {"resource": "Declare the resource", "data": "Declare the data source", "provider": "Configure the provider"}
    doc = [f'        """{what[kind]} in ``scope``.', "", "        Args:"]
    for f in settable:
        doc += _arg_doc(f"{f.name}: {f.description}")
    for b in schema.blocks:
        doc += _arg_doc(f"{b.name}: {b.description}")
    if kind == "provider":
        doc += _arg_doc("alias: Terraform provider alias; resources given this provider point at ecsclone.<alias>.")
    else:
        doc += _arg_doc("provider, depends_on, count, lifecycle: Terraform meta-arguments.")
    lines += [*doc, '        """']
    attrs = ", ".join(f'"{f.name}": {f.name}' for f in settable)
    call = [f"            attributes={{{attrs}}},"]
    if kind in ("resource", "provider"):
        blocks = ", ".join(f'"{b.name}": {b.name}' for b in schema.blocks)
        call.append(f"            blocks={{{blocks}}},")
    if kind == "provider":
        call.append("            alias=alias,")
    else:
        call += [
            "            provider=provider,",
            "            depends_on=depends_on,",
            "            count=count,",
            "            lifecycle=lifecycle,",
        ]
    lines += ["        super().__init__(", "            scope,", "            id,", *call, "        )"]
    return lines


def _wrap_long_attribute_dicts(lines: list[str]) -> list[str]:
    """Split one-line dict displays that exceed the project's 120-column limit, one entry a line."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        opening = stripped.find("{")
        if len(line) <= 120 or opening < 0 or not stripped.rstrip(",").endswith("}"):
            out.append(line)
            continue
        indent = line[: len(line) - len(stripped)]
        trailer = "," if stripped.endswith(",") else ""
        entries = stripped[opening + 1 :].rstrip(",").removesuffix("}").split(", ")
        out.append(f"{indent}{stripped[: opening + 1]}")
        out += [f"{indent}    {entry}," for entry in entries]
        out.append(f"{indent}}}{trailer}")
    return out


def render() -> str:
    """The full text of ``_generated.py`` for the current schema."""
    names: list[str] = []
    body: list[str] = []
    seen_blocks: set[str] = set()
    for schema in (*RESOURCES.values(), *DATA_SOURCES.values(), PROVIDER):
        for block in schema.blocks:
            name = block_class_name(schema, block)
            if name not in seen_blocks:
                seen_blocks.add(name)
                names.append(name)
                body += _render_block_class(schema, block)
    for schema in RESOURCES.values():
        names.append(class_name(schema))
        body += _render_class(schema, "resource")
    for schema in DATA_SOURCES.values():
        names.append(class_name(schema, data_source=True))
        body += _render_class(schema, "data")
    names.append("EcsCloneProvider")
    body += _render_class(PROVIDER, "provider")
    header = [
        "# Generated by `python -m cdk_clone.bindings.generate` from cdk_clone/schema.py. Do not edit by hand:",
        "# change the schema and run the generator again (a test fails when this file is out of date).",
        '"""Typed cdktf classes (L1) for every ``ecsclone`` resource type, data source and the provider."""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping, Sequence",
        "from dataclasses import dataclass",
        "from typing import ClassVar",
        "",
        "from cdk_clone._cdktf import (",
        "    Construct,",
        "    IResolvable,",
        "    ITerraformDependable,",
        "    TerraformCount,",
        "    TerraformProvider,",
        "    TerraformResourceLifecycle,",
        ")",
        "from cdk_clone.bindings._base import (",
        "    AttributeGetters,",
        "    BlockValue,",
        "    EcscloneDataSourceBase,",
        "    EcscloneProviderBase,",
        "    EcscloneResourceBase,",
        ")",
        "from cdk_clone.schema import DATA_SOURCES, PROVIDER, RESOURCES",
        "",
        "__all__ = [",
        *[f'    "{n}",' for n in sorted(names)],
        "]",
    ]
    return "\n".join(_wrap_long_attribute_dicts(header + body)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cdk_clone.bindings.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file is out of date")
    parser.add_argument("--output", type=Path, default=GENERATED_PATH, help="where to write (default: %(default)s)")
    args = parser.parse_args(argv)
    text = render()
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            print(f"{args.output} is out of date: run python -m cdk_clone.bindings.generate", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
