"""Seed worlds for the fake cloud, as plain data in the shape ``FakeCloud.dump()`` returns.

* ``empty``: regions, zones, instance types, public images and stock (all in the code catalogue); the
  default account ``testid``/``testsecret`` and no resources.
* ``demo``: ``empty`` plus, in cn-hangzhou, a source environment to clone: a VPC 192.168.0.0/16, a vSwitch
  192.168.1.0/24 in cn-hangzhou-h, a security group with ingress rules (22, 80, 443 from anywhere,
  8000-8100 from 192.168.0.0/16, ICMP from 10.0.0.0/8) and an egress rule, and two Running PostPaid
  instances, ``web-1`` (192.168.1.10) and ``web-2`` (192.168.1.11), booted from a public Ubuntu image.

The demo IDs are fixed so tests and examples can name them::

    from fake_api.seeds import DEMO_SOURCE_INSTANCE_ID, DEMO_REGION_ID
    FakeCloud("demo").backend("testid", DEMO_REGION_ID).instances[DEMO_SOURCE_INSTANCE_ID].name   # 'web-1'
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "DEMO_IMAGE_ID",
    "DEMO_INSTANCE_TYPE",
    "DEMO_REGION_ID",
    "DEMO_SECOND_INSTANCE_ID",
    "DEMO_SECOND_PRIVATE_IP",
    "DEMO_SECURITY_GROUP_ID",
    "DEMO_SOURCE_INSTANCE_ID",
    "DEMO_SOURCE_PRIVATE_IP",
    "DEMO_VPC_CIDR",
    "DEMO_VPC_ID",
    "DEMO_VSWITCH_CIDR",
    "DEMO_VSWITCH_ID",
    "DEMO_ZONE_ID",
    "SEED_NAMES",
    "world_named",
]

DEMO_REGION_ID = "cn-hangzhou"
DEMO_ZONE_ID = "cn-hangzhou-h"
DEMO_VPC_ID = "vpc-bp1d3m0s0urce0vpc01"
DEMO_VPC_CIDR = "192.168.0.0/16"
DEMO_VSWITCH_ID = "vsw-bp1d3m0s0urce0vsw01"
DEMO_VSWITCH_CIDR = "192.168.1.0/24"
DEMO_SECURITY_GROUP_ID = "sg-bp1d3m0s0urce0sg001"
DEMO_SOURCE_INSTANCE_ID = "i-bp1d3m0s0urce00001"
DEMO_SECOND_INSTANCE_ID = "i-bp1d3m0s0urce00002"
DEMO_SOURCE_PRIVATE_IP = "192.168.1.10"
DEMO_SECOND_PRIVATE_IP = "192.168.1.11"
DEMO_IMAGE_ID = "ubuntu_22_04_x64_20G_alibase_20240130.vhd"
DEMO_INSTANCE_TYPE = "ecs.g7.large"

_CREATED = "2024-06-01T08:00:00Z"

_EMPTY: dict[str, Any] = {
    "format": 1,
    "transitions": {},
    "stock": [],
    "accounts": {"testid": {"secret": "testsecret", "regions": {}}},
}


def _rule(direction: str, protocol: str, ports: str, peer: str, rule_no: int, description: str) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "rule_id": f"sgr-bp1d3m0s0urce0r{rule_no:03d}",
        "direction": direction,
        "ip_protocol": protocol,
        "port_range": ports,
        "policy": "Accept",
        "priority": 1,
        "nic_type": "intranet",
        "description": description,
        "creation_time": _CREATED,
    }
    rule["source_cidr_ip" if direction == "ingress" else "dest_cidr_ip"] = peer
    return rule


def _web_instance(instance_id: str, name: str, private_ip: str, disk_id: str, public_ip: str) -> dict[str, Any]:
    return {
        "instance_id": instance_id,
        "zone_id": DEMO_ZONE_ID,
        "instance_type": DEMO_INSTANCE_TYPE,
        "image_id": DEMO_IMAGE_ID,
        "name": name,
        "host_name": name,
        "description": f"Demo web server {name}",
        "network_type": "vpc",
        "vpc_id": DEMO_VPC_ID,
        "vswitch_id": DEMO_VSWITCH_ID,
        "private_ips": [private_ip],
        "security_group_ids": [DEMO_SECURITY_GROUP_ID],
        "charge_type": "PostPaid",
        "internet_max_bandwidth_out": 5,
        "public_ip": public_ip,
        "tags": {"app": "web", "env": "demo"},
        "creation_time": _CREATED,
        "status": "Running",
        "disks": [
            {
                "disk_id": disk_id,
                "disk_type": "system",
                "category": "cloud_essd",
                "size": 40,
                "device": "/dev/xvda",
                "creation_time": _CREATED,
            }
        ],
    }


_DEMO_REGION: dict[str, Any] = {
    "vpcs": [
        {
            "vpc_id": DEMO_VPC_ID,
            "cidr_block": DEMO_VPC_CIDR,
            "name": "demo-vpc",
            "description": "Source network of the demo",
            "vrouter_id": "vrt-bp1d3m0s0urce0vrt01",
            "route_table_id": "vtb-bp1d3m0s0urce0vtb01",
            "creation_time": _CREATED,
        }
    ],
    "vswitches": [
        {
            "vswitch_id": DEMO_VSWITCH_ID,
            "vpc_id": DEMO_VPC_ID,
            "zone_id": DEMO_ZONE_ID,
            "cidr_block": DEMO_VSWITCH_CIDR,
            "name": "demo-vsw-h",
            "description": "Source subnet of the demo",
            "creation_time": _CREATED,
        }
    ],
    "security_groups": [
        {
            "group_id": DEMO_SECURITY_GROUP_ID,
            "vpc_id": DEMO_VPC_ID,
            "name": "demo-web-sg",
            "description": "Web servers of the demo",
            "creation_time": _CREATED,
            "rules": [
                _rule("ingress", "TCP", "22/22", "0.0.0.0/0", 1, "ssh"),
                _rule("ingress", "TCP", "80/80", "0.0.0.0/0", 2, "http"),
                _rule("ingress", "TCP", "443/443", "0.0.0.0/0", 3, "https"),
                _rule("ingress", "TCP", "8000/8100", DEMO_VPC_CIDR, 4, "internal services"),
                _rule("ingress", "ICMP", "-1/-1", "10.0.0.0/8", 5, "ping from the office network"),
                _rule("egress", "ALL", "-1/-1", "0.0.0.0/0", 6, "all outbound"),
            ],
        }
    ],
    "instances": [
        _web_instance(DEMO_SOURCE_INSTANCE_ID, "web-1", DEMO_SOURCE_PRIVATE_IP, "d-bp1d3m0s0urce0disk01", "47.96.10.1"),
        _web_instance(DEMO_SECOND_INSTANCE_ID, "web-2", DEMO_SECOND_PRIVATE_IP, "d-bp1d3m0s0urce0disk02", "47.96.10.2"),
    ],
}

SEED_NAMES: tuple[str, ...] = ("demo", "empty")


def world_named(name: str) -> dict[str, Any]:
    """A fresh copy of the named seed world: "demo" or "empty"."""
    if name == "empty":
        return copy.deepcopy(_EMPTY)
    if name == "demo":
        world = copy.deepcopy(_EMPTY)
        world["accounts"]["testid"]["regions"][DEMO_REGION_ID] = copy.deepcopy(_DEMO_REGION)
        return world
    raise ValueError(f"unknown seed {name!r}: use one of {', '.join(SEED_NAMES)}, or pass a world dict")
