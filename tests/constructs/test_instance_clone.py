"""InstanceClone synthesizes what the clone semantics table says, row by row (DESIGN.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import GROUP_ID, VPC_ID, VSWITCH_ID, Synth, make_source, only, resources

from cdk_clone import CloneConfigurationError, EcsCloneProvider, InstanceClone, SourceInstance
from cdk_clone._cdktf import TerraformStack
from cdk_clone.lookup.context import ContextFile, snapshot_entry, source_instance_key, zones_key


def clone(stack: TerraformStack, source: SourceInstance, **options: Any) -> InstanceClone:
    return InstanceClone(stack, "web", source=source, **options)


# -- source not in a VPC -----------------------------------------------------------------------------------


def test_a_classic_network_source_is_refused_naming_the_instance(stack: TerraformStack) -> None:
    classic = make_source(
        "i-bp1classic0001",
        network_type="classic",
        vpc_id=None,
        vpc_cidr_block=None,
        vswitch_id=None,
        vswitch_cidr_block=None,
    )
    with pytest.raises(CloneConfigurationError, match=r"i-bp1classic0001 .* classic network"):
        clone(stack, classic, destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b")


# -- billing -----------------------------------------------------------------------------------------------


def test_billing_follows_the_source_postpaid(stack: TerraformStack, source: SourceInstance, synth: Synth) -> None:
    clone(stack, source)
    group = only(synth(stack), "ecsclone_instance_group")
    assert group["instance_charge_type"] == "PostPaid"
    assert "period" not in group


def test_billing_follows_the_source_prepaid_with_its_period(stack: TerraformStack, synth: Synth) -> None:
    clone(stack, make_source(instance_charge_type="PrePaid", period=3, period_unit="Month"))
    group = only(synth(stack), "ecsclone_instance_group")
    assert (group["instance_charge_type"], group["period"], group["period_unit"]) == ("PrePaid", 3, "Month")


# -- images ------------------------------------------------------------------------------------------------


def test_same_region_without_data_boots_from_the_source_image(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    web = clone(stack, source)
    out = synth(stack)
    assert "ecsclone_image" not in out["resource"]
    assert "ecsclone_image_copy" not in out["resource"]
    assert only(out, "ecsclone_instance_group")["image_id"] == source.image_id
    assert web.image_id == source.image_id


def test_same_region_without_data_refuses_an_invisible_image(stack: TerraformStack) -> None:
    gone = make_source(image_visible=False, image_id="m-bp1deleted0001")
    with pytest.raises(CloneConfigurationError, match=r"m-bp1deleted0001.*include_instance_data=True"):
        clone(stack, gone)
    # With instance data the same source can be cloned.
    clone(stack, gone, include_instance_data=True)


def test_same_region_with_data_makes_a_template_scratch_image(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, include_instance_data=True)
    out = synth(stack)
    images = resources(out, "ecsclone_image")
    (image_key, image), *_ = images.items()
    assert len(images) == 1
    assert image["instance_id"] == source.instance_id
    # The provider names it TemplateScratch-<source>-<owner key>: the owner is the image's construct path.
    assert "image_name" not in image and image["owner"] == "clones/web/Image/Image"
    assert image["provider"] == "ecsclone.cn-hangzhou"
    assert "stop_instance_for_consistency" not in image
    assert "ecsclone_image_copy" not in out["resource"]
    assert only(out, "ecsclone_instance_group")["image_id"] == f"${{ecsclone_image.{image_key}.id}}"


def test_stop_source_for_consistency_reaches_the_image(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, include_instance_data=True, stop_source_for_consistency=True)
    assert only(synth(stack), "ecsclone_image")["stop_instance_for_consistency"] is True


def test_another_region_images_the_source_and_boots_from_the_copy(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b")
    out = synth(stack)
    image_key = next(iter(resources(out, "ecsclone_image")))
    image = only(out, "ecsclone_image")
    copy_key = next(iter(resources(out, "ecsclone_image_copy")))
    copy = only(out, "ecsclone_image_copy")
    assert image["provider"] == "ecsclone.cn-hangzhou"
    assert copy["provider"] == "ecsclone.cn-shanghai"
    assert copy["source_region_id"] == "cn-hangzhou"
    assert copy["source_image_id"] == f"${{ecsclone_image.{image_key}.id}}"
    group = only(out, "ecsclone_instance_group")
    assert group["image_id"] == f"${{ecsclone_image_copy.{copy_key}.id}}"
    assert group["provider"] == "ecsclone.cn-shanghai"
    assert "delete_images_after_launch" not in group
    assert "transient" not in image and "transient" not in copy


def test_images_can_be_deleted_after_launch_without_drift(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b", keep_images=False)
    out = synth(stack)
    image_key = next(iter(resources(out, "ecsclone_image")))
    copy_key = next(iter(resources(out, "ecsclone_image_copy")))
    assert only(out, "ecsclone_image")["transient"] is True
    assert only(out, "ecsclone_image_copy")["transient"] is True
    assert only(out, "ecsclone_instance_group")["delete_images_after_launch"] == [
        f"${{ecsclone_image_copy.{copy_key}.id}}",
        f"cn-hangzhou:${{ecsclone_image.{image_key}.id}}",
    ]


def test_same_region_image_deleted_after_launch_is_named_as_is(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, include_instance_data=True, keep_images=False)
    out = synth(stack)
    image_key = next(iter(resources(out, "ecsclone_image")))
    assert only(out, "ecsclone_instance_group")["delete_images_after_launch"] == [f"${{ecsclone_image.{image_key}.id}}"]


# -- instance type and amount ------------------------------------------------------------------------------


def test_instance_type_is_the_sources_with_a_similar_one_allowed(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, amount=7, min_amount=3)
    group = only(synth(stack), "ecsclone_instance_group")
    assert group["instance_type"] == "ecs.g7.large"
    assert group["allow_similar_instance_type"] is True
    assert (group["amount"], group["min_amount"]) == (7, 3)


def test_source_settings_are_carried_over(stack: TerraformStack, source: SourceInstance, synth: Synth) -> None:
    clone(stack, source, tags={"owner": "ops", "env": "staging"})
    group = only(synth(stack), "ecsclone_instance_group")
    assert group["system_disk_category"] == "cloud_essd"
    assert group["system_disk_size"] == 40
    assert group["internet_max_bandwidth_out"] == 5
    assert (group["instance_name"], group["host_name"]) == ("web-1", "web-1")
    assert group["tags"] == {"app": "web", "env": "staging", "owner": "ops"}


# -- private IP ----------------------------------------------------------------------------------------------


def test_private_ip_is_kept_with_a_given_vswitch_and_one_clone(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(
        stack,
        source,
        destination_region="cn-shanghai",
        destination_vpc_id="vpc-uf6given0001",
        destination_vswitch_id="vsw-uf6given0001",
        destination_zone_id="cn-shanghai-b",
    )
    group = only(synth(stack), "ecsclone_instance_group")
    assert group["private_ip"] == "192.168.1.10"
    assert group["vswitch_id"] == "vsw-uf6given0001"
    assert group["zone_id"] == "cn-shanghai-b"


@pytest.mark.parametrize(
    "options",
    [
        {},  # same region, the source's own vSwitch: the address is taken
        {"destination_region": "cn-shanghai", "destination_zone_id": "cn-shanghai-b"},  # replica vSwitch
        {"destination_vpc_id": "vpc-bp1other0001", "destination_vswitch_id": "vsw-bp1other0001", "amount": 2},
    ],
    ids=["same-vswitch", "replica-vswitch", "several-clones"],
)
def test_private_ip_is_automatic_otherwise(
    stack: TerraformStack, source: SourceInstance, synth: Synth, options: dict[str, Any]
) -> None:
    clone(stack, source, **options)
    assert "private_ip" not in only(synth(stack), "ecsclone_instance_group")


# -- network -------------------------------------------------------------------------------------------------


def test_another_region_replicates_vpc_and_vswitch_with_the_same_cidrs(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b")
    out = synth(stack)
    vpc_key = next(iter(resources(out, "ecsclone_vpc")))
    vpc = only(out, "ecsclone_vpc")
    vswitch_key = next(iter(resources(out, "ecsclone_vswitch")))
    vswitch = only(out, "ecsclone_vswitch")
    assert vpc["cidr_block"] == "192.168.0.0/16"
    assert vpc["provider"] == "ecsclone.cn-shanghai"
    assert vswitch["cidr_block"] == "192.168.1.0/24"
    assert vswitch["zone_id"] == "cn-shanghai-b"
    assert vswitch["vpc_id"] == f"${{ecsclone_vpc.{vpc_key}.id}}"
    assert only(out, "ecsclone_instance_group")["vswitch_id"] == f"${{ecsclone_vswitch.{vswitch_key}.id}}"


def test_without_a_zone_the_first_zone_of_the_destination_is_used(
    stack: TerraformStack, source: SourceInstance, synth: Synth, tmp_path: Path
) -> None:
    context = tmp_path / "cdk-clone.context.json"
    ContextFile(context).put(zones_key("cn-shanghai"), ["cn-shanghai-a", "cn-shanghai-b"])
    clone(stack, source, destination_region="cn-shanghai", context_file=context)
    assert only(synth(stack), "ecsclone_vswitch")["zone_id"] == "cn-shanghai-a"


def test_without_a_zone_and_no_way_to_look_it_up_the_error_asks_for_one(
    stack: TerraformStack, source: SourceInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_credentials(*args: Any, **kwargs: Any) -> list[str]:
        raise RuntimeError("ALIBABA_CLOUD_ACCESS_KEY_ID is not set")

    monkeypatch.setattr("cdk_clone.lookup.context.lookup_zone_ids", no_credentials)
    with pytest.raises(CloneConfigurationError, match=r"zones of cn-shanghai.*ACCESS_KEY_ID.*give destination_zone_id"):
        clone(stack, source, destination_region="cn-shanghai")


def test_same_region_with_nothing_given_uses_the_source_network_and_groups(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    web = clone(stack, source)
    out = synth(stack)
    for absent in ("ecsclone_vpc", "ecsclone_vswitch", "ecsclone_security_group"):
        assert absent not in out["resource"]
    group = only(out, "ecsclone_instance_group")
    assert group["vswitch_id"] == VSWITCH_ID
    assert group["security_group_ids"] == [GROUP_ID]
    assert group["provider"] == "ecsclone.cn-hangzhou"
    assert "zone_id" not in group
    assert (web.vpc_id, web.vswitch_id, web.security_group_id) == (VPC_ID, VSWITCH_ID, GROUP_ID)


def test_same_region_in_another_zone_needs_a_vswitch(stack: TerraformStack, source: SourceInstance) -> None:
    with pytest.raises(
        CloneConfigurationError, match=r"destination_zone_id='cn-hangzhou-i' differs.*destination_vswitch_id"
    ):
        clone(stack, source, destination_zone_id="cn-hangzhou-i")


def test_given_network_in_another_region_is_used_as_is(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(
        stack,
        source,
        destination_region="cn-shanghai",
        destination_vpc_id="vpc-uf6given0001",
        destination_vswitch_id="vsw-uf6given0001",
    )
    out = synth(stack)
    assert "ecsclone_vpc" not in out["resource"]
    assert "ecsclone_vswitch" not in out["resource"]
    assert only(out, "ecsclone_security_group")["vpc_id"] == "vpc-uf6given0001"


# -- security groups -----------------------------------------------------------------------------------------


def test_another_vpc_in_the_same_region_replicates_the_groups_with_their_rules(
    stack: TerraformStack, source: SourceInstance, synth: Synth
) -> None:
    clone(stack, source, destination_vpc_id="vpc-bp1other0001", destination_vswitch_id="vsw-bp1other0001")
    out = synth(stack)
    assert "ecsclone_image" not in out["resource"], "same region: still the source's image"
    sg_key = next(iter(resources(out, "ecsclone_security_group")))
    sg = only(out, "ecsclone_security_group")
    assert sg["vpc_id"] == "vpc-bp1other0001"
    assert sg["provider"] == "ecsclone.cn-hangzhou"
    assert sg["security_group_name"] == "demo-web-sg"
    assert sg["description"] == "Web servers of the demo"
    assert [(r["ip_protocol"], r["port_range"], r["cidr_ip"], r["policy"], r["priority"]) for r in sg["ingress"]] == [
        ("tcp", "22/22", "0.0.0.0/0", "accept", 1),
        ("tcp", "8000/8100", "192.168.0.0/16", "accept", 5),
        ("icmp", "-1/-1", "10.0.0.0/8", "drop", 1),
    ]
    assert sg["ingress"][0]["description"] == "ssh"
    assert [(r["ip_protocol"], r["cidr_ip"]) for r in sg["egress"]] == [("all", "0.0.0.0/0")]
    assert only(out, "ecsclone_instance_group")["security_group_ids"] == [f"${{ecsclone_security_group.{sg_key}.id}}"]


# -- providers -----------------------------------------------------------------------------------------------


def test_one_aliased_provider_per_region(stack: TerraformStack, synth: Synth) -> None:
    InstanceClone(
        stack, "a", source=make_source(), destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b"
    )
    InstanceClone(
        stack,
        "b",
        source=make_source("i-bp1d3m0s0urce00002"),
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
    )
    providers = synth(stack)["provider"]["ecsclone"]
    assert sorted(p["alias"] for p in providers) == ["cn-hangzhou", "cn-shanghai"]
    assert all(p["region"] == p["alias"] for p in providers)


@pytest.mark.parametrize("alias", [None, "sh"])
def test_a_users_own_provider_for_the_region_is_used(
    stack: TerraformStack, source: SourceInstance, synth: Synth, alias: str | None
) -> None:
    EcsCloneProvider(stack, "mine", region="cn-shanghai", alias=alias, endpoint="http://127.0.0.1:9")
    clone(stack, source, destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b")
    out = synth(stack)
    expected = f"ecsclone.{alias}" if alias else "ecsclone"
    assert only(out, "ecsclone_instance_group")["provider"] == expected
    assert only(out, "ecsclone_image_copy")["provider"] == expected
    assert only(out, "ecsclone_image")["provider"] == "ecsclone.cn-hangzhou"
    regions = [p["region"] for p in out["provider"]["ecsclone"]]
    assert sorted(regions) == ["cn-hangzhou", "cn-shanghai"], "no second provider for cn-shanghai"


# -- outputs and tokens --------------------------------------------------------------------------------------


def test_each_clone_has_an_output_for_verify(stack: TerraformStack, source: SourceInstance, synth: Synth) -> None:
    web = clone(stack, source, destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b", amount=2)
    out = synth(stack)
    group_key = next(iter(resources(out, "ecsclone_instance_group")))
    value = out["output"]["cdk_clone_web"]["value"]
    assert value["source_instance_id"] == source.instance_id
    assert (value["source_region"], value["destination_region"]) == ("cn-hangzhou", "cn-shanghai")
    assert value["instance_ids"] == f"${{ecsclone_instance_group.{group_key}.instance_ids}}"
    assert value["created_amount"] == f"${{ecsclone_instance_group.{group_key}.created_amount}}"
    assert value["effective_instance_type"] == f"${{ecsclone_instance_group.{group_key}.effective_instance_type}}"
    assert (value["instance_type"], value["amount"], value["images_kept"]) == ("ecs.g7.large", 2, True)
    assert value["custom_image_id"].startswith("${ecsclone_image.")
    assert value["copied_image_id"].startswith("${ecsclone_image_copy.")
    assert value["image_id"] == value["copied_image_id"]
    assert value["vpc_id"].startswith("${ecsclone_vpc.")
    assert len(value["security_group_ids"]) == 1
    assert web.output.friendly_unique_id == "cdk_clone_web"


def test_tokens_feed_other_resources(stack: TerraformStack, source: SourceInstance, synth: Synth) -> None:
    from cdk_clone.bindings import EcscloneSecurityGroup, SecurityGroupIngress

    web = clone(stack, source)
    EcscloneSecurityGroup(
        stack,
        "db",
        vpc_id=web.vpc_id,
        ingress=[
            SecurityGroupIngress(
                ip_protocol="tcp", port_range="5432/5432", source_security_group_id=web.security_group_id
            )
        ],
    )
    EcscloneSecurityGroup(stack, "audit", vpc_id=web.vpc_id, description=web.effective_instance_type)
    out = synth(stack)
    group_key = next(iter(resources(out, "ecsclone_instance_group")))
    assert resources(out, "ecsclone_security_group")["db"]["ingress"][0]["source_security_group_id"] == GROUP_ID
    assert (
        resources(out, "ecsclone_security_group")["audit"]["description"]
        == f"${{ecsclone_instance_group.{group_key}.effective_instance_type}}"
    )


# -- look-up -------------------------------------------------------------------------------------------------


def test_a_source_given_by_id_is_read_from_the_context_file(
    stack: TerraformStack, source: SourceInstance, synth: Synth, tmp_path: Path
) -> None:
    context = tmp_path / "cdk-clone.context.json"
    ContextFile(context).put(source_instance_key("cn-hangzhou", source.instance_id), snapshot_entry(source))
    web = InstanceClone(
        stack, "web", source_instance_id=source.instance_id, source_region="cn-hangzhou", context_file=context
    )
    assert web.source == source
    assert only(synth(stack), "ecsclone_instance_group")["vswitch_id"] == VSWITCH_ID


def test_scope_and_id_swapped_are_refused_naming_the_construct(stack: TerraformStack, source: SourceInstance) -> None:
    untyped: Any = InstanceClone
    with pytest.raises(
        TypeError, match=r"InstanceClone: takes \(scope, id, \.\.\.\) .* got scope=str, id=TerraformStack"
    ):
        untyped("web", stack, source=source)
