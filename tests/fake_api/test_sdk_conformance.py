"""Conformance with Alibaba's official Python SDKs, unmodified, over loopback: a whole clone flow, an error,
and raw signed requests (V1 GET, V1 POST, V3) as other clients send them."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.utils_models import Config
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client as VpcClient
from Tea.exceptions import TeaException

from fake_api.coverage import EXAMPLES, action_record
from fake_api.dispatch import known_actions
from fake_api.server import RunningFake
from fake_api.signature import sign_v1, sign_v3

SOURCE_REGION, DESTINATION_REGION = "cn-hangzhou", "cn-shanghai"
ALL_IMAGE_STATUSES = "Creating,Waiting,Available,UnAvailable,CreateFailed"
T = TypeVar("T")


def config(fake: RunningFake, region: str) -> Config:
    return Config(
        access_key_id=fake.access_key_id,
        access_key_secret=fake.access_key_secret,
        endpoint=f"{fake.host}:{fake.port}",
        protocol="http",
        region_id=region,
    )


def wait_for(what: str, probe: Callable[[], T], done: Callable[[T], bool], attempts: int = 200) -> T:
    """Poll like a real client: the fake's transitions may need describes or time before a resource is ready."""
    for _ in range(attempts):
        value = probe()
        if done(value):
            return value
        time.sleep(0.02)
    raise AssertionError(f"{what} never became ready; last answer: {value!r}")


def retried(call: Callable[[], T], *codes: str, attempts: int = 200) -> T:
    """``call()`` again while it fails with one of ``codes``: what a client of the real cloud does with
    states that pass by themselves (a released instance still holding its security group, a vSwitch still
    being deleted)."""
    for _ in range(attempts - 1):
        try:
            return call()
        except TeaException as error:
            if error.code not in codes:
                raise
            time.sleep(0.02)
    return call()


def image_status(ecs: EcsClient, region: str, image_id: str) -> str | None:
    images = ecs.describe_images(
        ecs_models.DescribeImagesRequest(region_id=region, image_id=image_id, status=ALL_IMAGE_STATUSES)
    ).body.images.image
    return images[0].status if images else None


