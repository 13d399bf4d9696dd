"""The context-file cache: a cached look-up makes no API call; refresh asks again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_clone.api import AlibabaCloudClient
from cdk_clone.lookup import (
    ContextFile,
    ContextFileError,
    SourceInstance,
    lookup_source_instance,
    lookup_zone_ids,
    source_from_entry,
    source_instance_key,
)
from fake_api.seeds import DEMO_SOURCE_INSTANCE_ID

SOURCE_REGION = "cn-hangzhou"


def _open_port_8443(client: AlibabaCloudClient, group_id: str) -> None:
    client.ecs(
        "AuthorizeSecurityGroup",
        {
            "SecurityGroupId": group_id,
            "Permissions.1.IpProtocol": "TCP",
            "Permissions.1.PortRange": "8443/8443",
            "Permissions.1.SourceCidrIp": "10.9.0.0/16",
        },
    )


def _has_8443(source: SourceInstance) -> bool:
    return any(r.port_range == "8443/8443" for g in source.security_groups for r in g.rules)


def test_first_look_up_is_written_to_the_context_file(
    client: AlibabaCloudClient, context_file: Path, fake_cloud: Any
) -> None:
    source = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    stored = json.loads(context_file.read_text())
    assert list(stored) == [f"source-instance:{SOURCE_REGION}:{DEMO_SOURCE_INSTANCE_ID}"]
    assert source_from_entry(stored[source_instance_key(SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)]) == source
    assert fake_cloud.calls(action="DescribeInstances")


def test_second_look_up_makes_no_api_call(client: AlibabaCloudClient, context_file: Path, fake_cloud: Any) -> None:
    first = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    calls_before = len(fake_cloud.calls())
    second = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    assert second == first
    assert len(fake_cloud.calls()) == calls_before


def test_cached_look_up_needs_neither_credentials_nor_network(
    client: AlibabaCloudClient, context_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    # No client given, no credentials, an endpoint nobody listens on: only the file can answer.
    monkeypatch.setenv("CDK_CLONE_ENDPOINT", "http://127.0.0.1:9")
    assert SourceInstance.lookup(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file) == first


def test_a_clone_is_a_copy_at_a_point_in_time_until_refreshed(
    client: AlibabaCloudClient, context_file: Path
) -> None:
    before = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    _open_port_8443(client, before.security_group_ids[0])

    cached = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    assert not _has_8443(cached)

    refreshed = lookup_source_instance(
        DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client, refresh=True
    )
    assert _has_8443(refreshed)
    # ... and the refreshed snapshot is what later look-ups see.
    assert _has_8443(lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file))


def test_refresh_from_the_environment(
    client: AlibabaCloudClient, context_file: Path, monkeypatch: pytest.MonkeyPatch, fake_cloud: Any
) -> None:
    before = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    _open_port_8443(client, before.security_group_ids[0])
    monkeypatch.setenv("CDK_CLONE_REFRESH_CONTEXT", "1")
    # A fresh key for this process: the first look-up with the variable set re-reads it.
    monkeypatch.setattr("cdk_clone.lookup.context._refreshed_keys", set())
    assert _has_8443(
        lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    )
    # Within the same synth the variable does not make every construct ask again.
    calls_before = len(fake_cloud.calls())
    lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    assert len(fake_cloud.calls()) == calls_before


def test_zones_are_cached_too(client: AlibabaCloudClient, context_file: Path, fake_cloud: Any) -> None:
    zones = lookup_zone_ids("cn-shanghai", context_file=context_file, client=client)
    assert zones and all(z.startswith("cn-shanghai-") for z in zones)
    calls_before = len(fake_cloud.calls())
    assert lookup_zone_ids("cn-shanghai", context_file=context_file, client=client) == zones
    assert len(fake_cloud.calls()) == calls_before
    assert ContextFile(context_file).keys() == ["zones:cn-shanghai"]


def test_default_location_is_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CDK_CLONE_CONTEXT_FILE", raising=False)
    assert ContextFile().path == tmp_path / "cdk-clone.context.json"
    monkeypatch.setenv("CDK_CLONE_CONTEXT_FILE", str(tmp_path / "other.json"))
    assert ContextFile().path == tmp_path / "other.json"


def test_a_broken_entry_says_how_to_remove_it(context_file: Path) -> None:
    context_file.write_text(json.dumps({source_instance_key(SOURCE_REGION, "i-bp1broken0001"): {"instance_id": 1}}))
    with pytest.raises(ContextFileError, match=r"cdk-clone context --clear source-instance:cn-hangzhou:i-bp1broken0001"):
        lookup_source_instance("i-bp1broken0001", SOURCE_REGION, context_file=context_file)


def test_an_entry_of_an_older_format_is_refused_as_incomplete(
    client: AlibabaCloudClient, context_file: Path
) -> None:
    source = lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    key = source_instance_key(SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID)
    # What an older cdk-clone wrote: the fields it knew, no format marker.
    old = {k: v for k, v in json.loads(context_file.read_text())[key].items() if k in _FORMAT_1_FIELDS}
    context_file.write_text(json.dumps({key: old}))
    with pytest.raises(ContextFileError, match=r"older cdk-clone \(snapshot format 1, now 2\).*--clear " + key):
        lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file)
    assert source.instance_id == DEMO_SOURCE_INSTANCE_ID


_FORMAT_1_FIELDS = {
    "instance_id", "region_id", "zone_id", "instance_type", "cpu", "memory_mib", "image_id", "image_visible",
    "network_type", "vpc_id", "vpc_cidr_block", "vswitch_id", "vswitch_cidr_block", "private_ip",
    "instance_charge_type", "period", "period_unit", "security_groups", "instance_name", "host_name", "disks",
    "tags", "internet_max_bandwidth_out",
}


def test_writes_leave_no_temporary_files(client: AlibabaCloudClient, context_file: Path) -> None:
    lookup_source_instance(DEMO_SOURCE_INSTANCE_ID, SOURCE_REGION, context_file=context_file, client=client)
    ContextFile(context_file).remove(source_instance_key(SOURCE_REGION, DEMO_SOURCE_INSTANCE_ID))
    assert [p.name for p in context_file.parent.iterdir()] == [context_file.name]


def test_sources_looked_up_together_read_what_they_share_once(
    client: AlibabaCloudClient, context_file: Path, fake_cloud: Any
) -> None:
    from cdk_clone.lookup.context import lookup_source_instances
    from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_VSWITCH_ID

    others = [
        fake_cloud.cloud.seed_instance(
            SOURCE_REGION,
            vswitch_id=DEMO_VSWITCH_ID,
            security_group_ids=[DEMO_SECURITY_GROUP_ID],
            image_id=DEMO_IMAGE_ID,
            private_ip=f"192.168.1.{50 + n}",
        )
        for n in range(3)
    ]
    wanted = [DEMO_SOURCE_INSTANCE_ID, *others]
    before = len(fake_cloud.calls())
    sources = lookup_source_instances(wanted, SOURCE_REGION, context_file=context_file, client=client)
    assert [s.instance_id for s in sources] == wanted
    calls = [c["action"] for c in fake_cloud.calls()[before:]]
    # One DescribeInstances and one DescribeInstanceRamRole for the four; the VPC, vSwitch, group and image they
    # share once; disks and user data (no action takes several instances) per source.
    assert sorted(calls) == sorted(
        ["DescribeInstances", "DescribeInstanceRamRole", "DescribeVpcs", "DescribeVSwitches",
         "DescribeSecurityGroupAttribute", "DescribeImages"]
        + ["DescribeDisks", "DescribeUserData"] * 4
    )
    assert set(json.loads(context_file.read_text())) == {source_instance_key(SOURCE_REGION, i) for i in wanted}
    again = len(fake_cloud.calls())
    assert lookup_source_instances(wanted, SOURCE_REGION, context_file=context_file, client=client) == sources
    assert len(fake_cloud.calls()) == again, "cached: no call"
