"""Benchmark: `cdk-clone deploy` of 1 source -> 100 clones across two regions, with data, on the fake.

Prints the wall time of synth + deploy and of destroy, and the API calls by action (from the fake's call
log) beside the minimum the job needs, so waste (extra polling, retries, redundant describes) shows.
Transitions are immediate: the figures measure cdk-clone, Terraform and the provider, not waiting.

    .venv/bin/python benchmarks/deploy_clones.py [--clones 100] [--regions cn-shanghai,cn-beijing]
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from cdk_clone.cli import main as cdk_clone

APP = textwrap.dedent(
    """\
    from cdktn import App, TerraformStack

    from cdk_clone import InstanceClone

    app = App()
    stack = TerraformStack(app, "bench")
    for region, amount in {plan!r}:
        InstanceClone(
            stack,
            "clones-" + region,
            source_instance_id={source!r},
            source_region={source_region!r},
            destination_region=region,
            amount=amount,
            include_instance_data=True,
        )
    app.synth()
    """
)


def minimum_calls(regions: list[str], clones_per_region: list[int], ingress: int, egress: int) -> dict[str, int]:
    """The fewest mutating calls the job needs: one custom image of the source, and per destination region
    one copy, VPC, vSwitch and security group, Authorize calls per direction (up to 100 rules each), and
    RunInstances (up to 100 instances each)."""
    per_region = len(regions)
    authorize = sum(-(-n // 100) for n in (ingress, egress) if n)
    return {
        "CreateImage": 1,
        "CopyImage": per_region,
        "CreateVpc": per_region,
        "CreateVSwitch": per_region,
        "CreateSecurityGroup": per_region,
        "AuthorizeSecurityGroup/Egress": per_region * authorize,
        "RunInstances": sum(-(-n // 100) for n in clones_per_region),
    }


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=int, default=100)
    parser.add_argument("--regions", default="cn-shanghai,cn-beijing")
    args = parser.parse_args(argv)
    regions = [r for r in args.regions.split(",") if r]
    share, extra = divmod(args.clones, len(regions))
    plan = [(region, share + (1 if i < extra else 0)) for i, region in enumerate(regions)]

    from fake_api import serve
    from fake_api.seeds import DEMO_REGION_ID, DEMO_SOURCE_INSTANCE_ID

    with serve(seed="demo") as fake, tempfile.TemporaryDirectory(prefix="cdk-clone-bench-") as temp:
        directory = Path(temp)
        (directory / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
        (directory / "main.py").write_text(
            APP.format(plan=plan, source=DEMO_SOURCE_INSTANCE_ID, source_region=DEMO_REGION_ID)
        )
        os.environ.update(
            {
                "CDK_CLONE_ENDPOINT": fake.url,
                "ALIBABA_CLOUD_ACCESS_KEY_ID": fake.access_key_id,
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": fake.access_key_secret,
                "CDK_CLONE_POLL_INTERVAL": os.environ.get("CDK_CLONE_POLL_INTERVAL", "0.05"),
                "CHECKPOINT_DISABLE": "1",
                "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            }
        )
        os.environ.pop("TF_CLI_CONFIG_FILE", None)
        out, err = io.StringIO(), io.StringIO()

        started = time.perf_counter()
        code = cdk_clone(["deploy", "-C", str(directory)], out=out, err=err)
        deploy_seconds = time.perf_counter() - started
        if code != 0:
            sys.stderr.write(out.getvalue() + err.getvalue())
            return code
        calls = collections.Counter(entry["action"] for entry in fake.calls())
        permissions = [
            p for group in _source_groups(fake) for p in (group.get("Permissions") or {}).get("Permission") or []
        ]
        egress_rules = sum(1 for p in permissions if p.get("Direction") == "egress")
        ingress_rules = len(permissions) - egress_rules

        started = time.perf_counter()
        code = cdk_clone(["destroy", "-C", str(directory)], out=io.StringIO(), err=err)
        destroy_seconds = time.perf_counter() - started
        if code != 0:
            sys.stderr.write(err.getvalue())
            return code

    print(f"deploy of 1 source -> {args.clones} clones with data into {', '.join(regions)} (fake, immediate)")
    print(f"  synth + deploy wall time: {deploy_seconds:6.1f} s")
    print(f"  destroy wall time:        {destroy_seconds:6.1f} s")
    print(f"  API calls during synth + deploy: {sum(calls.values())}")
    minimum = minimum_calls(regions, [n for _, n in plan], ingress_rules, egress_rules)
    authorize = calls.get("AuthorizeSecurityGroup", 0) + calls.get("AuthorizeSecurityGroupEgress", 0)
    print(f"  {'action':<34}{'calls':>7}{'minimum':>9}")
    shown = set()
    for action, least in minimum.items():
        count = authorize if action == "AuthorizeSecurityGroup/Egress" else calls.get(action, 0)
        shown.update({"AuthorizeSecurityGroup", "AuthorizeSecurityGroupEgress"} if "/" in action else {action})
        print(f"  {action:<34}{count:>7}{least:>9}")
    for action, count in sorted(calls.items(), key=lambda item: (-item[1], item[0])):
        if action not in shown:
            print(f"  {action:<34}{count:>7}{'-':>9}")
    return 0


def _source_groups(fake: object) -> list[dict[str, object]]:
    # The source's security groups as the API shows them, to count the rules a replica must copy.
    from cdk_clone.api import AlibabaCloudClient, Credentials
    from fake_api.seeds import DEMO_REGION_ID, DEMO_SOURCE_INSTANCE_ID

    url = fake.url  # type: ignore[attr-defined]
    with AlibabaCloudClient(DEMO_REGION_ID, credentials=Credentials("testid", "testsecret"), endpoint=url) as client:
        answer = client.ecs("DescribeInstances", {"InstanceIds": json.dumps([DEMO_SOURCE_INSTANCE_ID])})
        instance = answer["Instances"]["Instance"][0]
        return [
            client.ecs("DescribeSecurityGroupAttribute", {"SecurityGroupId": group})
            for group in instance["SecurityGroupIds"]["SecurityGroupId"]
        ]


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
