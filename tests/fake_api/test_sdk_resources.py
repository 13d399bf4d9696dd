"""The official Python SDK (alibabacloud_ecs20140526), unmodified, over loopback, on the fake's disks, snapshots,
image disk mappings and encrypted copies: every answer parses into the SDK's models, and every field of those
models is filled except the ones listed here as not modelled (with the reason in docs/fake_api.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.model import DaraModel

from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_VSWITCH_ID
from fake_api.server import RunningFake

# What is checked here is each answer's shape through the SDK models, not how long things take.
pytestmark = pytest.mark.fake_profile("instant")

R, SH = "cn-hangzhou", "cn-shanghai"
HANGZHOU_KEY = "0e478b7a-4262-4802-b8cb-00d3fb40c001"
SHANGHAI_KEY = "0e478b7a-4262-4802-b8cb-00d3fb40c002"
ALL_IMAGE_STATUSES = "Creating,Waiting,Available,UnAvailable,CreateFailed"

# Fields of the SDK models that the fake leaves empty, and why (the same list is in docs/fake_api.md).
DISK_NOT_MODELLED = {
    "bdf_id",  # invitational preview
    "data_source",  # undocumented
    "storage_cluster_id",  # dedicated block storage clusters are not modelled
    "storage_set_id",  # storage sets are not modelled
    "storage_set_partition_number",
    "placement",  # only for regional disks, and only with AdditionalAttributes=Placement
    "source_disk_id",  # disks copied from disks are not modelled
}
SNAPSHOT_NOT_MODELLED = {
    "full_snapshot_size_in_bytes",  # the fake holds no data
    "instant_access_retention_days",  # instant access is not modelled
    "retention_days",  # automatic snapshots are not modelled
    "snapshot_link_id",  # snapshot chains are not modelled
}


def unfilled(model: DaraModel, prefix: str = "") -> set[str]:
    """Dotted names of the model's fields (recursively) that the answer left empty."""
    empty: set[str] = set()
    for name, value in vars(model).items():
        if name.startswith("_"):
            continue
        if value is None:
            empty.add(prefix + name)
        elif isinstance(value, DaraModel):
            empty |= unfilled(value, f"{prefix}{name}.")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, DaraModel):
                    empty |= unfilled(item, f"{prefix}{name}[].")
    return empty


def client(fake: RunningFake, region: str) -> EcsClient:
    return EcsClient(
        Config(
            access_key_id=fake.access_key_id,
            access_key_secret=fake.access_key_secret,
            endpoint=f"{fake.host}:{fake.port}",
            protocol="http",
            region_id=region,
        )
    )


def launch_rich(ecs: EcsClient, **extra: Any) -> str:
    request = ecs_models.RunInstancesRequest(
        region_id=R,
        image_id=DEMO_IMAGE_ID,
        instance_type="ecs.g7.large",
        v_switch_id=DEMO_VSWITCH_ID,
        security_group_id=DEMO_SECURITY_GROUP_ID,
        system_disk=ecs_models.RunInstancesRequestSystemDisk(category="cloud_essd", performance_level="PL1", size="60"),
        data_disk=[
            ecs_models.RunInstancesRequestDataDisk(
                category="cloud_essd", performance_level="PL2", size=500, encrypted="true", kmskey_id=HANGZHOU_KEY,
                disk_name="db-data", description="database files", delete_with_instance=True,
            ),
            ecs_models.RunInstancesRequestDataDisk(category="cloud_auto", size=100, bursting_enabled=True,
                                                   provisioned_iops=1000),
        ],
        **extra,
    )
    (instance_id,) = ecs.run_instances(request).body.instance_id_sets.instance_id_set
    return str(instance_id)


