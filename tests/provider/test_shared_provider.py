"""One provider process for every Terraform run of a command, serving every aliased configuration (one per
region) on its own connection, and only its own user's connections."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import grpc
import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.utils import Diagnostics, to_dynamic_value

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
