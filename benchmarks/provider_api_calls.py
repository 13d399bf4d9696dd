"""How many ECS/VPC API calls each ecsclone resource type makes to create one object, against the fake.

Each resource type is added to the configuration and applied on its own (``-refresh=false``, so reads of
the earlier resources do not count), and its calls are taken from the fake's call log. The minimum is what
creating the object needs at the very least: the create call(s), the look-ups the result depends on,
and one poll for an asynchronous state. The instance group has 100 instances and must cost exactly one
RunInstances call.

Run: .venv/bin/python benchmarks/provider_api_calls.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cdk_clone.engine import Terraform
from fake_api.seeds import (
    DEMO_IMAGE_ID,
    DEMO_SECURITY_GROUP_ID,
    DEMO_SOURCE_INSTANCE_ID,
    DEMO_VPC_ID,
    DEMO_VSWITCH_ID,
)
from fake_api.server import serve

HEADER = """
terraform {
  required_providers {
    ecsclone = { source = "cdk-clone/ecsclone" }
  }
}
provider "ecsclone" {
  region = "cn-hangzhou"
}
provider "ecsclone" {
  alias  = "shanghai"
  region = "cn-shanghai"
}
"""

# (resource type, configuration, minimum calls, what the minimum is made of)
STEPS = [
    (
        "ecsclone_vpc",
        'resource "ecsclone_vpc" "v" {\n  cidr_block = "10.30.0.0/16"\n}\n',
        2,
        "CreateVpc + 1 DescribeVpcs (Available)",
    ),
    (
        "ecsclone_vswitch",
        (
            'resource "ecsclone_vswitch" "s" {\n  vpc_id = ecsclone_vpc.v.id\n  zone_id = "cn-hangzhou-h"\n'
            '  cidr_block = "10.30.1.0/24"\n}\n'
        ),
        2,
        "CreateVSwitch + 1 DescribeVSwitches (Available)",
    ),
    (
        "ecsclone_security_group",
        f'resource "ecsclone_security_group" "g" {{\n  vpc_id = "{DEMO_VPC_ID}"\n'
        + "".join(
            f'  ingress {{\n    ip_protocol = "tcp"\n    port_range = "{p}/{p}"\n    cidr_ip = "0.0.0.0/0"\n  }}\n'
            for p in range(8000, 8030)
        )
        + '  egress {\n    ip_protocol = "all"\n    cidr_ip = "0.0.0.0/0"\n  }\n}\n',
        3,
        "CreateSecurityGroup + 1 AuthorizeSecurityGroup (30 rules) + 1 AuthorizeSecurityGroupEgress",
    ),
    (
        "ecsclone_image",
        f'resource "ecsclone_image" "i" {{\n  instance_id = "{DEMO_SOURCE_INSTANCE_ID}"\n}}\n',
        3,
        "DescribeInstances (lineage) + CreateImage + 1 DescribeImages (Available)",
    ),
    (
        "ecsclone_image_copy",
        (
            'resource "ecsclone_image_copy" "c" {\n  provider = ecsclone.shanghai\n  source_image_id = ecsclone_image.i.id\n'
            '  source_region_id = "cn-hangzhou"\n}\n'
        ),
        4,
        "DescribeImages (source name) + DescribeImages (name free?) + CopyImage + 1 DescribeImages (Available)",
    ),
    (
        "ecsclone_instance_group",
        (
            f'resource "ecsclone_instance_group" "g" {{\n  image_id = "{DEMO_IMAGE_ID}"\n'
            f'  instance_type = "ecs.g7.large"\n  vswitch_id = "{DEMO_VSWITCH_ID}"\n'
            f'  security_group_ids = ["{DEMO_SECURITY_GROUP_ID}"]\n  amount = 100\n}}\n'
        ),
        4,
        "DescribeVSwitches (zone) + DescribeAvailableResource (stock) + RunInstances + 1 DescribeInstances (Running)",
    ),
]


def main() -> int:
    with serve(seed="demo") as fake, tempfile.TemporaryDirectory() as workdir:
        environ = dict(os.environ)
        environ.update(
            ALIBABA_CLOUD_ACCESS_KEY_ID=fake.access_key_id,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=fake.access_key_secret,
            CDK_CLONE_ENDPOINT=fake.url,
            CDK_CLONE_POLL_INTERVAL=environ.get("CDK_CLONE_POLL_INTERVAL", "0.05"),
            CHECKPOINT_DISABLE="1",
        )
        terraform = Terraform(Path(workdir), environ=environ)
        config = HEADER
        (Path(workdir) / "main.tf").write_text(config)
        terraform.init()
        rows = []
        run_instances = 0
        for type_name, body, minimum, made_of in STEPS:
            config += body
            (Path(workdir) / "main.tf").write_text(config)
            before = len(fake.calls())
            started = time.perf_counter()
            terraform.apply(True, None, "-refresh=false")
            elapsed = time.perf_counter() - started
            calls = fake.calls()[before:]
            actions = Counter(str(c["action"]) for c in calls)
            if type_name == "ecsclone_instance_group":
                run_instances = actions["RunInstances"]
            rows.append((type_name, len(calls), minimum, elapsed, made_of, actions))
        terraform.destroy()

    print(f"{'resource type':26} {'calls':>5} {'minimum':>7} {'apply s':>7}  calls made")
    for type_name, count, minimum, elapsed, made_of, actions in rows:
        detail = ", ".join(f"{a} x{n}" for a, n in sorted(actions.items()))
        print(f"{type_name:26} {count:5d} {minimum:7d} {elapsed:7.2f}  {detail}")
        print(f"{'':26} {'':5} {'':7} {'':7}  minimum: {made_of}")
    print(f"\necsclone_instance_group of amount 100: {run_instances} RunInstances call(s)")
    return 0 if run_instances == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