def test_disks_snapshots_and_encrypted_copies_through_the_sdk(fake_cloud: RunningFake) -> None:
    with fake_cloud.cloud.lock:
        fake_cloud.cloud.seed_kms_key(R, key_id=HANGZHOU_KEY)
        fake_cloud.cloud.seed_kms_key(SH, key_id=SHANGHAI_KEY)
    ecs, ecs_sh = client(fake_cloud, R), client(fake_cloud, SH)
    instance_id = launch_rich(ecs)

    disks = ecs.describe_disks(ecs_models.DescribeDisksRequest(region_id=R, instance_id=instance_id)).body
    assert [(d.type, d.category, d.performance_level, d.size) for d in disks.disks.disk] == [
        ("system", "cloud_essd", "PL1", 60),
        ("data", "cloud_essd", "PL2", 500),
        ("data", "cloud_auto", "", 100),
    ]
    encrypted = disks.disks.disk[1]
    assert (encrypted.encrypted, encrypted.kmskey_id, encrypted.disk_name) == (True, HANGZHOU_KEY, "db-data")
    auto = disks.disks.disk[2]
    assert (auto.bursting_enabled, auto.provisioned_iops) == (True, 1000)
    for disk in disks.disks.disk:
        assert unfilled(disk) == DISK_NOT_MODELLED
        assert disk.attachments.attachment[0].instance_id == instance_id

    image_id = ecs.create_image(
        ecs_models.CreateImageRequest(region_id=R, instance_id=instance_id, image_name="TemplateScratch-sdk")
    ).body.image_id
    image = ecs.describe_images(
        ecs_models.DescribeImagesRequest(region_id=R, image_id=image_id, status=ALL_IMAGE_STATUSES)
    ).body.images.image[0]
    mappings = image.disk_device_mappings.disk_device_mapping
    assert [(m.type, m.device, m.size, m.encrypted) for m in mappings] == [
        ("system", "/dev/xvda", "60", False),
        ("data", "/dev/xvdb", "500", True),
        ("data", "/dev/xvdc", "100", False),
    ]
    snapshot_ids = [m.snapshot_id for m in mappings]
    found = ecs.describe_snapshots(
        ecs_models.DescribeSnapshotsRequest(region_id=R, snapshot_ids=json.dumps(snapshot_ids))
    ).body
    assert [s.snapshot_id for s in found.snapshots.snapshot] == snapshot_ids
    for snapshot in found.snapshots.snapshot:
        assert (snapshot.status, snapshot.usage, snapshot.source_disk_type) in {
            ("accomplished", "image", "system"),
            ("accomplished", "image", "data"),
        }
        assert unfilled(snapshot) == SNAPSHOT_NOT_MODELLED

    copy_id = ecs.copy_image(
        ecs_models.CopyImageRequest(
            region_id=R, image_id=image_id, destination_region_id=SH, destination_image_name="TemplateScratch-copy",
            encrypted=True, kmskey_id=SHANGHAI_KEY,
        )
    ).body.image_id
    copy = ecs_sh.describe_images(
        ecs_models.DescribeImagesRequest(region_id=SH, image_id=copy_id, status=ALL_IMAGE_STATUSES)
    ).body.images.image[0]
    copied_ids = [m.snapshot_id for m in copy.disk_device_mappings.disk_device_mapping]
    copied = ecs_sh.describe_snapshots(
        ecs_models.DescribeSnapshotsRequest(region_id=SH, snapshot_ids=json.dumps(copied_ids))
    ).body.snapshots.snapshot
    assert [(s.source_snapshot_id, s.source_region_id, s.kmskey_id) for s in copied] == [
        (source, R, SHANGHAI_KEY) for source in snapshot_ids
    ]

    ecs.delete_instance(ecs_models.DeleteInstanceRequest(instance_id=instance_id, force=True))
    ecs.delete_image(ecs_models.DeleteImageRequest(region_id=R, image_id=image_id))
    for snapshot_id in snapshot_ids:
        ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snapshot_id, force=True))
    left = ecs.describe_snapshots(
        ecs_models.DescribeSnapshotsRequest(region_id=R, snapshot_ids=json.dumps(snapshot_ids))
    ).body
    assert left.total_count == 0
    assert {call["code"] for call in fake_cloud.calls()} == {"OK"}


