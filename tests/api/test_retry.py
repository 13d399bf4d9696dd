"""Retrying transient failures: which ones, how often, and with the same ClientToken."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest
from api_scripted import ScriptedApi, error, ok

from cdk_clone.api import (
    DELETE_DEPENDENCY_CODES,
    INSTANCE_BUSY_CODES,
    NETWORK_BUSY_CODES,
    AlibabaCloudClient,
    ApiConnectionError,
    ApiError,
    Credentials,
    RetryPolicy,
    retry_while_busy,
)

MakeClient = Callable[..., AlibabaCloudClient]


def test_throttling_then_success(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.replies = [error(400, "Throttling.User"), error(503, "ServiceUnavailable"), ok({"ImageId": "m-1"})]
    answer = client_for().ecs("CreateImage", {"InstanceId": "i-1"}, idempotent=True)
    assert answer["ImageId"] == "m-1"
    assert len(scripted.requests) == 3


def test_retries_reuse_the_client_token_but_not_nonce_or_signature(
    scripted: ScriptedApi, client_for: MakeClient
) -> None:
    scripted.replies = [error(400, "Throttling"), error(500, "InternalError"), ok({"InstanceIdSets": {}})]
    client_for().ecs("RunInstances", {"ImageId": "m-1"}, idempotent=True)
    tokens = {request["ClientToken"] for request in scripted.requests}
    assert len(tokens) == 1 and len(tokens.pop()) == 36
    assert len({request["SignatureNonce"] for request in scripted.requests}) == 3
    assert len({request["Signature"] for request in scripted.requests}) == 3


def test_each_call_gets_its_own_token_and_a_given_token_is_kept(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = lambda params: ok({})
    client = client_for()
    client.ecs("RunInstances", {"ImageId": "m-1"}, idempotent=True)
    client.ecs("RunInstances", {"ImageId": "m-1"}, idempotent=True)
    client.ecs("RunInstances", {"ImageId": "m-1", "ClientToken": "mine"}, idempotent=True)
    client.ecs("DescribeRegions")
    tokens = [request.get("ClientToken") for request in scripted.requests]
    assert tokens[0] != tokens[1]
    assert tokens[2:] == ["mine", None]


def test_attempts_are_bounded(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = lambda params: error(400, "Throttling", "Request was denied due to request throttling.")
    with pytest.raises(ApiError) as caught:
        client_for(retry=RetryPolicy(max_attempts=3, base_delay=0.0, jitter=False)).ecs("DescribeInstances")
    assert len(scripted.requests) == 3
    assert caught.value.code == "Throttling"
    assert str(caught.value) == (
        "DescribeInstances failed: Throttling (HTTP 400, RequestId req-Throttling): "
        "Request was denied due to request throttling."
    )


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "InvalidParameter"), (404, "InvalidInstanceId.NotFound"), (403, "OperationDenied.NoStock")],
)
def test_client_errors_are_not_retried(scripted: ScriptedApi, client_for: MakeClient, status: int, code: str) -> None:
    scripted.default = lambda params: error(status, code)
    with pytest.raises(ApiError) as caught:
        client_for().ecs("RunInstances", {"ImageId": "m-1"}, idempotent=True)
    assert len(scripted.requests) == 1
    assert (caught.value.code, caught.value.http_status) == (code, status)


def test_dropped_connections_and_timeouts_are_retried(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.replies = [
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("refused"),
        ok({"Regions": {"Region": []}}),
    ]
    assert client_for().ecs("DescribeRegions")["Regions"] == {"Region": []}
    assert len(scripted.requests) == 4


def test_an_unreachable_endpoint_ends_in_a_clear_connection_error(
    scripted: ScriptedApi, client_for: MakeClient
) -> None:
    scripted.default = None
    scripted.replies = [httpx.ConnectError("Connection refused")] * 2
    with pytest.raises(ApiConnectionError) as caught:
        client_for(retry=RetryPolicy(max_attempts=2, base_delay=0.0)).ecs("DescribeRegions")
    message = str(caught.value)
    assert "no answer from http://api.test after 2 attempt(s): ConnectError: Connection refused" in message
    assert "CDK_CLONE_ENDPOINT" in message
    assert isinstance(caught.value, ApiError) and caught.value.code == "ConnectionFailed"


def test_the_deadline_bounds_total_time_with_a_real_clock(scripted: ScriptedApi) -> None:
    scripted.default = lambda params: error(400, "Throttling")
    client = AlibabaCloudClient(
        "cn-hangzhou",
        credentials=Credentials("testid", "testsecret"),
        endpoint="http://api.test",
        transport=httpx.MockTransport(scripted.handler),
        retry=RetryPolicy(max_attempts=100, base_delay=0.01, max_delay=0.01, deadline=0.05, jitter=False),
    )
    with client, pytest.raises(ApiError, match="Throttling"):
        client.ecs("DescribeRegions")
    # 0.05 s of budget with 0.01 s pauses allows at most 6 attempts, far fewer than max_attempts.
    assert 2 <= len(scripted.requests) <= 6


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=0.2, max_delay=1.0, jitter=False)
    assert [policy.delay(n) for n in range(1, 6)] == [0.2, 0.4, 0.8, 1.0, 1.0]
    jittered = RetryPolicy(base_delay=0.2, max_delay=1.0)
    rng = random.Random(7)
    samples = [jittered.delay(3, rng) for _ in range(200)]
    assert all(0.0 <= sample <= 0.8 for sample in samples)
    assert len(set(samples)) > 100


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts must be at least 1"):
        RetryPolicy(max_attempts=0)
    assert RetryPolicy.disabled().max_attempts == 1


class FakeTime:
    """A clock and a sleep that only move each other."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def busy_then(answers: list[ApiError | dict[str, str]]) -> Callable[[], dict[str, str]]:
    def call() -> dict[str, str]:
        answer = answers.pop(0)
        if isinstance(answer, ApiError):
            raise answer
        return answer

    return call


