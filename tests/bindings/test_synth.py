"""What the typed bindings synthesize: snake_case attributes, blocks, provider references and aliases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_clone._cdktf import TerraformResourceLifecycle, TerraformStack, Testing
from cdk_clone.bindings import (
    DataEcscloneInstance,
    EcscloneImage,
    EcscloneImageCopy,
    EcscloneInstanceGroup,
    EcsCloneProvider,
    EcscloneSecurityGroup,
    EcscloneVpc,
    EcscloneVswitch,
    SecurityGroupEgress,
    SecurityGroupIngress,
    Timeouts,
)
from cdk_clone.schema import PROVIDER_VERSION


@pytest.fixture
def stack(tmp_path: Path) -> TerraformStack:
    return TerraformStack(Testing.app(outdir=str(tmp_path)), "test")


def synth(stack: TerraformStack) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(Testing.synth(stack))
    return result


def test_required_providers_point_terraform_init_at_the_ecsclone_provider(stack: TerraformStack) -> None:
    EcsCloneProvider(stack, "hz", region="cn-hangzhou")
    assert synth(stack)["terraform"]["required_providers"] == {
        "ecsclone": {"source": "cdk-clone/ecsclone", "version": PROVIDER_VERSION}
    }


def test_an_aliased_provider_is_referenced_as_ecsclone_dot_alias(stack: TerraformStack) -> None:
    shanghai = EcsCloneProvider(stack, "sh", region="cn-shanghai", alias="cn-shanghai", endpoint="http://127.0.0.1:1")
    default = EcsCloneProvider(stack, "hz", region="cn-hangzhou")
    EcscloneVpc(stack, "aliased", cidr_block="10.0.0.0/8", provider=shanghai)
    EcscloneVpc(stack, "default", cidr_block="10.0.0.0/8", provider=default)
    out = synth(stack)
    assert {"alias": "cn-shanghai", "region": "cn-shanghai", "endpoint": "http://127.0.0.1:1"} in out["provider"][
        "ecsclone"
    ]
    assert {"region": "cn-hangzhou"} in out["provider"]["ecsclone"]
    assert out["resource"]["ecsclone_vpc"]["aliased"]["provider"] == "ecsclone.cn-shanghai"
    assert out["resource"]["ecsclone_vpc"]["default"]["provider"] == "ecsclone"
    assert shanghai.alias == "cn-shanghai"


def test_an_alias_set_after_construction_reaches_the_provider_block_and_its_resources(stack: TerraformStack) -> None:
    provider = EcsCloneProvider(stack, "sh", region="cn-shanghai")
    EcscloneVpc(stack, "vpc", cidr_block="10.0.0.0/8", provider=provider)
    assert provider.fqn == "ecsclone"
    provider.alias = "later"
    out = synth(stack)
    assert out["provider"]["ecsclone"] == [{"region": "cn-shanghai", "alias": "later"}]
    assert out["resource"]["ecsclone_vpc"]["vpc"]["provider"] == "ecsclone.later"
    assert provider.fqn == "ecsclone.later"


def test_attributes_blocks_and_references_synthesize(stack: TerraformStack) -> None:
    image = EcscloneImage(
        stack, "image", instance_id="i-1", stop_instance_for_consistency=True, timeouts=Timeouts(create="40m")
    )
    copy = EcscloneImageCopy(stack, "copy", source_image_id=image.id, source_region_id="cn-hangzhou", transient=True)
    vpc = EcscloneVpc(stack, "vpc", cidr_block="172.16.0.0/12")
    vswitch = EcscloneVswitch(stack, "vsw", vpc_id=vpc.id, zone_id="cn-shanghai-b", cidr_block="172.16.1.0/24")
    group = EcscloneSecurityGroup(
        stack,
        "sg",
        vpc_id=vpc.id,
        ingress=[
            SecurityGroupIngress(ip_protocol="tcp", port_range="22/22", cidr_ip="10.0.0.0/8", priority=2),
            SecurityGroupIngress(ip_protocol="all", source_security_group_id="sg-peer"),
        ],
        egress=[SecurityGroupEgress(ip_protocol="all", cidr_ip="0.0.0.0/0", policy="drop")],
    )
    EcscloneInstanceGroup(
        stack,
        "clones",
        image_id=copy.id,
        instance_type="ecs.g7.large",
        vswitch_id=vswitch.id,
        security_group_ids=[group.id],
        amount=3,
        min_amount=1,
        tags={"env": "test"},
        delete_images_after_launch=[copy.id, "cn-hangzhou:m-1"],
    )
    resources = synth(stack)["resource"]
    assert resources["ecsclone_image"]["image"] == {
        "instance_id": "i-1",
        "stop_instance_for_consistency": True,
        "timeouts": {"create": "40m"},
    }
    assert resources["ecsclone_image_copy"]["copy"]["source_image_id"] == "${ecsclone_image.image.id}"
    assert resources["ecsclone_image_copy"]["copy"]["transient"] is True
    assert resources["ecsclone_vswitch"]["vsw"]["vpc_id"] == "${ecsclone_vpc.vpc.id}"
    sg = resources["ecsclone_security_group"]["sg"]
    assert sg["ingress"] == [
        {"ip_protocol": "tcp", "port_range": "22/22", "cidr_ip": "10.0.0.0/8", "priority": 2},
        {"ip_protocol": "all", "source_security_group_id": "sg-peer"},
    ]
    assert sg["egress"] == [{"ip_protocol": "all", "cidr_ip": "0.0.0.0/0", "policy": "drop"}]
    clones = resources["ecsclone_instance_group"]["clones"]
    assert clones["security_group_ids"] == ["${ecsclone_security_group.sg.id}"]
    assert clones["amount"] == 3
    assert clones["tags"] == {"env": "test"}
    assert clones["delete_images_after_launch"] == ["${ecsclone_image_copy.copy.id}", "cn-hangzhou:m-1"]
    assert "private_ip" not in clones, "unset optional attributes are left out"


def test_getters_return_references_to_computed_attributes(stack: TerraformStack) -> None:
    group = EcscloneInstanceGroup(
        stack, "g", image_id="m-1", instance_type="t", vswitch_id="vsw-1", security_group_ids=["sg-1"], amount=1
    )
    source = DataEcscloneInstance(stack, "src", instance_id="i-1")
    EcscloneVpc(stack, "uses", cidr_block=source.vpc_cidr_block, description=group.effective_instance_type)
    vpc = synth(stack)["resource"]["ecsclone_vpc"]["uses"]
    assert vpc == {
        "cidr_block": "${data.ecsclone_instance.src.vpc_cidr_block}",
        "description": "${ecsclone_instance_group.g.effective_instance_type}",
    }


def test_hcl_synth_keeps_the_custom_attributes(stack: TerraformStack) -> None:
    provider = EcsCloneProvider(stack, "sh", region="cn-shanghai", alias="cn-shanghai")
    EcscloneSecurityGroup(
        stack, "sg", vpc_id="vpc-1", ingress=[SecurityGroupIngress(ip_protocol="tcp")], provider=provider
    )
    hcl = Testing.synth_hcl(stack)
    assert 'vpc_id = "vpc-1"' in hcl
    assert "ingress {" in hcl
    assert 'alias = "cn-shanghai"' in hcl


def test_a_block_given_as_a_dict_is_refused_with_what_to_use(stack: TerraformStack) -> None:
    with pytest.raises(TypeError, match=r"ingress takes SecurityGroupIngress objects, got dict"):
        EcscloneSecurityGroup(stack, "sg", vpc_id="vpc-1", ingress=[{"ip_protocol": "tcp"}])  # type: ignore[list-item]


def test_meta_arguments_reach_the_resource(stack: TerraformStack) -> None:
    shanghai = EcsCloneProvider(stack, "sh", region="cn-shanghai", alias="sh")
    first = EcscloneVpc(stack, "first", cidr_block="10.0.0.0/8", provider=shanghai)
    EcscloneVpc(
        stack,
        "second",
        cidr_block="10.0.0.0/8",
        provider=shanghai,
        depends_on=[first],
        count=2,
        lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
    )
    EcscloneVpc(stack, "third", cidr_block="10.0.0.0/8", lifecycle={"create_before_destroy": True})  # type: ignore[arg-type]
    DataEcscloneInstance(stack, "src", instance_id="i-1", provider=shanghai, depends_on=[first])
    out = synth(stack)
    vpcs = out["resource"]["ecsclone_vpc"]
    assert vpcs["first"] == {"cidr_block": "10.0.0.0/8", "provider": "ecsclone.sh"}
    assert vpcs["second"]["depends_on"] == ["ecsclone_vpc.first"]
    assert vpcs["second"]["count"] == 2
    assert vpcs["second"]["lifecycle"] == {"prevent_destroy": True}
    assert vpcs["second"]["provider"] == "ecsclone.sh"
    assert vpcs["third"]["lifecycle"] == {"create_before_destroy": True}
    assert "provider" not in vpcs["third"]
    source = out["data"]["ecsclone_instance"]["src"]
    assert (source["provider"], source["depends_on"]) == ("ecsclone.sh", ["ecsclone_vpc.first"])


def test_a_scope_that_is_not_a_construct_is_refused_clearly(stack: TerraformStack) -> None:
    with pytest.raises(TypeError, match=r"ecsclone_vpc 'vpc': takes \(scope, id, \.\.\.\) .* got scope=str"):
        EcscloneVpc("vpc", "vpc", cidr_block="10.0.0.0/8")  # type: ignore[arg-type]