@pytest.mark.fake_profile("instant")
def test_a_kept_disk_is_deleted_through_the_sdk(fake_cloud: RunningFake) -> None:
    ecs = client(fake_cloud, R)
    request = ecs_models.RunInstancesRequest(
        region_id=R, image_id=DEMO_IMAGE_ID, instance_type="ecs.g7.large", v_switch_id=DEMO_VSWITCH_ID,
        security_group_id=DEMO_SECURITY_GROUP_ID,
        data_disk=[ecs_models.RunInstancesRequestDataDisk(size=40, delete_with_instance=False)],
    )
    (instance_id,) = ecs.run_instances(request).body.instance_id_sets.instance_id_set
    ecs.delete_instance(ecs_models.DeleteInstanceRequest(instance_id=instance_id, force=True))
    kept = ecs.describe_disks(ecs_models.DescribeDisksRequest(region_id=R, status="Available")).body.disks.disk
    (disk,) = kept
    assert (disk.status, disk.instance_id, disk.portable) == ("Available", "", True)
    ecs.delete_disk(ecs_models.DeleteDiskRequest(disk_id=disk.disk_id))
    assert ecs.describe_disks(ecs_models.DescribeDisksRequest(region_id=R, status="Available")).body.total_count == 0


# Instance settings, access and identity -------------------------------------------------------------------
INSTANCE_NOT_MODELLED = {
    "additional_info",  # managed hosts and high-density mode are not modelled
    "clock_options",  # PTP clocks are not modelled
    "private_dns_name_options",  # private DNS names are not modelled
    "security_options",  # trusted systems and secure boot are not modelled
    "cpu_options.enable_visst",  # CPU tuning options beyond cores and threads are not modelled
    "cpu_options.enable_vrdt",
    "cpu_options.nested_virtualization",
    "cpu_options.topology_type",
    "cpu_options.turbo_mode",
    "image_options.current_osnvme_supported",  # NVMe support of images is not modelled
}
INSTANCE_ATTRIBUTE_NOT_MODELLED = {"security_options"}
RAM_ROLE = "EcsAppRole"


