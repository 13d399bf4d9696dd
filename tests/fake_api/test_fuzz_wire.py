"""A seeded fuzz of the whole wire: 10,000 requests, most of them broken on purpose, against the fake in process.

Every answer must be a success or a documented error: never a 5xx (no fault is injected here), an RPC error body
always with Code, Message and RequestId (JSON or XML, as asked), a control API error always a JSON object with
"error"; and a refused call changes nothing. A failure names the seed and the request number: set
FAKE_API_FUZZ_SEED to replay another run, the failing request is the same one for the same seed.
"""

from __future__ import annotations

import json
import os
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

from flask.testing import FlaskClient

from fake_api.app import create_app, endpoint_of
from fake_api.coverage import EXAMPLES, Scene
from fake_api.responses import is_mutating
from fake_api.signature import sign_v1, sign_v3

SEED = int(os.environ.get("FAKE_API_FUZZ_SEED", "20261204"))
REQUESTS = 10_000
RESET_EVERY = 400  # back to the scene now and then, so that the world stays small and the examples valid
ODD_VALUES = [
    "", " ", "-1", "0", "1", "101", "99999999999999999999", "1.5", "1e9", "NaN", "true", "false", "null", "[]",
    '[""]', "[1,2]", '["i-nope"]', "{}", "[", "not-json", "*", "%", "%zz", "a" * 300, "0.0.0.0/0", "10.0.0.0/33",
    "256.1.1.1/8", "-1/-1", "22/22", "80/22", "0/70000", "TCP", "ALL", "drop", "cn-hangzhou", "cn-shanghai",
    "nowhere", "i-", "m-", "sg-", "vpc-", "vsw-", "ecs.g7.large", "ecs.nosuch", "PrePaid", "Month", "Week",
    "http://x", "acs:x", "aliyun", "中文名称", "\u0000", "a\nb", "\u0663", "web-[1,3]", "[9999999,7]", "\ud7ff",
]
PARAMETER_NAMES = [
    "RegionId", "InstanceId", "InstanceIds", "ImageId", "ImageName", "InstanceType", "VSwitchId", "VpcId", "ZoneId",
    "CidrBlock", "SecurityGroupId", "SecurityGroupIds.1", "Amount", "MinAmount", "PrivateIpAddress", "InstanceName",
    "HostName", "Tag.1.Key", "Tag.1.Value", "Tag.21.Key", "Permissions.1.IpProtocol", "Permissions.1.PortRange",
    "IpProtocol", "PortRange", "SourceCidrIp", "PageNumber", "PageSize", "MaxResults", "NextToken", "Status",
    "DestinationRegionId", "Force", "DryRun", "ClientToken", "Period", "PeriodUnit", "InstanceChargeType",
    "SystemDisk.Size", "DataDisk.1.Size", "DataDisk.17.Size", "ResourceType", "ResourceId.1", "TagKey.1", "DiskIds",
    "Description", "KeyPairName", "KeyPairNames", "RamRoleName", "DeploymentSetId", "SnapshotId", "DiskId",
    "TerminateSubscription", "InstanceId.1", "InstanceId.101", "Format",
]


@dataclass
class Tally:
    """What the run saw: counts by kind of request and by status, and every broken promise."""

    sent: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_status: dict[int, int] = field(default_factory=dict)
    refused_unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, number: int, request: str, what: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(f"request {number} (seed {SEED}): {request[:300]}: {what[:400]}")


