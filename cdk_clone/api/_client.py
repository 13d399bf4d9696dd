"""The ECS/VPC RPC client: signing, parameter encoding, error mapping, retries, pagination and waiting."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Protocol, Self, TypeVar

import httpx

from cdk_clone._version import __version__

from ._errors import ApiConnectionError, ApiError, CredentialsNotFound
from ._params import encode_params
from ._retry import RetryPolicy
from ._signing import authorization_v3, canonical_query, format_timestamp, sha256_hex, sign_v1
from ._waiters import SHARED_BACKOFF, PollBackoff, _never_failed, wait_for

__all__ = [
    "API_VERSIONS",
    "ENDPOINT_ENV",
    "AlibabaCloudClient",
    "Credentials",
    "CredentialsSupply",
    "Service",
    "decode_answer",
    "resolve_endpoint",
]

T = TypeVar("T")

logger = logging.getLogger("cdk_clone.api")

Service = Literal["ecs", "vpc", "sts"]
API_VERSIONS: Mapping[str, str] = {"ecs": "2014-05-26", "vpc": "2016-04-28", "sts": "2015-04-01"}
ENDPOINT_ENV = "CDK_CLONE_ENDPOINT"
ACCESS_KEY_ID_ENV = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ACCESS_KEY_SECRET_ENV = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
SECURITY_TOKEN_ENV = "ALIBABA_CLOUD_SECURITY_TOKEN"

_USER_AGENT = f"cdk-clone/{__version__} httpx/{httpx.__version__}"

# Listing actions whose documented page size is below the usual 100: a larger PageSize is refused with
# InvalidParameter, so paginate() clamps to these.
_PAGE_SIZE_LIMITS: Mapping[tuple[str, str], int] = {
    ("vpc", "DescribeVpcs"): 50,
    ("vpc", "DescribeVSwitches"): 50,
    ("ecs", "DescribeSecurityGroups"): 50,
}


@dataclass(frozen=True)
class Credentials:
    """An Alibaba Cloud access key (and, for STS, a security token). The secret never appears in ``repr``.

    Example::

        Credentials("testid", "testsecret")
        Credentials.from_env()   # ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN
    """

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.access_key_id or not self.access_key_secret:
            raise ValueError("Credentials need a non-empty access_key_id and access_key_secret")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Credentials:
        """Read the standard Alibaba Cloud variables; :class:`CredentialsNotFound` says which are missing."""
        key_id = environ.get(ACCESS_KEY_ID_ENV, "")
        secret = environ.get(ACCESS_KEY_SECRET_ENV, "")
        missing = [name for name, value in ((ACCESS_KEY_ID_ENV, key_id), (ACCESS_KEY_SECRET_ENV, secret)) if not value]
        if missing:
            raise CredentialsNotFound(
                f"no Alibaba Cloud credentials: set {' and '.join(missing)} (and {SECURITY_TOKEN_ENV} for STS "
                "tokens). To work without a cloud account, run the fake cloud (python -m fake_api) and set "
                f"{ENDPOINT_ENV}=http://127.0.0.1:PORT with {ACCESS_KEY_ID_ENV}=testid and "
                f"{ACCESS_KEY_SECRET_ENV}=testsecret."
            )
        return cls(key_id, secret, environ.get(SECURITY_TOKEN_ENV) or None)


class CredentialsSupply(Protocol):
    """Credentials that can change while a client lives: temporary ones, renewed before they expire
    (:class:`cdk_clone.credentials.RefreshingCredentials`)."""

    def current(self) -> Credentials: ...


def _default_credentials() -> Credentials | CredentialsSupply:
    # Imported on first use: a client given its credentials never loads the chain.
    from cdk_clone.credentials import resolve_credentials

    return resolve_credentials()


def _normalise_endpoint(endpoint: str, origin: str) -> str:
    text = endpoint.strip().rstrip("/")
    if "://" not in text:
        # A bare host (as in Alibaba's own SDK configuration) means HTTPS.
        text = f"https://{text}"
    url = httpx.URL(text)
    if url.scheme not in ("http", "https") or not url.host or url.path not in ("", "/") or url.query:
        raise ValueError(
            f"{origin}={endpoint!r} is not an endpoint: give a scheme and a host, such as "
            "http://127.0.0.1:8080 or https://ecs.cn-hangzhou.aliyuncs.com"
        )
    return text


def resolve_endpoint(
    service: str, region_id: str, explicit: str | None = None, environ: Mapping[str, str] = os.environ
) -> str:
    """The base URL for one service in one region.

    ``CDK_CLONE_ENDPOINT`` when set (it sends every service and region to one place, such as the fake),
    else ``explicit``, else the public regional endpoint ``https://<service>.<region>.aliyuncs.com``.
    """
    if service not in API_VERSIONS:
        raise ValueError(f"unknown service {service!r}: expected one of {', '.join(API_VERSIONS)}")
    override = environ.get(ENDPOINT_ENV)
    if override:
        return _normalise_endpoint(override, ENDPOINT_ENV)
    if explicit:
        return _normalise_endpoint(explicit, "endpoint")
    if not region_id:
        raise ValueError(f"a region is needed to find the {service} endpoint (for example cn-hangzhou)")
    return f"https://{service}.{region_id}.aliyuncs.com"


def _dig(document: Mapping[str, Any], dotted: str) -> list[Any]:
    value: Any = document
    for key in dotted.split("."):
        if not isinstance(value, Mapping):
            return []
        value = value.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{dotted!r} in the answer is a {type(value).__name__}, not a list")
    return value


class AlibabaCloudClient:
    """A client of the Alibaba Cloud ECS and VPC RPC APIs over httpx.

    Example::

        with AlibabaCloudClient("cn-hangzhou") as client:            # credentials from the environment
            regions = client.ecs("DescribeRegions")["Regions"]["Region"]
            for instance in client.paginate("ecs", "DescribeInstances", {}, items="Instances.Instance"):
                print(instance["InstanceId"])
            run = client.ecs("RunInstances", {"ImageId": "m-1", "Amount": 2}, idempotent=True)

    ``transport`` is the test seam: pass ``httpx.MockTransport`` or an ``httpx.WSGITransport`` to talk to an
    in-process server with no socket. The client is thread-safe.
    """

    def __init__(
        self,
        region_id: str,
        *,
        credentials: Credentials | CredentialsSupply | None = None,
        endpoint: str | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        signature: Literal["v1", "v3"] = "v1",
        timeout: float = 30.0,
        backoff: PollBackoff | None = None,
    ) -> None:
        if not region_id:
            raise ValueError("AlibabaCloudClient needs a region_id, for example 'cn-hangzhou'")
        if signature not in ("v1", "v3"):
            raise ValueError(f"signature must be 'v1' or 'v3', got {signature!r}")
        self.region_id = region_id
        # None: the chain of cdk_clone.credentials (environment, profiles, RAM roles ...).
        self._credentials = credentials if credentials is not None else _default_credentials()
        self.retry = retry or RetryPolicy()
        # Throttling answers slow down every wait of the process, not only this call's retries.
        self.backoff = backoff or SHARED_BACKOFF
        self.signature = signature
        self._endpoint = endpoint
        if endpoint:
            _normalise_endpoint(endpoint, "endpoint")  # fail now, not at the first call
        self._http = httpx.Client(transport=transport, timeout=httpx.Timeout(timeout))
        # Sleeping is a seam too: tests of the retry loop need not wait.
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def credentials(self) -> Credentials:
        """The credentials the next request is signed with (temporary ones are renewed before they expire)."""
        given = self._credentials
        return given if isinstance(given, Credentials) else given.current()

    def reach(self, service: str = "ecs", region_id: str | None = None) -> tuple[str, str]:
        """(endpoint, access key ID): which account at which endpoint this client's calls of ``service`` in
        ``region_id`` (default its own region) reach."""
        return resolve_endpoint(service, region_id or self.region_id, self._endpoint), self.credentials.access_key_id

    # -- calls ---------------------------------------------------------------------------------------------

    def ecs(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        region_id: str | None = None,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """Call an ECS action (API version 2014-05-26) and return the decoded JSON answer."""
        return self.call("ecs", action, params, region_id=region_id, idempotent=idempotent)

    def vpc(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        region_id: str | None = None,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """Call a VPC action (API version 2016-04-28) and return the decoded JSON answer."""
        return self.call("vpc", action, params, region_id=region_id, idempotent=idempotent)

    def call(
        self,
        service: str,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        region_id: str | None = None,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """Call ``action`` of ``service`` ("ecs" or "vpc").

        ``params`` are encoded by :func:`encode_params`. ``RegionId`` is the call's (or the client's) region
        unless ``params`` name one (``RegionId: None`` leaves it out). ``idempotent=True`` adds a
        ``ClientToken`` made once for this call and reused by all its retries (a given one is kept).
        Raises :class:`ApiError` for an error answer, after retrying transient ones.
        """
        if service not in API_VERSIONS:
            raise ValueError(f"unknown service {service!r}: expected one of {', '.join(API_VERSIONS)}")
        if not action or not action.isalnum():
            raise ValueError(f"{action!r} is not an API action name (such as DescribeInstances)")
        region = region_id or self.region_id
        given = dict(params or {})
        if "RegionId" not in given:
            given["RegionId"] = region
        encoded = encode_params(given)
        if idempotent and not encoded.get("ClientToken"):
            encoded["ClientToken"] = str(uuid.uuid4())
        endpoint = resolve_endpoint(service, region, self._endpoint)
        return self._send_with_retries(service, action, encoded, endpoint, region)

    def _send_with_retries(
        self, service: str, action: str, params: dict[str, str], endpoint: str, region: str
    ) -> dict[str, Any]:
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            failure: Exception
            try:
                answer = self._send_once(service, action, params, endpoint)
            except ApiError as error:
                failure = error
                transient = self.retry.should_retry_error(error)
                outcome = error.code
                if error.is_throttling:
                    self.backoff.record_throttling()
            except httpx.TransportError as error:
                failure = error
                transient = self.retry.should_retry_exception(error)
                outcome = type(error).__name__
            else:
                logger.debug("%s.%s region=%s attempt=%d -> OK", service, action, region, attempt)
                return answer
            delay = self.retry.delay(attempt)
            out_of_time = time.monotonic() - started + delay > self.retry.deadline
            if not transient or attempt >= self.retry.max_attempts or out_of_time:
                logger.debug("%s.%s region=%s attempt=%d -> %s (final)", service, action, region, attempt, outcome)
                if isinstance(failure, httpx.TransportError):
                    raise ApiConnectionError(
                        f"no answer from {endpoint} after {attempt} attempt(s): {type(failure).__name__}: "
                        f"{failure or 'connection failed'}. Check the endpoint ({ENDPOINT_ENV} or the provider's "
                        "endpoint argument) and the network.",
                        action=action,
                        endpoint=endpoint,
                    ) from failure
                raise failure
            logger.debug(
                "%s.%s region=%s attempt=%d -> %s, retrying in %.2fs", service, action, region, attempt, outcome, delay
            )
            self._sleep(delay)

    def _send_once(self, service: str, action: str, params: dict[str, str], endpoint: str) -> dict[str, Any]:
        if self.signature == "v3":
            request = self._build_v3(service, action, params, endpoint)
        else:
            request = self._build_v1(service, action, params, endpoint)
        response = self._http.send(request)
        return decode_answer(response, action)

    def _build_v1(self, service: str, action: str, params: dict[str, str], endpoint: str) -> httpx.Request:
        credentials = self.credentials
        signed = {
            **params,
            "Action": action,
            "Version": API_VERSIONS[service],
            "Format": "JSON",
            "AccessKeyId": credentials.access_key_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            # A fresh nonce and time on every attempt: the API refuses a nonce it has seen.
            "SignatureNonce": str(uuid.uuid4()),
            "Timestamp": format_timestamp(),
        }
        if credentials.security_token:
            signed["SecurityToken"] = credentials.security_token
        signed["Signature"] = sign_v1(signed, secret=credentials.access_key_secret, method="POST")
        # As the official SDKs do: POST to "/" with every parameter in the form body.
        return self._http.build_request(
            "POST",
            f"{endpoint}/",
            content=canonical_query(signed).encode("ascii"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "User-Agent": _USER_AGENT,
            },
        )

    def _build_v3(self, service: str, action: str, params: dict[str, str], endpoint: str) -> httpx.Request:
        credentials = self.credentials
        url = httpx.URL(f"{endpoint}/")
        query = {**params, "Format": "JSON"}
        payload = b""
        signed_headers = {
            "host": url.netloc.decode("ascii"),
            "x-acs-action": action,
            "x-acs-version": API_VERSIONS[service],
            "x-acs-date": format_timestamp(),
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": sha256_hex(payload),
        }
        if credentials.security_token:
            signed_headers["x-acs-security-token"] = credentials.security_token
        authorization = authorization_v3(
            access_key_id=credentials.access_key_id,
            secret=credentials.access_key_secret,
            method="POST",
            query=query,
            headers=signed_headers,
            payload=payload,
        )
        # As the official SDKs do for RPC APIs: POST /?<parameters> with an empty body.
        return self._http.build_request(
            "POST",
            url.copy_with(query=canonical_query(query).encode("ascii")),
            content=payload,
            headers={
                **signed_headers,
                "Authorization": authorization,
                "Accept": "application/json",
                "User-Agent": _USER_AGENT,
            },
        )

    # -- pagination and waiting ----------------------------------------------------------------------------

    def paginate(
        self,
        service: str,
        action: str,
        params: Mapping[str, Any] | None,
        *,
        items: str,
        page_size: int = 100,
        region_id: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a listing action, page after page.

        ``items`` is the dotted path of the list in the answer (``"Instances.Instance"``). Both paging styles
        are followed, chosen from the first answer: ``NextToken`` (sent back with ``MaxResults``) when the
        answer has one, else ``PageNumber``/``PageSize`` up to ``TotalCount``. The first request carries both
        ``MaxResults`` and ``PageSize`` unless ``params`` already give one of them.
        """
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        page_size = min(page_size, _PAGE_SIZE_LIMITS.get((service, action), page_size))
        base = dict(params or {})
        first = dict(base)
        if "MaxResults" not in base and "PageSize" not in base:
            first["MaxResults"] = page_size
            first["PageSize"] = page_size
        answer = self.call(service, action, first, region_id=region_id)
        page = _dig(answer, items)
        yield from page
        if "NextToken" in answer:
            token = answer.get("NextToken")
            size = base.get("MaxResults", page_size)
            while token:
                answer = self.call(
                    service, action, {**base, "MaxResults": size, "NextToken": token}, region_id=region_id
                )
                yield from _dig(answer, items)
                token = answer.get("NextToken")
            return
        if "TotalCount" not in answer:
            return
        total = int(answer["TotalCount"])
        size = int(answer.get("PageSize") or base.get("PageSize", page_size))
        number = int(answer.get("PageNumber") or 1)
        seen = len(page)
        while page and seen < total:
            number += 1
            answer = self.call(service, action, {**base, "PageSize": size, "PageNumber": number}, region_id=region_id)
            page = _dig(answer, items)
            seen += len(page)
            yield from page

    def wait_for(
        self,
        probe: Callable[[], T | None],
        *,
        ready: Callable[[T], bool],
        failed: Callable[[T], str | None] = _never_failed,
        timeout: float,
        what: str,
        interval: float = 2.0,
        progress: Callable[[T], float | None] | None = None,
    ) -> T:
        """Poll ``probe`` until ``ready``; see :func:`cdk_clone.api.wait_for` for the rules."""
        return wait_for(
            probe,
            ready=ready,
            failed=failed,
            timeout=timeout,
            what=what,
            interval=interval,
            progress=progress,
            backoff=self.backoff,
        )

    # -- lifetime ------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AlibabaCloudClient(region_id={self.region_id!r}, signature={self.signature!r})"


def decode_answer(response: httpx.Response, action: str) -> dict[str, Any]:
    """The JSON answer of an RPC call, or the :class:`ApiError` it describes."""
    try:
        body: Any = response.json()
    except (ValueError, json.JSONDecodeError):
        body = None
    if response.status_code < 400:
        if isinstance(body, dict):
            return body
        raise ApiError(
            "InvalidResponse",
            f"expected a JSON object, got: {response.text[:200]!r}",
            http_status=response.status_code,
            action=action,
        )
    if isinstance(body, dict) and body.get("Code"):
        raise ApiError(
            str(body["Code"]),
            str(body.get("Message") or ""),
            request_id=body.get("RequestId"),
            http_status=response.status_code,
            recommend=body.get("Recommend"),
            action=action,
            host_id=body.get("HostId"),
        )
    raise ApiError(
        "ServiceUnavailable" if response.status_code == 503 else f"HTTP{response.status_code}",
        f"error answer without an error code: {response.text[:200]!r}",
        http_status=response.status_code,
        action=action,
    )