def test_a_whole_clone_flow_through_the_official_sdks(fake_cloud: RunningFake) -> None:
    ecs_source = EcsClient(config(fake_cloud, SOURCE_REGION))
    ecs = EcsClient(config(fake_cloud, DESTINATION_REGION))
    vpc = VpcClient(config(fake_cloud, DESTINATION_REGION))

    # The demo's source: a running VPC instance in cn-hangzhou.
    described = ecs_source.describe_instances(ecs_models.DescribeInstancesRequest(region_id=SOURCE_REGION)).body
    source = next(instance for instance in described.instances.instance if instance.status == "Running")
    source_vpc = vpc.describe_vpcs(
        vpc_models.DescribeVpcsRequest(region_id=SOURCE_REGION, vpc_id=source.vpc_attributes.vpc_id)
    ).body.vpcs.vpc[0]
    source_vswitch = vpc.describe_vswitches(
        vpc_models.DescribeVSwitchesRequest(region_id=SOURCE_REGION, v_switch_id=source.vpc_attributes.v_switch_id)
    ).body.v_switches.v_switch[0]
    source_rules = ecs_source.describe_security_group_attribute(
        ecs_models.DescribeSecurityGroupAttributeRequest(
            region_id=SOURCE_REGION, security_group_id=source.security_group_ids.security_group_id[0]
        )
    ).body.permissions.permission
    assert source_rules, "the demo's security group has rules to copy"

    # Image from the source, copied to the destination region.
    image_id = ecs_source.create_image(
        ecs_models.CreateImageRequest(
            region_id=SOURCE_REGION, instance_id=source.instance_id, image_name="TemplateScratch-sdk"
        )
    ).body.image_id
    wait_for("the image", lambda: image_status(ecs_source, SOURCE_REGION, image_id), lambda s: s == "Available")
    copy_id = ecs_source.copy_image(
        ecs_models.CopyImageRequest(
            region_id=SOURCE_REGION,
            image_id=image_id,
            destination_region_id=DESTINATION_REGION,
            destination_image_name="TemplateScratch-sdk-copy",
        )
    ).body.image_id
    wait_for("the image copy", lambda: image_status(ecs, DESTINATION_REGION, copy_id), lambda s: s == "Available")

    # Network and security group in the destination region, from the source's.
    zone_id = (
        ecs.describe_zones(ecs_models.DescribeZonesRequest(region_id=DESTINATION_REGION)).body.zones.zone[0].zone_id
    )
    vpc_id = vpc.create_vpc(
        vpc_models.CreateVpcRequest(
            region_id=DESTINATION_REGION, cidr_block=source_vpc.cidr_block, vpc_name="clone-vpc"
        )
    ).body.vpc_id
    wait_for(
        "the VPC",
        lambda: (
            vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=DESTINATION_REGION, vpc_id=vpc_id))
            .body.vpcs.vpc[0]
            .status
        ),
        lambda status: status == "Available",
    )
    vswitch_id = vpc.create_vswitch(
        vpc_models.CreateVSwitchRequest(
            region_id=DESTINATION_REGION,
            vpc_id=vpc_id,
            zone_id=zone_id,
            cidr_block=source_vswitch.cidr_block,
            v_switch_name="clone-vswitch",
        )
    ).body.v_switch_id
    wait_for(
        "the vSwitch",
        lambda: (
            vpc.describe_vswitches(
                vpc_models.DescribeVSwitchesRequest(region_id=DESTINATION_REGION, v_switch_id=vswitch_id)
            )
            .body.v_switches.v_switch[0]
            .status
        ),
        lambda status: status == "Available",
    )
    group_id = ecs.create_security_group(
        ecs_models.CreateSecurityGroupRequest(
            region_id=DESTINATION_REGION, vpc_id=vpc_id, security_group_name="clone-sg"
        )
    ).body.security_group_id
    ecs.authorize_security_group(
        ecs_models.AuthorizeSecurityGroupRequest(
            region_id=DESTINATION_REGION,
            security_group_id=group_id,
            permissions=[
                ecs_models.AuthorizeSecurityGroupRequestPermissions(
                    ip_protocol="TCP", port_range="22/22", source_cidr_ip="0.0.0.0/0", policy="accept", priority="1"
                ),
                ecs_models.AuthorizeSecurityGroupRequestPermissions(
                    ip_protocol="TCP", port_range="443/443", source_cidr_ip="10.0.0.0/8", policy="accept", priority="2"
                ),
            ],
        )
    )
    ecs.authorize_security_group_egress(
        ecs_models.AuthorizeSecurityGroupEgressRequest(
            region_id=DESTINATION_REGION,
            security_group_id=group_id,
            permissions=[
                ecs_models.AuthorizeSecurityGroupEgressRequestPermissions(
                    ip_protocol="ALL", port_range="-1/-1", dest_cidr_ip="0.0.0.0/0", policy="accept"
                )
            ],
        )
    )
    rules = ecs.describe_security_group_attribute(
        ecs_models.DescribeSecurityGroupAttributeRequest(region_id=DESTINATION_REGION, security_group_id=group_id)
    ).body.permissions.permission
    assert {(rule.direction, rule.port_range, rule.source_cidr_ip or rule.dest_cidr_ip) for rule in rules} == {
        ("ingress", "22/22", "0.0.0.0/0"),
        ("ingress", "443/443", "10.0.0.0/8"),
        ("egress", "-1/-1", "0.0.0.0/0"),
    }

    # Two clones from the copied image.
    launched = ecs.run_instances(
        ecs_models.RunInstancesRequest(
            region_id=DESTINATION_REGION,
            image_id=copy_id,
            instance_type=source.instance_type,
            v_switch_id=vswitch_id,
            security_group_id=group_id,
            amount=2,
            instance_name="clone-[1,2]",
        )
    ).body.instance_id_sets.instance_id_set
    assert len(launched) == 2
    request = ecs_models.DescribeInstancesRequest(region_id=DESTINATION_REGION, instance_ids=json.dumps(launched))
    clones = wait_for(
        "the clones",
        lambda: ecs.describe_instances(request).body.instances.instance,
        lambda found: len(found) == 2 and all(clone.status == "Running" for clone in found),
    )
    assert {clone.image_id for clone in clones} == {copy_id}
    assert {clone.vpc_attributes.v_switch_id for clone in clones} == {vswitch_id}
    assert sorted(clone.instance_name for clone in clones) == ["clone-01", "clone-02"]
    attribute = ecs.describe_instance_attribute(
        ecs_models.DescribeInstanceAttributeRequest(instance_id=launched[0])
    ).body
    assert (attribute.instance_type, attribute.security_group_ids.security_group_id) == (
        source.instance_type,
        [group_id],
    )

    # Tear down in dependency order.
    for instance_id in launched:
        ecs.delete_instance(ecs_models.DeleteInstanceRequest(instance_id=instance_id, force=True))
    wait_for(
        "the clones to go", lambda: ecs.describe_instances(request).body.instances.instance, lambda found: not found
    )
    # The clones' network interfaces still hold their group and vSwitch for a moment, as on the real cloud.
    retried(
        lambda: ecs.delete_security_group(
            ecs_models.DeleteSecurityGroupRequest(region_id=DESTINATION_REGION, security_group_id=group_id)
        ),
        "DependencyViolation",
    )
    retried(
        lambda: vpc.delete_vswitch(
            vpc_models.DeleteVSwitchRequest(region_id=DESTINATION_REGION, v_switch_id=vswitch_id)
        ),
        "DependencyViolation",
    )
    wait_for(
        "the vSwitch to go",
        lambda: (
            vpc.describe_vswitches(
                vpc_models.DescribeVSwitchesRequest(region_id=DESTINATION_REGION, vpc_id=vpc_id)
            ).body.v_switches.v_switch
        ),
        lambda found: not found,
    )
    vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=DESTINATION_REGION, vpc_id=vpc_id))
    ecs.delete_image(ecs_models.DeleteImageRequest(region_id=DESTINATION_REGION, image_id=copy_id))
    ecs_source.delete_image(ecs_models.DeleteImageRequest(region_id=SOURCE_REGION, image_id=image_id))
    assert image_status(ecs, DESTINATION_REGION, copy_id) is None
    assert image_status(ecs_source, SOURCE_REGION, image_id) is None

    outcomes = {call["code"] for call in fake_cloud.calls()}
    assert outcomes <= {"OK", "DependencyViolation"}, [call for call in fake_cloud.calls() if call["code"] != "OK"]


