"""The client against the fake cloud, in process (WSGI transport) and over loopback, with both signatures."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from cdk_clone.api import AlibabaCloudClient, ApiError, Credentials, RetryPolicy

if TYPE_CHECKING:
    from fake_api import RunningFake

MakeClient = Callable[..., AlibabaCloudClient]
FAST_RETRIES = RetryPolicy(max_attempts=12, base_delay=0.001, max_delay=0.01)


@pytest.fixture(params=["in-process", "loopback"])
def connect(request: pytest.FixtureRequest, fake_cloud: RunningFake) -> Iterator[MakeClient]:
    """Make clients of the fake, through the WSGI transport or over a real socket."""
    made: list[AlibabaCloudClient] = []

    def make(**options: Any) -> AlibabaCloudClient:
        options.setdefault("credentials", Credentials(fake_cloud.access_key_id, fake_cloud.access_key_secret))
        options.setdefault("retry", FAST_RETRIES)
        if request.param == "in-process":
            options.setdefault("transport", fake_cloud.wsgi_transport())
        client = AlibabaCloudClient("cn-hangzhou", endpoint=fake_cloud.url, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@contextmanager
def skip_unless_served(action: str) -> Iterator[None]:
    """Skip while the fake does not serve ``action`` yet (it answers InvalidAction.NotFound)."""
    try:
        yield
    except ApiError as error:
        if error.code.startswith("InvalidAction"):
            pytest.skip(f"the fake does not serve {action} yet")
        raise


@pytest.mark.parametrize("signature", ["v1", "v3"])
def test_describe_regions(connect: MakeClient, signature: str) -> None:
    client = connect(signature=signature)
    regions = [region["RegionId"] for region in client.ecs("DescribeRegions")["Regions"]["Region"]]
    assert {"cn-hangzhou", "cn-shanghai", "cn-beijing"} <= set(regions)
    zones = client.ecs("DescribeZones", region_id="cn-shanghai")["Zones"]["Zone"]
    assert zones and all(zone["ZoneId"].startswith("cn-shanghai-") for zone in zones)


def test_error_codes_map_to_api_error(connect: MakeClient) -> None:
    with pytest.raises(ApiError) as caught:
        connect().ecs("DescribeZones", region_id="xx-nowhere-1")
    assert caught.value.code == "InvalidRegionId.NotFound"
    assert caught.value.http_status == 404
    assert caught.value.request_id
    assert not caught.value.is_not_found, "a wrong region is a configuration error, not a vanished resource"
    assert str(caught.value).startswith("DescribeZones failed: InvalidRegionId.NotFound (HTTP 404, RequestId ")


def test_wrong_secret_is_refused_with_advice(connect: MakeClient) -> None:
    with pytest.raises(ApiError) as caught:
        connect(credentials=Credentials("testid", "not-the-secret")).ecs("DescribeRegions")
    assert caught.value.code == "SignatureDoesNotMatch"
    assert "check ALIBABA_CLOUD_ACCESS_KEY_SECRET" in str(caught.value)


def test_unknown_action_is_not_retried(connect: MakeClient, fake_cloud: RunningFake) -> None:
    with pytest.raises(ApiError) as caught:
        connect().ecs("DescribeUnicorns")
    assert caught.value.code.startswith("InvalidAction")
    assert len(fake_cloud.calls(action="DescribeUnicorns")) == 1


def test_every_call_succeeds_under_30_percent_throttling(connect: MakeClient, fake_cloud: RunningFake) -> None:
    fake_cloud.faults.add_spec({"action": "*", "error": "Throttling", "probability": 0.3, "seed": 1})
    client = connect()
    for _ in range(30):
        assert client.ecs("DescribeRegions")["Regions"]["Region"]
    codes = [call["code"] for call in fake_cloud.calls(action="DescribeRegions")]
    assert codes.count("Throttling") > 0, "the fault must have been injected for the test to mean anything"
    assert codes.count("OK") == 30


def test_dropped_connections_are_retried_over_loopback(fake_cloud: RunningFake) -> None:
    fake_cloud.faults.add_spec({"action": "DescribeRegions", "schedule": ["drop", "drop", None]})
    credentials = Credentials(fake_cloud.access_key_id, fake_cloud.access_key_secret)
    with AlibabaCloudClient(
        "cn-hangzhou", credentials=credentials, endpoint=fake_cloud.url, retry=FAST_RETRIES
    ) as client:
        assert client.ecs("DescribeRegions")["Regions"]["Region"]
    assert [call["code"] for call in fake_cloud.calls(action="DescribeRegions")] == ["drop", "drop", "OK"]


def test_idempotent_create_under_throttling_creates_exactly_one(connect: MakeClient, fake_cloud: RunningFake) -> None:
    client = connect()
    with skip_unless_served("DescribeVpcs"):
        before = {vpc["VpcId"] for vpc in client.paginate("vpc", "DescribeVpcs", {}, items="Vpcs.Vpc")}
    fake_cloud.faults.add_spec({"action": "*", "error": "Throttling", "probability": 0.3, "seed": 1})
    created = [
        client.vpc("CreateVpc", {"CidrBlock": "10.8.0.0/16", "VpcName": f"idem-{n}"}, idempotent=True)["VpcId"]
        for n in range(8)
    ]
    after = {
        vpc["VpcId"]
        for vpc in client.paginate(
            "vpc",
            "DescribeVpcs",
            {},
            items="Vpcs.Vpc",
        )
    }
    assert after - before == set(created) and len(set(created)) == 8
    calls = fake_cloud.calls(action="CreateVpc")
    assert any(call["code"] == "Throttling" for call in calls)
    for name in (f"idem-{n}" for n in range(8)):
        attempts = [call for call in calls if call["params"].get("VpcName") == name]
        assert len({call["params"]["ClientToken"] for call in attempts}) == 1, "retries must reuse the ClientToken"
        assert [call["code"] for call in attempts].count("OK") == 1


def test_describe_instances_pagination(connect: MakeClient) -> None:
    client = connect()
    with skip_unless_served("DescribeInstances"):
        existing = list(client.paginate("ecs", "DescribeInstances", {}, items="Instances.Instance"))
    source = existing[0]
    with skip_unless_served("RunInstances"):
        client.ecs(
            "RunInstances",
            {
                "ImageId": source["ImageId"],
                "InstanceType": source["InstanceType"],
                "VSwitchId": source["VpcAttributes"]["VSwitchId"],
                "SecurityGroupId": source["SecurityGroupIds"]["SecurityGroupId"][0],
                "Amount": 4,
            },
            idempotent=True,
        )
    everything = list(client.paginate("ecs", "DescribeInstances", {}, items="Instances.Instance", page_size=2))
    ids = [instance["InstanceId"] for instance in everything]
    assert len(ids) == len(set(ids)) == len(existing) + 4
    chosen = client.ecs("DescribeInstances", {"InstanceIds": json.dumps(ids[:2])})["Instances"]["Instance"]
    assert sorted(instance["InstanceId"] for instance in chosen) == sorted(ids[:2])
