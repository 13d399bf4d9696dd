"""Helpers of the end-to-end tests: run the command, write apps, read the fake as a user's script would."""

from __future__ import annotations

import io
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_clone.api import AlibabaCloudClient, Credentials
from cdk_clone.cli import main

REGIONS = ("cn-hangzhou", "cn-shanghai", "cn-beijing")


@dataclass
class CommandResult:
    code: int
    out: str
    err: str


def run_cdk_clone(*argv: str) -> CommandResult:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return CommandResult(code, out.getvalue(), err.getvalue())


@dataclass
class CloudView:
    """What the fake holds, read through the API as a user's script would."""

    url: str

    def client(self, region: str) -> AlibabaCloudClient:
        return AlibabaCloudClient(region, credentials=Credentials("testid", "testsecret"), endpoint=self.url)

    def instances(self, region: str) -> dict[str, dict[str, Any]]:
        with self.client(region) as api:
            found = api.paginate("ecs", "DescribeInstances", {"MaxResults": 100}, items="Instances.Instance")
            return {i["InstanceId"]: i for i in found}

    def custom_images(self, region: str) -> dict[str, dict[str, Any]]:
        with self.client(region) as api:
            answer = api.ecs(
                "DescribeImages",
                {"ImageOwnerAlias": "self", "Status": "Creating,Waiting,Available,UnAvailable,CreateFailed",
                 "PageSize": 100},
            )
            return {i["ImageId"]: i for i in answer["Images"]["Image"]}

    def vpcs(self, region: str) -> dict[str, dict[str, Any]]:
        with self.client(region) as api:
            return {v["VpcId"]: v for v in api.vpc("DescribeVpcs", {"PageSize": 50})["Vpcs"]["Vpc"]}

    def vswitches(self, region: str) -> dict[str, dict[str, Any]]:
        with self.client(region) as api:
            answer = api.vpc("DescribeVSwitches", {"PageSize": 50})
            return {v["VSwitchId"]: v for v in answer["VSwitches"]["VSwitch"]}

    def security_groups(self, region: str) -> dict[str, dict[str, Any]]:
        with self.client(region) as api:
            answer = api.ecs("DescribeSecurityGroups", {"MaxResults": 100})
            return {g["SecurityGroupId"]: g for g in answer["SecurityGroups"]["SecurityGroup"]}

    def rules(self, region: str, group_id: str) -> set[tuple[str, ...]]:
        with self.client(region) as api:
            answer = api.ecs("DescribeSecurityGroupAttribute", {"SecurityGroupId": group_id})
        rules = set()
        for p in answer["Permissions"]["Permission"]:
            egress = p["Direction"] == "egress"
            peer = (p.get("DestCidrIp") or p.get("DestGroupId")) if egress else (p.get("SourceCidrIp") or p.get("SourceGroupId"))
            rules.add((p["Direction"], p["IpProtocol"].lower(), p["PortRange"], peer or "", p["Policy"].lower(),
                       str(p["Priority"])))
        return rules

    def disks(self, region: str) -> dict[str, dict[str, Any]]:
        with self.client(region) as api:
            found = api.paginate("ecs", "DescribeDisks", {}, items="Disks.Disk")
            return {d["DiskId"]: d for d in found}

    def snapshots(self, region: str) -> dict[str, dict[str, Any]]:
        with self.client(region) as api:
            found = api.paginate("ecs", "DescribeSnapshots", {}, items="Snapshots.Snapshot")
            return {s["SnapshotId"]: s for s in found}

    def world(self) -> dict[str, Any]:
        """Every resource a deploy could create, by region: equal before deploy and after destroy."""
        return {
            region: {
                "instances": sorted(self.instances(region)),
                "disks": sorted(self.disks(region)),
                "snapshots": sorted(self.snapshots(region)),
                "images": sorted(self.custom_images(region)),
                "vpcs": sorted(self.vpcs(region)),
                "vswitches": sorted(self.vswitches(region)),
                "security_groups": sorted(self.security_groups(region)),
            }
            for region in REGIONS
        }


# cdk_clone is imported before the CDK (as sorted imports put it): cdk_clone finds the app's CDK in main.py.
APP_HEADER = """\
from cdk_clone import CloneTask, InstanceClone
from {cdk} import App, TerraformStack

app = App()
stack = TerraformStack(app, "clones")
"""


def write_app(directory: Path, body: str, *, cdk: str = "cdktn") -> Path:
    """A CDK project in ``directory`` whose stack ``clones`` holds ``body`` (constructs on ``stack``).

    ``cdk`` is the package the app is written with: ``cdktn`` (CDK Terrain) or ``cdktf``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
    (directory / "main.py").write_text(APP_HEADER.format(cdk=cdk) + textwrap.dedent(body) + "\napp.synth()\n")
    return directory


def clone_outputs_in_state(directory: Path) -> dict[str, Any]:
    """The cdk-clone outputs (``cdk_clone_...``) in the stack's state file, by name, values decoded."""
    # cdktf's default local backend keeps the state beside the app, as terraform.<stack>.tfstate.
    state = json.loads((directory / "terraform.clones.tfstate").read_text())
    return {
        name: json.loads(o["value"]) if isinstance(o["value"], str) else o["value"]
        for name, o in state["outputs"].items()
        if name.startswith("cdk_clone_")
    }


def clone_output(directory: Path) -> dict[str, Any]:
    """The one clone output in the stack's state file (an InstanceClone's: one clone group)."""
    outputs = clone_outputs_in_state(directory)
    assert len(outputs) == 1, outputs.keys()
    return next(iter(outputs.values()))