def test_tags_through_the_official_sdks(fake_cloud: RunningFake) -> None:
    vpc = VpcClient(config(fake_cloud, DESTINATION_REGION))
    ecs = EcsClient(config(fake_cloud, SOURCE_REGION))
    owner = vpc_models.CreateVpcRequestTag(key="cdk-clone:owner", value="k1")
    vpc_id = vpc.create_vpc(
        vpc_models.CreateVpcRequest(region_id=DESTINATION_REGION, cidr_block="10.0.0.0/8", tag=[owner])
    ).body.vpc_id
    found = vpc.describe_vpcs(
        vpc_models.DescribeVpcsRequest(
            region_id=DESTINATION_REGION, tag=[vpc_models.DescribeVpcsRequestTag(key="cdk-clone:owner", value="k1")]
        )
    ).body.vpcs.vpc
    assert [(v.vpc_id, v.tags.tag[0].key, v.tags.tag[0].value) for v in found] == [(vpc_id, "cdk-clone:owner", "k1")]
    listed = vpc.list_tag_resources(
        vpc_models.ListTagResourcesRequest(
            region_id=DESTINATION_REGION,
            resource_type="VPC",
            tag=[vpc_models.ListTagResourcesRequestTag(key="cdk-clone:owner", value="k1")],
        )
    ).body
    assert [(r.resource_id, r.resource_type, r.tag_key) for r in listed.tag_resources.tag_resource] == [
        (vpc_id, "VPC", "cdk-clone:owner")
    ]
    source = ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=SOURCE_REGION)).body.instances.instance[0]
    ecs.tag_resources(
        ecs_models.TagResourcesRequest(
            region_id=SOURCE_REGION,
            resource_type="instance",
            resource_id=[source.instance_id],
            tag=[ecs_models.TagResourcesRequestTag(key="cdk-clone:owner", value="k2")],
        )
    )
    rows = ecs.list_tag_resources(
        ecs_models.ListTagResourcesRequest(
            region_id=SOURCE_REGION,
            resource_type="instance",
            tag=[ecs_models.ListTagResourcesRequestTag(key="cdk-clone:owner", value="k2")],
        )
    ).body.tag_resources.tag_resource
    assert {(r.resource_id, r.tag_key, r.tag_value) for r in rows} >= {(source.instance_id, "cdk-clone:owner", "k2")}


