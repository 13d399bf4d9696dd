"""Every example synthesizes offline, from a context file holding the demo sources and zones."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cdk_clone._cdktf import Testing
from cdk_clone.lookup.context import ContextFile, snapshot_entry, source_instance_key, zones_key
from cdk_clone.lookup.destination import zone_instance_types_key
from cdk_clone.lookup.snapshot import DiskSnapshot, SecurityGroupRule, SecurityGroupSnapshot, SourceInstance
from fake_api.seeds import (
    DEMO_IMAGE_ID,
    DEMO_INSTANCE_TYPE,
    DEMO_REGION_ID,
    DEMO_SECOND_INSTANCE_ID,
    DEMO_SECOND_PRIVATE_IP,
    DEMO_SECURITY_GROUP_ID,
    DEMO_SOURCE_INSTANCE_ID,
    DEMO_SOURCE_PRIVATE_IP,
    DEMO_VPC_CIDR,
    DEMO_VPC_ID,
    DEMO_VSWITCH_CIDR,
    DEMO_VSWITCH_ID,
    DEMO_ZONE_ID,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NAMES = [
    "same_region_without_data",
    "same_region_with_data",
    "cross_region_auto_network",
    "cross_region_existing_network",
    "multi_source_task",
    "composed_stack",
]


def demo_source(instance_id: str, name: str, private_ip: str) -> SourceInstance:
    """The demo seed's web server as the look-up would cache it (no API involved here)."""
    rules = (
        SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="22/22", cidr_ip="0.0.0.0/0"),
        SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="8000/8100", cidr_ip=DEMO_VPC_CIDR),
        SecurityGroupRule(direction="egress", ip_protocol="all", cidr_ip="0.0.0.0/0"),
    )
    return SourceInstance(
        instance_id=instance_id,
        region_id=DEMO_REGION_ID,
        zone_id=DEMO_ZONE_ID,
        instance_type=DEMO_INSTANCE_TYPE,
        cpu=2,
        memory_mib=8192,
        image_id=DEMO_IMAGE_ID,
        image_visible=True,
        network_type="vpc",
        vpc_id=DEMO_VPC_ID,
        vpc_cidr_block=DEMO_VPC_CIDR,
        vswitch_id=DEMO_VSWITCH_ID,
        vswitch_cidr_block=DEMO_VSWITCH_CIDR,
        private_ip=private_ip,
        instance_charge_type="PostPaid",
        security_groups=(
            SecurityGroupSnapshot(
                security_group_id=DEMO_SECURITY_GROUP_ID, name="demo-web-sg", vpc_id=DEMO_VPC_ID, rules=rules
            ),
        ),
        instance_name=name,
        host_name=name,
        disks=(DiskSnapshot(disk_id=f"d-{name}", kind="system", category="cloud_essd", size_gib=40),),
        tags={"app": "web", "env": "demo"},
        internet_max_bandwidth_out=5,
    )


