"""A minimal signed RPC client for the fake (or the real endpoints), for tests and scripts that use no SDK.

Example::

    with fake_api.serve() as fake, httpx.Client(base_url=fake.url) as http:
        rpc = RpcClient(http)                                     # testid / testsecret
        rpc.get("DescribeInstances", RegionId="cn-hangzhou")      # V1, GET query string
        rpc.post("DescribeRegions")                               # V1, POST form body
        rpc.v3("DescribeZones", RegionId="cn-hangzhou")           # V3, as the official SDKs sign
        rpc.get("DescribeVpcs", version="2016-04-28", RegionId="cn-hangzhou").json()
"""

from __future__ import annotations

import httpx

from fake_api.signature import sign_v1_query, sign_v3

__all__ = ["ECS_VERSION", "VPC_VERSION", "RpcClient"]

ECS_VERSION = "2014-05-26"
VPC_VERSION = "2016-04-28"
_FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


class RpcClient:
    """Signs each call afresh (new nonce and timestamp) over the given httpx client; returns the raw response."""

    def __init__(
        self, http: httpx.Client, access_key_id: str = "testid", access_key_secret: str = "testsecret"
    ) -> None:
        self.http = http
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret

    def get(
        self, action: str, version: str = ECS_VERSION, answer_format: str | None = "JSON", **params: str
    ) -> httpx.Response:
        """V1-signed GET with every parameter in the query string (``answer_format=None`` asks for the default XML)."""
        query = sign_v1_query("GET", self._common(action, version, answer_format, params), *self._credentials)
        # The signed query is already percent-encoded: the URL is given whole, so httpx neither encodes the
        # parameters again nor merges a relative URL (both cost more than signing).
        return self.http.get(f"{self.http.base_url}?{query}")

    def post(
        self, action: str, version: str = ECS_VERSION, answer_format: str | None = "JSON", **params: str
    ) -> httpx.Response:
        """V1-signed POST with every parameter in the form body."""
        form = sign_v1_query("POST", self._common(action, version, answer_format, params), *self._credentials)
        return self.http.post(str(self.http.base_url), content=form.encode("ascii"), headers=_FORM_HEADERS)

    def v3(self, action: str, version: str = ECS_VERSION, **query: str) -> httpx.Response:
        """V3-signed POST as the official SDKs send it: action and version in headers, parameters in the query."""
        host = self.http.base_url.netloc.decode("ascii")
        headers = sign_v3("POST", action, version, query, host, *self._credentials)
        return self.http.post("/", params=query, headers=headers)

    @property
    def _credentials(self) -> tuple[str, str]:
        return self.access_key_id, self.access_key_secret

    @staticmethod
    def _common(action: str, version: str, answer_format: str | None, params: dict[str, str]) -> dict[str, str]:
        common = {"Action": action, "Version": version, **params}
        if answer_format is not None:
            common["Format"] = answer_format
        return common