def test_an_sdk_error_carries_the_code_status_and_request_id(fake_cloud: RunningFake) -> None:
    ecs = EcsClient(config(fake_cloud, SOURCE_REGION))
    with pytest.raises(TeaException) as raised:
        ecs.describe_instance_attribute(ecs_models.DescribeInstanceAttributeRequest(instance_id="i-doesnotexist"))
    error: Any = raised.value
    assert error.code == "InvalidInstanceId.NotFound"
    assert error.data["statusCode"] == 404
    (call,) = fake_cloud.calls(action="DescribeInstanceAttribute")
    assert error.data["RequestId"] and call["code"] == "InvalidInstanceId.NotFound"


def test_the_sdk_with_a_wrong_secret_gets_signature_does_not_match(fake_cloud: RunningFake) -> None:
    wrong = config(fake_cloud, SOURCE_REGION)
    wrong.access_key_secret = "not-the-secret"
    with pytest.raises(TeaException) as raised:
        EcsClient(wrong).describe_regions(ecs_models.DescribeRegionsRequest())
    assert raised.value.code == "SignatureDoesNotMatch"
    assert "server string to sign is:ACS3-HMAC-SHA256" in str(raised.value.message)


DESCRIBE_REGIONS = {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"}


def test_raw_v1_get(fake_cloud: RunningFake) -> None:
    params = sign_v1("GET", DESCRIBE_REGIONS, fake_cloud.access_key_id, fake_cloud.access_key_secret)
    response = httpx.get(fake_cloud.url, params=params)
    assert response.status_code == 200
    assert "cn-shanghai" in {region["RegionId"] for region in response.json()["Regions"]["Region"]}


def test_raw_v1_post(fake_cloud: RunningFake) -> None:
    form = sign_v1("POST", DESCRIBE_REGIONS, fake_cloud.access_key_id, fake_cloud.access_key_secret)
    response = httpx.post(fake_cloud.url, data=form)
    assert response.status_code == 200, response.text


def test_raw_v3(fake_cloud: RunningFake) -> None:
    query = {"RegionId": SOURCE_REGION}
    headers = sign_v3(
        "POST",
        "DescribeZones",
        "2014-05-26",
        query,
        f"{fake_cloud.host}:{fake_cloud.port}",
        fake_cloud.access_key_id,
        fake_cloud.access_key_secret,
    )
    response = httpx.post(fake_cloud.url, params=query, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["Zones"]["Zone"]


REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "fake_api.md"
SDK_MODELS = {"2014-05-26": ecs_models, "2016-04-28": vpc_models}


def actions_the_provider_uses() -> set[tuple[str, str]]:
    """The ECS and VPC actions named in cdk_clone's code (its calls name them as string literals)."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in (REPO / "cdk_clone").rglob("*.py"))
    named = set(re.findall(r'"([A-Z][A-Za-z]+)"', text))
    return {(version, action) for version, action in known_actions() if action in named and version in SDK_MODELS}


def test_the_provider_uses_actions_the_record_covers() -> None:
    used = actions_the_provider_uses()
    assert {("2014-05-26", "RunInstances"), ("2016-04-28", "CreateVSwitch"), ("2014-05-26", "ModifyInstanceChargeType")} <= used
    assert used <= set(EXAMPLES)


@pytest.mark.parametrize(("version", "action"), sorted(actions_the_provider_uses()), ids=lambda value: str(value))
def test_every_answer_the_provider_reads_passes_through_the_sdk_model(version: str, action: str) -> None:
    record = action_record(version, action)
    models = SDK_MODELS[version]
    body = getattr(models, f"{action}ResponseBody")().from_map(record.answer)
    assert set(body.to_map()) <= set(record.answer)  # the model reads the answer; nothing it keeps is invented
    # Every value has the SDK model's type; every field of the model is filled, or the record names it.
    assert not record.mistyped, record.mistyped
    named = DOC.read_text(encoding="utf-8")
    for field_path in record.unfilled:
        assert field_path in named, f"{action}: {field_path} is empty in the answer and not in the record"
