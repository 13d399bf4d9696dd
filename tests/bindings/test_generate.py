"""The committed bindings are exactly what the generator makes from the schema, and cover all of it."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from cdk_clone import bindings
from cdk_clone.bindings import generate
from cdk_clone.schema import DATA_SOURCES, PROVIDER, RESOURCES, ResourceSchema


def test_committed_file_is_what_the_generator_writes() -> None:
    committed = generate.GENERATED_PATH.read_text(encoding="utf-8")
    assert committed == generate.render(), "run: python -m cdk_clone.bindings.generate"


def test_check_mode_reports_drift_and_exits_1(tmp_path: Path) -> None:
    stale = tmp_path / "_generated.py"
    stale.write_text(generate.render().replace("EcscloneVpc", "EcscloneVpcOld"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "cdk_clone.bindings.generate", "--check", "--output", str(stale)],
        capture_output=True,
        check=False,
        text=True,
    )
    assert result.returncode == 1
    assert "out of date" in result.stderr
    fresh = subprocess.run(
        [sys.executable, "-m", "cdk_clone.bindings.generate", "--check"], capture_output=True, text=True, check=False
    )
    assert fresh.returncode == 0, fresh.stderr


def _classes() -> list[tuple[type, ResourceSchema]]:
    found: list[tuple[type, ResourceSchema]] = [
        (getattr(bindings, generate.class_name(s)), s) for s in RESOURCES.values()
    ]
    found += [(getattr(bindings, generate.class_name(s, data_source=True)), s) for s in DATA_SOURCES.values()]
    return found


@pytest.mark.parametrize(
    ("cls", "schema"), _classes(), ids=lambda v: getattr(v, "__name__", None) or getattr(v, "type_name", "")
)
def test_every_schema_field_is_an_argument_or_a_getter(cls: type, schema: ResourceSchema) -> None:
    parameters = inspect.signature(inspect.getattr_static(cls, "__init__")).parameters
    attributes = vars(cls.__mro__[-3])  # the generated _<Class>Attributes, just before AttributeGetters
    assert cls.__mro__[-3].__name__ == f"_{cls.__name__}Attributes"
    for field in schema.fields:
        getter = inspect.getattr_static(cls, field.name)
        # The getter found is the generated one, not a cdktf member of the same name earlier in the MRO.
        assert isinstance(getter, property), f"{cls.__name__}.{field.name}"
        assert getter is attributes[field.name], f"{cls.__name__}.{field.name} is shadowed by a cdktf member"
        if field.required:
            assert parameters[field.name].default is inspect.Parameter.empty, field.name
        elif field.optional:
            assert parameters[field.name].default is None, field.name
        elif field.name != "id":  # the constructor's `id` is the construct id, not the attribute
            assert field.name not in parameters, f"{field.name} is computed: it must not be an argument"
    for block in schema.blocks:
        assert block.name in parameters
        block_cls = cls.BLOCK_CLASSES[block.name]  # type: ignore[attr-defined]
        assert [f.name for f in dataclasses.fields(block_cls)] == [f.name for f in block.fields if f.required] + [
            f.name for f in block.fields if not f.required
        ]
    for meta in ("provider", "depends_on", "count", "lifecycle"):
        assert meta in parameters


def test_expected_public_names() -> None:
    assert set(bindings.__all__) == {
        "DataEcscloneInstance",
        "EcsCloneAssumeRole",
        "EcsCloneProvider",
        "EcscloneImage",
        "EcscloneImageCopy",
        "EcscloneInstanceGroup",
        "EcscloneSecurityGroup",
        "EcscloneSecurityGroupRule",
        "EcscloneVpc",
        "EcscloneVswitch",
        "InstanceGroupDataDisk",
        "SecurityGroupEgress",
        "SecurityGroupIngress",
        "Timeouts",
    }


def test_provider_arguments_follow_the_provider_schema() -> None:
    parameters = inspect.signature(bindings.EcsCloneProvider.__init__).parameters
    assert parameters["region"].default is inspect.Parameter.empty
    for field in PROVIDER.fields:
        if not field.required:
            assert parameters[field.name].default is None
    assert parameters["alias"].default is None


def test_every_binding_names_its_terraform_type_as_cdktf_bindings_do() -> None:
    assert bindings.EcscloneVpc.TF_RESOURCE_TYPE == "ecsclone_vpc"
    assert bindings.EcscloneInstanceGroup.TF_RESOURCE_TYPE == "ecsclone_instance_group"
    assert bindings.DataEcscloneInstance.TF_RESOURCE_TYPE == "ecsclone_instance"
    assert bindings.EcsCloneProvider.TF_RESOURCE_TYPE == "ecsclone"
