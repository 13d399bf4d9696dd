"""Seed worlds for the fake cloud, as plain data in the shape ``FakeCloud.dump()`` returns.

* ``empty``: regions, zones, instance types, public images and stock (all in the code catalogue); the
  default account ``testid``/``testsecret`` and no resources.
* ``demo``: ``empty`` plus, in cn-hangzhou, a source environment to clone: a VPC 192.168.0.0/16, a vSwitch
  192.168.1.0/24 in cn-hangzhou-h, a security group with ingress rules (22, 80, 443 from anywhere,
  8000-8100 from 192.168.0.0/16, ICMP from 10.0.0.0/8) and an egress rule, and two Running PostPaid
  instances, ``web-1`` (192.168.1.10) and ``web-2`` (192.168.1.11), booted from a public Ubuntu image.
  And, in cn-beijing, the *rich sources* (see :data:`RICH_SOURCE_INSTANCE_ID`): an instance that uses every
  setting a clone must carry, and a spot instance; KMS keys in all three regions (:data:`DEMO_KMS_KEYS`),
  a RAM role and a resource group of the account.

The rich sources, in cn-beijing (VPC 10.20.0.0/16, vSwitch 10.20.1.0/24 in cn-beijing-g, a security group
with 22 and 443 open and an egress rule):

* ``rich-app-1`` (:data:`RICH_SOURCE_INSTANCE_ID`, 10.20.1.10): ecs.g7.large from the public Ubuntu image,
  PostPaid, PayByTraffic out 5 Mbit/s (in 10), a 40 GiB ``cloud_essd`` PL1 system disk, two data disks
  (:data:`RICH_DATA_DISKS`): ``/dev/xvdb`` 100 GiB ``cloud_essd`` PL1 encrypted with the cn-beijing KMS key
  and ``/dev/xvdc`` 200 GiB ``cloud_efficiency``; key pair :data:`RICH_KEY_PAIR_NAME`, RAM role
  :data:`RICH_RAM_ROLE_NAME`, user data :data:`RICH_USER_DATA`, deletion protection on, IMDSv2 required,
  resource group :data:`RICH_RESOURCE_GROUP_ID`, deployment set :data:`RICH_DEPLOYMENT_SET_ID`, a
  description, host name ``rich-app-1`` and tags ``app=rich``, ``env=demo``.
* ``spot-worker-1`` (:data:`SPOT_SOURCE_INSTANCE_ID`, 10.20.1.11): ecs.g7.large spot instance
  (SpotWithPriceLimit 0.25, one hour of protection, Terminate on interruption), a 40 GiB ``cloud_essd``
  system disk and no data disk, tags ``app=batch``.

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
    "DEMO_KMS_KEYS",
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
    "RICH_DATA_DISKS",
    "RICH_DEPLOYMENT_SET_ID",
    "RICH_KEY_PAIR_NAME",
    "RICH_RAM_ROLE_NAME",
    "RICH_REGION_ID",
    "RICH_RESOURCE_GROUP_ID",
    "RICH_SECURITY_GROUP_ID",
    "RICH_SOURCE_INSTANCE_ID",
    "RICH_SYSTEM_DISK_ID",
    "RICH_USER_DATA",
    "RICH_VPC_ID",
    "RICH_VSWITCH_ID",
    "RICH_ZONE_ID",
    "SEED_NAMES",
    "SPOT_SOURCE_INSTANCE_ID",
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

# The rich sources (cn-beijing) and what they use.
RICH_REGION_ID = "cn-beijing"
RICH_ZONE_ID = "cn-beijing-g"
RICH_VPC_ID = "vpc-2zer1ch0s0urce0vpc01"
RICH_VSWITCH_ID = "vsw-2zer1ch0s0urce0vsw01"
RICH_SECURITY_GROUP_ID = "sg-2zer1ch0s0urce0sg001"
RICH_SOURCE_INSTANCE_ID = "i-2zer1ch0s0urce00001"
SPOT_SOURCE_INSTANCE_ID = "i-2zer1ch0s0urce00002"
RICH_SYSTEM_DISK_ID = "d-2zer1ch0s0urce0disk01"
#: The rich source's data disks: device -> (disk ID, category, performance level, size, KMS key or "").
RICH_DATA_DISKS: dict[str, tuple[str, str, str, int, str]] = {
    "/dev/xvdb": ("d-2zer1ch0s0urce0disk02", "cloud_essd", "PL1", 100, "7d1c0a55-2b3e-4f60-9a1b-3c5d7e9f0b03"),
    "/dev/xvdc": ("d-2zer1ch0s0urce0disk03", "cloud_efficiency", "", 200, ""),
}
RICH_KEY_PAIR_NAME = "clone-demo-key"
RICH_RAM_ROLE_NAME = "CloneDemoAppRole"
RICH_RESOURCE_GROUP_ID = "rg-acfmclonedemo01"
RICH_DEPLOYMENT_SET_ID = "ds-2zer1ch0s0urce0ds01"
#: Base64 of a shell script that leaves a marker file.
RICH_USER_DATA = (
    "IyEvYmluL3NoCiMgcmljaC1hcHAtMTogd3JpdGUgYSBtYXJrZXIgc28gYSBjbG9uZSBjYW4gc2hvdyBpdCByYW4gaXRzIHVzZXIgZGF0YQpl"
    "Y2hvIGNsb25lZC1mcm9tLXJpY2gtYXBwID4gL3Zhci90bXAvY2xvbmUtbWFya2VyCgo="
)
#: A customer KMS key in each demo region (keys are regional: an encrypted disk crosses regions re-encrypted).
DEMO_KMS_KEYS: dict[str, str] = {
    "cn-hangzhou": "7d1c0a55-2b3e-4f60-9a1b-3c5d7e9f0b01",
    "cn-shanghai": "7d1c0a55-2b3e-4f60-9a1b-3c5d7e9f0b02",
    "cn-beijing": "7d1c0a55-2b3e-4f60-9a1b-3c5d7e9f0b03",
}
_RICH_PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCwzkdIW9Sz1HSOX8syng+Or4/NqaZ3cVy4AnB47xabmErGEDutiyudzOSMFhazzNehnRIA1"
    "9TWTMGHavKO3MtnowivQSDL6J3ZPhkXYNnU5t5OdW69hYxJFqCpajrI+bR8cgn/t9k1SK0cOxIbQOB1YQYCrBYa6riBYaxZnfHbFSpU2453AV"
    "KBUao2Al3W6s7ogFvPVjgnEjmqUTkn1r5wBkk9PR5L0Z3Qgzz4ku10srWyFNblKyIObv8ZskI8Eve1J/DjgidX4SsQjM3z62EXR6gTWujjqFh"
    "LOENOkmB7AsXxZuucc7+SNd7Oiqtd9i0HJk2TwVoaaQB0qBmr/b37"
)

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

def _kms_key(region_id: str) -> dict[str, Any]:
    return {"key_id": DEMO_KMS_KEYS[region_id], "description": f"Customer key of the demo in {region_id}"}


def _system_disk(disk_id: str) -> dict[str, Any]:
    return {
        "disk_id": disk_id,
        "disk_type": "system",
        "category": "cloud_essd",
        "performance_level": "PL1",
        "size": 40,
        "device": "/dev/xvda",
        "image_id": DEMO_IMAGE_ID,
        "creation_time": _CREATED,
    }


def _rich_data_disk(device: str, name: str) -> dict[str, Any]:
    disk_id, category, level, size, key = RICH_DATA_DISKS[device]
    return {
        "disk_id": disk_id,
        "disk_type": "data",
        "category": category,
        "performance_level": level,
        "size": size,
        "device": device,
        "name": name,
        "encrypted": bool(key),
        "kms_key_id": key,
        "delete_with_instance": True,
        "creation_time": _CREATED,
    }


def _rich_source() -> dict[str, Any]:
    return {
        "instance_id": RICH_SOURCE_INSTANCE_ID,
        "zone_id": RICH_ZONE_ID,
        "instance_type": DEMO_INSTANCE_TYPE,
        "image_id": DEMO_IMAGE_ID,
        "name": "rich-app-1",
        "host_name": "rich-app-1",
        "description": "Demo source that uses every setting a clone carries",
        "vswitch_id": RICH_VSWITCH_ID,
        "private_ips": ["10.20.1.10"],
        "security_group_ids": [RICH_SECURITY_GROUP_ID],
        "charge_type": "PostPaid",
        "internet_charge_type": "PayByTraffic",
        "internet_max_bandwidth_out": 5,
        "public_ip": "39.105.20.10",
        "tags": {"app": "rich", "env": "demo"},
        "creation_time": _CREATED,
        "status": "Running",
        "settings": {
            "key_pair_name": RICH_KEY_PAIR_NAME,
            "ram_role_name": RICH_RAM_ROLE_NAME,
            "user_data": RICH_USER_DATA,
            "deletion_protection": True,
            "resource_group_id": RICH_RESOURCE_GROUP_ID,
            "metadata": {"http_endpoint": "enabled", "http_tokens": "required", "hop_limit": 1},
            "internet_max_bandwidth_in": 10,
            "deployment_set_id": RICH_DEPLOYMENT_SET_ID,
        },
        "disks": [
            _system_disk(RICH_SYSTEM_DISK_ID),
            _rich_data_disk("/dev/xvdb", "app-data"),
            _rich_data_disk("/dev/xvdc", "app-logs"),
        ],
    }


def _spot_source() -> dict[str, Any]:
    return {
        "instance_id": SPOT_SOURCE_INSTANCE_ID,
        "zone_id": RICH_ZONE_ID,
        "instance_type": DEMO_INSTANCE_TYPE,
        "image_id": DEMO_IMAGE_ID,
        "name": "spot-worker-1",
        "host_name": "spot-worker-1",
        "description": "Demo spot instance",
        "vswitch_id": RICH_VSWITCH_ID,
        "private_ips": ["10.20.1.11"],
        "security_group_ids": [RICH_SECURITY_GROUP_ID],
        "charge_type": "PostPaid",
        "tags": {"app": "batch"},
        "creation_time": _CREATED,
        "status": "Running",
        "settings": {
            "spot": {"strategy": "SpotWithPriceLimit", "price_limit": 0.25, "duration": 1,
                     "interruption_behavior": "Terminate"},
        },
        "disks": [_system_disk("d-2zer1ch0s0urce0disk04")],
    }


def _rich_rule(direction: str, ports: str, peer: str, rule_no: int, description: str) -> dict[str, Any]:
    rule = _rule(direction, "TCP" if direction == "ingress" else "ALL", ports, peer, rule_no, description)
    rule["rule_id"] = f"sgr-2zer1ch0s0urce0r{rule_no:03d}"
    return rule


_RICH_REGION: dict[str, Any] = {
    "kms_keys": [_kms_key(RICH_REGION_ID)],
    "vpcs": [
        {
            "vpc_id": RICH_VPC_ID,
            "cidr_block": "10.20.0.0/16",
            "name": "rich-vpc",
            "description": "Network of the rich sources",
            "vrouter_id": "vrt-2zer1ch0s0urce0vrt01",
            "route_table_id": "vtb-2zer1ch0s0urce0vtb01",
            "creation_time": _CREATED,
        }
    ],
    "vswitches": [
        {
            "vswitch_id": RICH_VSWITCH_ID,
            "vpc_id": RICH_VPC_ID,
            "zone_id": RICH_ZONE_ID,
            "cidr_block": "10.20.1.0/24",
            "name": "rich-vsw-g",
            "creation_time": _CREATED,
        }
    ],
    "security_groups": [
        {
            "group_id": RICH_SECURITY_GROUP_ID,
            "vpc_id": RICH_VPC_ID,
            "name": "rich-sg",
            "description": "The rich sources",
            "creation_time": _CREATED,
            "rules": [
                _rich_rule("ingress", "22/22", "0.0.0.0/0", 1, "ssh"),
                _rich_rule("ingress", "443/443", "0.0.0.0/0", 2, "https"),
                _rich_rule("egress", "-1/-1", "0.0.0.0/0", 3, "all outbound"),
            ],
        }
    ],
    "key_pairs": [
        {"key_pair_id": "ssh-2zer1ch0s0urce0kp01", "name": RICH_KEY_PAIR_NAME, "public_key": _RICH_PUBLIC_KEY,
         "creation_time": _CREATED, "resource_group_id": RICH_RESOURCE_GROUP_ID}
    ],
    "deployment_sets": [
        {"deployment_set_id": RICH_DEPLOYMENT_SET_ID, "name": "rich-spread", "description": "Spread the rich sources",
         "strategy": "Availability", "creation_time": _CREATED}
    ],
    "instances": [_rich_source(), _spot_source()],
}

_DEMO_ACCOUNT_RESOURCES: dict[str, Any] = {
    "ram_roles": [{"name": RICH_RAM_ROLE_NAME, "description": "Role of the demo's app servers"}],
    "resource_groups": [{"resource_group_id": RICH_RESOURCE_GROUP_ID, "name": "clone-demo", "display_name": "Clone demo"}],
}

SEED_NAMES: tuple[str, ...] = ("demo", "empty")


def world_named(name: str) -> dict[str, Any]:
    """A fresh copy of the named seed world: "demo" or "empty"."""
    if name == "empty":
        return copy.deepcopy(_EMPTY)
    if name == "demo":
        world = copy.deepcopy(_EMPTY)
        account = world["accounts"]["testid"]
        account.update(copy.deepcopy(_DEMO_ACCOUNT_RESOURCES))
        account["regions"][DEMO_REGION_ID] = copy.deepcopy(_DEMO_REGION)
        account["regions"][DEMO_REGION_ID]["kms_keys"] = [_kms_key(DEMO_REGION_ID)]
        account["regions"]["cn-shanghai"] = {"kms_keys": [_kms_key("cn-shanghai")]}
        account["regions"][RICH_REGION_ID] = copy.deepcopy(_RICH_REGION)
        return world
    raise ValueError(f"unknown seed {name!r}: use one of {', '.join(SEED_NAMES)}, or pass a world dict")
