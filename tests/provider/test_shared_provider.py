"""One provider process for every Terraform run of a command, serving every aliased configuration (one per
region) on its own connection, and only its own user's connections."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import grpc
import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.utils import Diagnostics, to_dynamic_value

from cdk_clone._owned_listings import (
    OWNED_LISTING_ENV,
    OwnedListing,
    reach_digest,
    read_owned_listings,
    write_owned_listings,
)
from cdk_clone.engine import SharedProvider
from cdk_clone.provider._batching import answers
from cdk_clone.provider._connections import Configurations, same_user_peer
from cdk_clone.provider._provider import EcsClonePlugin
from cdk_clone.provider._servicer import EcsCloneServicer

from .cloud import objects
from .conftest import SYSTEM_TERRAFORM, TerraformRun, make_run

TWO_REGIONS = """
provider "ecsclone" {
  region = "cn-hangzhou"
}
provider "ecsclone" {
  alias  = "shanghai"
  region = "cn-shanghai"
}
"""

VPCS = """
resource "ecsclone_vpc" "here" {
  cidr_block = "10.40.0.0/16"
}
resource "ecsclone_vpc" "there" {
  provider   = ecsclone.shanghai
  cidr_block = "10.41.0.0/16"
}
"""


def _started_by_terraform(log: Path) -> int:
    return sum("starting plugin" in line and "ecsclone" in line for line in log.read_text().splitlines())


@pytest.mark.e2e
def test_one_shared_process_serves_every_run_and_every_region(terraform: TerraformRun, fake_cloud: Any, tmp_path: Path) -> None:
    tf = terraform
    tf.write(VPCS, provider=TWO_REGIONS)
    tf.init()
    log = tmp_path / "terraform.log"
    with SharedProvider.launch(tf.env, log_path=tmp_path / "provider.log") as provider:
        tf.env.update(provider.reattach_environment(), TF_LOG="debug", TF_LOG_PATH=str(log))
        tf.apply()
        assert not tf.plan_has_changes()
        assert provider.process.poll() is None, "Terraform leaves the shared process running"
        tf.destroy()
    assert provider.process.returncode is not None, "stopped with the command"
    assert _started_by_terraform(log) == 0, "Terraform started no provider of its own"
    calls = fake_cloud.calls("CreateVpc")
    # Each configuration's calls went to its own region: the connection told them apart.
    assert sorted((c["params"]["RegionId"], c["params"]["CidrBlock"]) for c in calls) == [
        ("cn-hangzhou", "10.40.0.0/16"),
        ("cn-shanghai", "10.41.0.0/16"),
    ]
    assert not [v for v in objects(fake_cloud, "vpcs", "cn-shanghai") if v["cidr_block"] == "10.41.0.0/16"]


@pytest.mark.e2e
def test_without_sharing_terraform_starts_the_provider_itself(fake_cloud: Any, tmp_path: Path) -> None:
    tf = make_run(tmp_path, fake_cloud, "system" if SYSTEM_TERRAFORM.exists() else "bundled")
    tf.write(VPCS, provider=TWO_REGIONS)
    log = tmp_path / "terraform.log"
    tf.env.update(TF_LOG="debug", TF_LOG_PATH=str(log))
    tf.apply()
    assert _started_by_terraform(log) >= 2, "one process per configuration and walk"
    tf.destroy()


def _table(tmp_path: Path, client_port: int, server_port: int, uid: int) -> str:
    header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    line = (
        f"   0: 0100007F:{client_port:04X} 0100007F:{server_port:04X} 01 00000000:00000000 00:00000000 00000000"
        f"  {uid}        0 12345 1 0000000000000000 20 4 30 10 -1\n"
    )
    path = tmp_path / "tcp"
    path.write_text(header + line)
    return str(path)


def test_only_connections_of_the_same_user_are_admitted(tmp_path: Path) -> None:
    mine = _table(tmp_path, 50718, 43207, os.getuid())
    assert same_user_peer("ipv4:127.0.0.1:50718", 43207, tables=(mine,))
    assert not same_user_peer("ipv4:127.0.0.1:50719", 43207, tables=(mine,)), "an unknown connection"
    assert not same_user_peer("ipv4:127.0.0.1:50718", 43208, tables=(mine,)), "to another server"
    assert not same_user_peer("unix:", 43207, tables=(mine,))
    assert not same_user_peer("ipv4:10.0.0.5:50718", 43207, tables=(mine,))
    other = _table(tmp_path, 50718, 43207, os.getuid() + 1)
    assert not same_user_peer("ipv4:127.0.0.1:50718", 43207, tables=(other,)), "another user's connection"


class _Context:
    def __init__(self, peer: str) -> None:
        self._peer = peer

    def peer(self) -> str:
        return self._peer

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise PermissionError(f"{code}: {details}")


def _configure(servicer: EcsCloneServicer, peer: str, region: str) -> Any:
    config = {"region": region, "endpoint": None, "access_key": "testid", "secret_key": "testsecret"}
    return servicer.ConfigureProvider(pb.ConfigureProvider.Request(config=to_dynamic_value(config)), _Context(peer))


def test_each_connection_gets_the_plugin_its_configure_call_set_up() -> None:
    servicer = EcsCloneServicer(EcsClonePlugin())
    assert not _configure(servicer, "ipv4:127.0.0.1:1001", "cn-hangzhou").diagnostics
    assert not _configure(servicer, "ipv4:127.0.0.1:1002", "cn-shanghai").diagnostics
    assert not _configure(servicer, "ipv4:127.0.0.1:1003", "cn-shanghai").diagnostics
    configurations: Configurations = servicer._configurations
    here = configurations.plugin_for("ipv4:127.0.0.1:1001")
    there = configurations.plugin_for("ipv4:127.0.0.1:1002")
    assert (here.region, there.region) == ("cn-hangzhou", "cn-shanghai")
    assert configurations.plugin_for("ipv4:127.0.0.1:1003") is there, "same arguments, one plugin (one client)"
    assert configurations.plugin_for("ipv4:127.0.0.1:9999") is configurations.unconfigured


def test_a_refused_connection_gets_permission_denied() -> None:
    servicer = EcsCloneServicer(EcsClonePlugin(), admit=lambda peer: peer == "ipv4:127.0.0.1:1001")
    assert not _configure(servicer, "ipv4:127.0.0.1:1001", "cn-hangzhou").diagnostics
    with pytest.raises(PermissionError, match="PERMISSION_DENIED"):
        _configure(servicer, "ipv4:127.0.0.1:2002", "cn-hangzhou")
    with pytest.raises(PermissionError, match="PERMISSION_DENIED"):
        servicer.GetProviderSchema(pb.GetProviderSchema.Request(), _Context("ipv4:127.0.0.1:2002"))


def test_a_configuration_error_binds_no_plugin() -> None:
    configurations = Configurations(EcsClonePlugin())
    diags = Diagnostics()
    configurations.configure("ipv4:127.0.0.1:1001", {"region": None}, diags)
    assert diags.has_errors()
    assert configurations.plugin_for("ipv4:127.0.0.1:1001") is configurations.unconfigured


def test_a_new_terraform_run_on_a_shared_provider_reads_the_cloud_afresh() -> None:
    # The shared answers of a plugin (stock, the deployment's listing of owned objects for adoption) held the
    # cloud as one run saw it; a later run (a new connection, same arguments, same client) must not be
    # answered from them: an earlier run's listing would hide what that run made.
    servicer = EcsCloneServicer(EcsClonePlugin())
    assert not _configure(servicer, "ipv4:127.0.0.1:1001", "cn-hangzhou").diagnostics
    plugin = servicer._configurations.plugin_for("ipv4:127.0.0.1:1001")
    answers(plugin.client).get(("owned", "instance"), lambda: frozenset())
    assert answers(plugin.client).get(("owned", "instance"), lambda: frozenset({"found"})) == frozenset()
    assert not _configure(servicer, "ipv4:127.0.0.1:1001", "cn-hangzhou").diagnostics  # the same connection
    assert answers(plugin.client).get(("owned", "instance"), lambda: frozenset({"found"})) == frozenset()
    assert not _configure(servicer, "ipv4:127.0.0.1:1002", "cn-hangzhou").diagnostics  # the next run
    assert servicer._configurations.plugin_for("ipv4:127.0.0.1:1002") is plugin
    assert answers(plugin.client).get(("owned", "instance"), lambda: frozenset({"found"})) == frozenset({"found"})


def _listing(path: Path, region: str, owners: frozenset[str], *, taken: float | None = None, endpoint: str | None = None,
             access_key_id: str = "testid") -> None:
    from cdk_clone.api import resolve_endpoint

    reach = reach_digest(resolve_endpoint("ecs", region, endpoint), access_key_id)
    write_owned_listings(path, [OwnedListing(region, reach, "d" * 32, "instance", owners)], clock=taken)


def test_a_new_run_takes_the_listing_the_command_made_just_before_it_and_only_that(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cdk-clone lists the deployment's objects just before a deploy; the run's provider takes that listing
    # instead of making the same one again, when it is fresh and made for its own account and endpoint.
    listing = tmp_path / "owned.json"
    monkeypatch.setenv(OWNED_LISTING_ENV, str(listing))
    key = ("owned", "instance", "cn-hangzhou", "d" * 32)
    servicer = EcsCloneServicer(EcsClonePlugin())

    def next_run(peer: str) -> frozenset[str]:
        assert not _configure(servicer, peer, "cn-hangzhou").diagnostics
        plugin = servicer._configurations.plugin_for(peer)
        return answers(plugin.client).get(key, lambda: frozenset({"listed by the provider"}))

    _listing(listing, "cn-hangzhou", frozenset({"owner-1"}))
    assert next_run("ipv4:127.0.0.1:1001") == frozenset({"owner-1"})
    # Older than the provider's shared answers live: listed again.
    _listing(listing, "cn-hangzhou", frozenset({"owner-1"}), taken=time.time() - 60)
    assert next_run("ipv4:127.0.0.1:1002") == frozenset({"listed by the provider"})
    # Made with other credentials, or at another endpoint: listed again.
    _listing(listing, "cn-hangzhou", frozenset({"owner-1"}), access_key_id="someone-else")
    assert next_run("ipv4:127.0.0.1:1003") == frozenset({"listed by the provider"})
    _listing(listing, "cn-hangzhou", frozenset({"owner-1"}), endpoint="http://127.0.0.1:1")
    assert next_run("ipv4:127.0.0.1:1004") == frozenset({"listed by the provider"})
    # Another region's listing answers for that region only; a file gone or unreadable is no listing.
    _listing(listing, "cn-shanghai", frozenset({"owner-2"}))
    assert next_run("ipv4:127.0.0.1:1005") == frozenset({"listed by the provider"})
    listing.write_text("{not json")
    assert next_run("ipv4:127.0.0.1:1006") == frozenset({"listed by the provider"})
    listing.unlink()
    assert next_run("ipv4:127.0.0.1:1007") == frozenset({"listed by the provider"})


def test_a_listing_file_is_replaced_whole_and_read_back_with_its_age(tmp_path: Path) -> None:
    path = tmp_path / "owned.json"
    listing = OwnedListing("cn-hangzhou", "r" * 64, "d" * 32, "vpc", frozenset({"a", "b"}))
    write_owned_listings(path, [listing], clock=1000.0)
    assert not list(tmp_path.glob("*.partial"))
    (read,) = read_owned_listings(path, max_age=30, clock=1010.0)
    assert (read.owners, read.kind, read.age) == (frozenset({"a", "b"}), "vpc", 10.0)
    assert read_owned_listings(path, max_age=30, clock=1031.0) == []  # stale
    assert read_owned_listings(path, max_age=30, clock=990.0) == []  # from the future: a clock went back