class Fuzzer:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.scene = Scene()
        self.world = self.scene.cloud.dump()
        self.app = create_app(self.scene.cloud)
        self.client: FlaskClient = self.app.test_client()
        self.cloud = endpoint_of(self.app).cloud
        self.tally = Tally()
        self.examples = sorted(EXAMPLES)

    # Requests ----------------------------------------------------------------------------------------------
    def odd(self) -> str:
        choice = self.rng.random()
        if choice < 0.7:
            return self.rng.choice(ODD_VALUES)
        if choice < 0.85:
            return "".join(self.rng.choice(string.printable) for _ in range(self.rng.randint(0, 30)))
        return "".join(chr(self.rng.randint(0x20, 0x2FFF)) for _ in range(self.rng.randint(1, 12)))

    def example(self) -> tuple[str, str, dict[str, str]]:
        version, action = self.rng.choice(self.examples)
        params = dict(EXAMPLES[(version, action)](self.scene.ids))
        for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
            mutation = self.rng.random()
            if mutation < 0.3 and params:
                del params[self.rng.choice(sorted(params))]
            elif mutation < 0.65 and params:
                params[self.rng.choice(sorted(params))] = self.odd()
            elif mutation < 0.9:
                params[self.rng.choice(PARAMETER_NAMES)] = self.odd()
            else:
                params[self.odd() or "x"] = self.odd()
        return version, action, params

    def rpc(self, number: int) -> None:
        version, action, params = self.example()
        kind = "example"
        roll = self.rng.random()
        common = {"Action": action, "Version": version, "Format": self.rng.choice(["JSON", "JSON", "XML", "xml", ""])}
        if roll < 0.05:
            common.pop("Action")
            kind = "no Action"
        elif roll < 0.1:
            common["Version"] = self.rng.choice(["2099-01-01", "", "2014-05-26 ", "2016-04-28", "latest"])
            kind = "wrong Version"
        elif roll < 0.13:
            common["Action"] = self.odd() or "Nothing"
            kind = "unknown action"
        common = {k: v for k, v in common.items() if v}
        everything = {**params, **common}
        method = self.rng.choice(["GET", "POST"])
        if self.rng.random() < 0.12:
            self.bad_signature(number, method, everything)
            return
        if self.rng.random() < 0.15:
            self.v3(number, everything, kind)
            return
        signed = sign_v1(method, everything, "testid", "testsecret")
        self.send_rpc(number, kind, method, signed, wants_json=common.get("Format", "").upper() == "JSON", action=action)

    def bad_signature(self, number: int, method: str, params: dict[str, str]) -> None:
        signed = sign_v1(method, params, "testid", "testsecret")
        breakage = self.rng.choice(["signature", "non-ascii", "no timestamp", "timestamp", "expired", "key", "nonce", "method"])
        if breakage == "signature":
            signed["Signature"] = self.odd()
        elif breakage == "non-ascii":
            signed["Signature"] = "签名" + self.odd()
        elif breakage == "no timestamp":
            signed.pop("Timestamp")
        elif breakage == "timestamp":
            signed["Timestamp"] = self.odd()
        elif breakage == "expired":
            signed = sign_v1(method, params, "testid", "testsecret", timestamp="2016-02-23T12:46:24Z")
        elif breakage == "key":
            signed = sign_v1(method, params, self.odd() or "nobody", "testsecret")
        elif breakage == "nonce":
            signed = sign_v1(method, params, "testid", "testsecret", nonce="fixed-nonce-for-the-fuzz")
        else:
            signed["SignatureMethod"] = self.odd()
        self.send_rpc(number, f"bad signature ({breakage})", method, signed, wants_json=params.get("Format") == "JSON")

    def v3(self, number: int, params: dict[str, str], kind: str) -> None:
        action, version = params.pop("Action", "DescribeRegions"), params.pop("Version", "2014-05-26")
        params.pop("Format", None)
        headers = sign_v3("POST", action, version, params, "localhost", "testid", "testsecret")
        if self.rng.random() < 0.4:
            broken = self.rng.choice(["authorization", "non-ascii", "date", "nonce"])
            if broken == "authorization":
                headers["authorization"] = "ACS3-HMAC-SHA256 " + self.odd()
            elif broken == "non-ascii":
                headers["authorization"] = headers["authorization"].rsplit("=", 1)[0] + "=签名"
            elif broken == "date":
                headers["x-acs-date"] = self.odd() or "yesterday"
            else:
                headers.pop("x-acs-signature-nonce")
            kind = f"broken ({broken})"
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())
        try:
            response = self.client.post(f"/?{query}", headers={k: _latin1(v) for k, v in headers.items()})
        except UnicodeEncodeError:
            return
        self.check_rpc(number, f"V3 {kind}", action, response.status_code, response.data, True, f"POST /?{query}")

    def send_rpc(
        self, number: int, kind: str, method: str, signed: dict[str, str], *, wants_json: bool, action: str = ""
    ) -> None:
        before = self.cloud.dump() if is_mutating(action) else None
        if method == "GET":
            response = self.client.get("/", query_string=signed)
        else:
            response = self.client.post("/", data=signed)
        described = f"{method} {json.dumps(signed, ensure_ascii=False)}"
        self.check_rpc(number, kind, action, response.status_code, response.data, wants_json, described)
        if before is not None and response.status_code >= 400 and self.cloud.dump() != before:
            self.tally.problem(number, described, f"refused with {response.status_code} but the state changed")
        elif before is not None and response.status_code >= 400:
            self.tally.refused_unchanged += 1

    def http(self, number: int) -> None:
        method = self.rng.choice(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "GET", "POST"])
        path = self.rng.choice(["/", "/x", "/?", "//", "/index.html", "/%ff", "/_fakes", "/api/v1"])
        body = self.rng.choice([b"", b"\xff\xfe\x00", b"Action=DescribeRegions&Version=2014-05-26", b"a=%zz&b=%", b"x" * 70000])
        content_type = self.rng.choice(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", ""])
        headers = {"Content-Type": content_type} if content_type else {}
        response = self.client.open(path, method=method, data=body, headers=headers)
        self.tally.by_kind["http"] = self.tally.by_kind.get("http", 0) + 1
        self.count(response.status_code)
        described = f"{method} {path} {content_type} {body[:40]!r}"
        if response.status_code >= 500:
            self.tally.problem(number, described, f"answered {response.status_code}: {response.data[:200]!r}")
        elif response.status_code >= 400 and method != "HEAD" and not _alibaba_error(response.data):
            self.tally.problem(number, described, f"error without Code/Message/RequestId: {response.data[:200]!r}")

    def control(self, number: int) -> None:
        path = "/_fake/" + self.rng.choice(
            ["", "reset", "seed", "state", "accounts", "faults", "stock", "quota", "transitions", "profile", "calls", "x",
             "state/1", "reset/", "%ff"]
        )
        method = self.rng.choice(["GET", "POST", "DELETE", "PUT", "PATCH"])
        shape = self.rng.random()
        if shape < 0.15:
            depth = self.rng.choice([100, 1000, 5000, 50000])
            payload = ("[" * depth + "]" * depth).encode()
        elif shape < 0.3:
            payload = self.odd().encode("utf-8", "surrogatepass")
        else:
            payload = json.dumps(self.control_body()).encode()
        if path in ("/_fake/reset", "/_fake/seed") and method == "POST":
            path = "/_fake/faults"  # rebuilding the world is exercised by the control tests; keep the scene here
        response = self.client.open(path, method=method, data=payload, headers={"Content-Type": "application/json"})
        self.tally.by_kind["control"] = self.tally.by_kind.get("control", 0) + 1
        self.count(response.status_code)
        described = f"{method} {path} {payload[:80]!r}"
        if response.status_code >= 500:
            self.tally.problem(number, described, f"answered {response.status_code}: {response.data[:200]!r}")
            return
        try:
            answer = json.loads(response.data)
        except ValueError:
            self.tally.problem(number, described, f"answered something that is not JSON: {response.data[:200]!r}")
            return
        if response.status_code >= 400 and not (isinstance(answer, dict) and isinstance(answer.get("error"), str)):
            self.tally.problem(number, described, f"error without an 'error' message: {answer!r:.200}")
        endpoint_of(self.app).faults.clear()  # a rule the fuzz installed must not break the RPC checks

    def control_body(self) -> Any:
        fields = ["action", "error", "probability", "seed", "schedule", "latency_ms", "after", "faults", "id", "kind",
                  "mode", "value", "name", "time_scale", "region", "zone", "instance_type", "status_category",
                  "instances", "access_key_id", "access_key_secret"]
        values: list[Any] = [None, True, 0, -1, 1.5, 10**30, "", "x", [], {}, [None], {"a": 1}, "Throttling", "*",
                             "fast", "instant", "seconds", "image", "cn-hangzhou", float("inf")]
        return {self.rng.choice(fields): _json_safe(self.rng.choice(values)) for _ in range(self.rng.randint(0, 5))}

    # Checks ------------------------------------------------------------------------------------------------
    def count(self, status: int) -> None:
        self.tally.sent += 1
        self.tally.by_status[status] = self.tally.by_status.get(status, 0) + 1

    def check_rpc(
        self, number: int, kind: str, action: str, status: int, body: bytes, wants_json: bool, described: str
    ) -> None:
        self.tally.by_kind[kind.split(" (")[0]] = self.tally.by_kind.get(kind.split(" (")[0], 0) + 1
        self.count(status)
        if status >= 500:
            self.tally.problem(number, described, f"answered {status}: {body[:300]!r}")
        elif status >= 400 and not _alibaba_error(body):
            self.tally.problem(number, described, f"error without Code/Message/RequestId: {body[:300]!r}")

    def run(self) -> Tally:
        kinds: list[tuple[float, Callable[[int], None]]] = [(0.78, self.rpc), (0.88, self.http), (1.0, self.control)]
        for number in range(REQUESTS):
            if number % RESET_EVERY == 0:
                with self.cloud.lock:
                    self.cloud.reset(self.world)
                endpoint_of(self.app).nonces.clear()
            roll = self.rng.random()
            next(handler for threshold, handler in kinds if roll < threshold)(number)
        return self.tally


def _alibaba_error(body: bytes) -> bool:
    """Whether ``body`` is Alibaba's error shape, in JSON or XML, with Code, Message and RequestId set."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            answer = json.loads(text)
        except ValueError:
            return False
        return isinstance(answer, dict) and all(answer.get(key) for key in ("Code", "Message", "RequestId"))
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return False
    return root.tag == "Error" and all((root.findtext(key) or "").strip() for key in ("Code", "Message", "RequestId"))


def _latin1(value: str) -> str:
    """A header value as HTTP carries it (bytes as latin-1); line breaks cannot be sent in a header at all."""
    return value.encode("utf-8").decode("latin-1").replace("\r", " ").replace("\n", " ")


def _json_safe(value: Any) -> Any:
    return "Infinity" if value == float("inf") else value


def test_ten_thousand_fuzzed_requests_get_documented_answers_and_refusals_change_nothing() -> None:
    tally = Fuzzer().run()
    summary = (
        f"seed {SEED}: {tally.sent} requests, by kind {dict(sorted(tally.by_kind.items()))}, by status "
        f"{dict(sorted(tally.by_status.items()))}, {tally.refused_unchanged} refused changes left the state as it was"
    )
    print(summary)
    assert tally.sent >= 10_000, summary
    assert not tally.problems, "\n".join([summary, *tally.problems])
    assert sum(count for status, count in tally.by_status.items() if status >= 500) == 0
    assert tally.by_status.get(200, 0) > 500 and tally.refused_unchanged > 1000, summary