def test_a_busy_object_is_called_again_with_growing_pauses_until_the_state_passes() -> None:
    fake_time = FakeTime()
    busy = ApiError("DependencyViolation", "Specified object has dependent resources.", action="DeleteVSwitch")
    answer = retry_while_busy(
        busy_then([busy, busy, ApiError("TaskConflict", "too frequent"), {"RequestId": "r"}]),
        codes=DELETE_DEPENDENCY_CODES + NETWORK_BUSY_CODES,
        timeout=60,
        what="delete vSwitch vsw-1",
        interval=1.0,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    assert answer == {"RequestId": "r"} and fake_time.pauses == [1.0, 1.5, 2.25]


def test_other_codes_are_not_retried_and_a_state_that_lasts_is_reported_with_its_duration() -> None:
    fake_time = FakeTime()
    with pytest.raises(ApiError) as final:
        retry_while_busy(
            busy_then([ApiError("InvalidVSwitchId.NotFound", "gone")]),
            codes=NETWORK_BUSY_CODES,
            timeout=60,
            what="x",
            sleep=fake_time.sleep,
            clock=fake_time.clock,
        )
    assert final.value.code == "InvalidVSwitchId.NotFound" and fake_time.pauses == []
    stuck = ApiError("IncorrectInstanceStatus.Initializing", "still launching", request_id="req-1", http_status=403)
    with pytest.raises(ApiError) as timed_out:
        retry_while_busy(
            busy_then([stuck] * 100),
            codes=INSTANCE_BUSY_CODES,
            timeout=20,
            what="release instances",
            interval=2.0,
            sleep=fake_time.sleep,
            clock=fake_time.clock,
        )
    error = timed_out.value
    assert (error.code, error.request_id, error.http_status) == ("IncorrectInstanceStatus.Initializing", "req-1", 403)
    assert "still so after retrying to release instances for 20s" in error.message
    assert max(fake_time.pauses) == 5.0 and sum(fake_time.pauses) == pytest.approx(20.0)