@pytest.fixture
def context_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cdk-clone.context.json"
    cache = ContextFile(path)
    for instance_id, name, ip in (
        (DEMO_SOURCE_INSTANCE_ID, "web-1", DEMO_SOURCE_PRIVATE_IP),
        (DEMO_SECOND_INSTANCE_ID, "web-2", DEMO_SECOND_PRIVATE_IP),
    ):
        cache.put(
            source_instance_key(DEMO_REGION_ID, instance_id), snapshot_entry(demo_source(instance_id, name, ip))
        )
    cache.put(zones_key("cn-shanghai"), ["cn-shanghai-e", "cn-shanghai-f"])
    cache.put(zone_instance_types_key("cn-shanghai"), {"cn-shanghai-e": [DEMO_INSTANCE_TYPE], "cn-shanghai-f": []})
    monkeypatch.setenv("CDK_CLONE_CONTEXT_FILE", str(path))
    for name in (
        "CDK_CLONE_SOURCE_INSTANCE_ID",
        "CDK_CLONE_SECOND_SOURCE_INSTANCE_ID",
        "CDK_CLONE_SOURCE_REGION",
        "CDK_CLONE_DESTINATION_REGION",
        "CDK_CLONE_DESTINATION_ZONE_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    return path


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / name / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synth_example(name: str, outdir: Path) -> dict[str, Any]:
    stack = load(name).build(Testing.app(outdir=str(outdir)))
    result: dict[str, Any] = json.loads(Testing.synth(stack))
    return result


def types_of(out: dict[str, Any]) -> dict[str, int]:
    return {kind: len(items) for kind, items in out.get("resource", {}).items()}


def test_every_example_is_listed_in_the_readme() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert sorted(p.parent.name for p in EXAMPLES.glob("*/main.py")) == sorted(NAMES)
    for name in NAMES:
        assert f"`{name}/`" in readme


def test_same_region_without_data(context_file: Path, tmp_path: Path) -> None:
    out = synth_example("same_region_without_data", tmp_path)
    assert types_of(out) == {"ecsclone_instance_group": 1}
    (group,) = out["resource"]["ecsclone_instance_group"].values()
    assert (group["image_id"], group["amount"]) == (DEMO_IMAGE_ID, 2)


def test_same_region_with_data(context_file: Path, tmp_path: Path) -> None:
    out = synth_example("same_region_with_data", tmp_path)
    assert types_of(out) == {"ecsclone_image": 1, "ecsclone_instance_group": 1}
    (image,) = out["resource"]["ecsclone_image"].values()
    assert image["owner"].endswith("/Image/Image") and "image_name" not in image
    assert image["stop_instance_for_consistency"] is True


def test_cross_region_auto_network(context_file: Path, tmp_path: Path) -> None:
    out = synth_example("cross_region_auto_network", tmp_path)
    assert types_of(out) == {
        "ecsclone_image": 1,
        "ecsclone_image_copy": 1,
        "ecsclone_vpc": 1,
        "ecsclone_vswitch": 1,
        "ecsclone_security_group": 1,
        "ecsclone_instance_group": 1,
    }
    (vswitch,) = out["resource"]["ecsclone_vswitch"].values()
    assert vswitch["zone_id"] == "cn-shanghai-e", "the first cached zone"
    assert {"cdk_clone_web", "private_ips", "instance_type"} <= set(out["output"])


def test_cross_region_existing_network(context_file: Path, tmp_path: Path) -> None:
    out = synth_example("cross_region_existing_network", tmp_path)
    assert types_of(out)["ecsclone_vpc"] == 1
    (group,) = out["resource"]["ecsclone_instance_group"].values()
    assert group["private_ip"] == DEMO_SOURCE_PRIVATE_IP
    assert group["vswitch_id"] == "${ecsclone_vswitch.vswitch.id}"
    assert group["zone_id"] == "cn-shanghai-e"


def test_multi_source_task(context_file: Path, tmp_path: Path) -> None:
    out = synth_example("multi_source_task", tmp_path)
    counts = types_of(out)
    assert (counts["ecsclone_vpc"], counts["ecsclone_vswitch"], counts["ecsclone_security_group"]) == (1, 1, 1)
    assert counts["ecsclone_instance_group"] == 2


def test_composed_stack(context_file: Path, tmp_path: Path) -> None:
    out = synth_example("composed_stack", tmp_path)
    assert types_of(out)["ecsclone_vswitch"] == 2
    database = out["resource"]["ecsclone_security_group"]["database"]
    assert database["ingress"][0]["source_security_group_id"].startswith("${ecsclone_security_group.web_")
    assert "element(ecsclone_instance_group.web_" in database["ingress"][1]["cidr_ip"]


def test_the_cdktf_json_app_runs_as_cdktf_cli_would(context_file: Path, tmp_path: Path) -> None:
    config = json.loads((ROOT / "cdktf.json").read_text(encoding="utf-8"))
    assert config["language"] == "python"
    command = config["app"].split()
    assert command[0] == ".venv/bin/python"
    outdir = tmp_path / "cdktf.out"
    env = {**os.environ, "CDKTF_OUTDIR": str(outdir)}
    subprocess.run([sys.executable, *command[1:]], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    stack = json.loads((outdir / "stacks" / "cross-region-auto-network" / "cdk.tf.json").read_text(encoding="utf-8"))
    assert "ecsclone_image_copy" in stack["resource"]