@pytest.mark.fake_profile("instant")  # what is checked is each answer's shape, not how long things take
def test_instance_settings_and_access_through_the_sdk(fake_cloud: RunningFake) -> None:
    with fake_cloud.cloud.lock:
        fake_cloud.cloud.seed_ram_role(name=RAM_ROLE)
    ecs, ecs_sh = client(fake_cloud, R), client(fake_cloud, SH)
    created = ecs.create_key_pair(ecs_models.CreateKeyPairRequest(region_id=R, key_pair_name="deploy-key")).body
    assert created.private_key_body.startswith("-----BEGIN PRIVATE KEY-----")
    listed = ecs.describe_key_pairs(ecs_models.DescribeKeyPairsRequest(region_id=R, include_public_key=True)).body
    (key,) = listed.key_pairs.key_pair
    assert (key.key_pair_name, key.key_pair_finger_print) == ("deploy-key", created.key_pair_finger_print)
    assert unfilled(key) == set()
    imported = ecs_sh.import_key_pair(
        ecs_models.ImportKeyPairRequest(region_id=SH, key_pair_name="deploy-key", public_key_body=key.public_key)
    ).body
    assert imported.key_pair_finger_print == created.key_pair_finger_print

    deployment_set_id = ecs.create_deployment_set(
        ecs_models.CreateDeploymentSetRequest(region_id=R, deployment_set_name="web-spread")
    ).body.deployment_set_id
    request = ecs_models.RunInstancesRequest(
        region_id=R,
        image_id=DEMO_IMAGE_ID,
        instance_type="ecs.g7.large",
        v_switch_id=DEMO_VSWITCH_ID,
        security_group_id=DEMO_SECURITY_GROUP_ID,
        amount=2,
        instance_name="app-[1,2]",
        host_name="app-[1,2]",
        key_pair_name="deploy-key",
        ram_role_name=RAM_ROLE,
        user_data="ZWNobyBoaQ==",
        deletion_protection=True,
        internet_charge_type="PayByTraffic",
        internet_max_bandwidth_out=5,
        internet_max_bandwidth_in=8,
        http_tokens="required",
        deployment_set_id=deployment_set_id,
        tag=[ecs_models.RunInstancesRequestTag(key="app", value="web")],
        network_interface=[ecs_models.RunInstancesRequestNetworkInterface(network_interface_name="backend")],
    )
    ids = ecs.run_instances(request).body.instance_id_sets.instance_id_set
    instances = ecs.describe_instances(
        ecs_models.DescribeInstancesRequest(region_id=R, instance_ids=json.dumps(ids))
    ).body.instances.instance
    for found in instances:
        assert unfilled(found) == INSTANCE_NOT_MODELLED
        assert (found.key_pair_name, found.deletion_protection, found.deployment_set_id) == (
            "deploy-key", True, deployment_set_id,
        )
        assert (found.internet_max_bandwidth_in, found.metadata_options.http_tokens) == (8, "required")
        assert [eni.type for eni in found.network_interfaces.network_interface] == ["Primary", "Secondary"]
    assert sorted((i.instance_name, i.host_name) for i in instances) == [("app-01", "app-01"), ("app-02", "app-02")]
    attribute = ecs.describe_instance_attribute(ecs_models.DescribeInstanceAttributeRequest(instance_id=ids[0])).body
    assert unfilled(attribute) == INSTANCE_ATTRIBUTE_NOT_MODELLED
    assert ecs.describe_user_data(
        ecs_models.DescribeUserDataRequest(region_id=R, instance_id=ids[0])
    ).body.user_data == "ZWNobyBoaQ=="
    roles = ecs.describe_instance_ram_role(
        ecs_models.DescribeInstanceRamRoleRequest(region_id=R, instance_ids=json.dumps(ids))
    ).body
    assert {r.ram_role_name for r in roles.instance_ram_role_sets.instance_ram_role_set} == {RAM_ROLE}
    detached = ecs.detach_instance_ram_role(
        ecs_models.DetachInstanceRamRoleRequest(region_id=R, instance_ids=json.dumps(ids), ram_role_name=RAM_ROLE)
    ).body
    assert (detached.total_count, detached.fail_count) == (2, 0)
    attached = ecs.attach_instance_ram_role(
        ecs_models.AttachInstanceRamRoleRequest(region_id=R, instance_ids=json.dumps(ids[:1]), ram_role_name=RAM_ROLE)
    ).body
    assert attached.attach_instance_ram_role_results.attach_instance_ram_role_result[0].success is True
    sets = ecs.describe_deployment_sets(ecs_models.DescribeDeploymentSetsRequest(region_id=R)).body
    (deployment_set,) = sets.deployment_sets.deployment_set
    assert sorted(deployment_set.instance_ids.instance_id) == sorted(ids)

    for instance_id in ids:
        ecs.modify_instance_attribute(
            ecs_models.ModifyInstanceAttributeRequest(instance_id=instance_id, deletion_protection=False)
        )
        ecs.delete_instance(ecs_models.DeleteInstanceRequest(instance_id=instance_id, force=True))
    ecs.delete_key_pairs(ecs_models.DeleteKeyPairsRequest(region_id=R, key_pair_names='["deploy-key"]'))
    ecs.delete_deployment_set(ecs_models.DeleteDeploymentSetRequest(region_id=R, deployment_set_id=deployment_set_id))
    assert {call["code"] for call in fake_cloud.calls()} == {"OK"}


@pytest.mark.fake_profile("instant")
def test_a_subscription_with_auto_renew_through_the_sdk(fake_cloud: RunningFake) -> None:
    ecs = client(fake_cloud, R)
    (instance_id,) = ecs.run_instances(
        ecs_models.RunInstancesRequest(
            region_id=R, image_id=DEMO_IMAGE_ID, instance_type="ecs.g7.large", v_switch_id=DEMO_VSWITCH_ID,
            security_group_id=DEMO_SECURITY_GROUP_ID, instance_charge_type="PrePaid", period=1, period_unit="Month",
            auto_renew=True, auto_renew_period=3,
        )
    ).body.instance_id_sets.instance_id_set
    renew = ecs.describe_instance_auto_renew_attribute(
        ecs_models.DescribeInstanceAutoRenewAttributeRequest(region_id=R, instance_id=instance_id)
    ).body.instance_renew_attributes.instance_renew_attribute
    assert [(r.auto_renew_enabled, r.duration, r.period_unit, r.renewal_status) for r in renew] == [
        (True, 3, "Month", "AutoRenewal")
    ]
    assert unfilled(renew[0]) == set()
