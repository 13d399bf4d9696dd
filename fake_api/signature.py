"""Alibaba Cloud request signatures, as the real endpoints check them: pure functions, no web framework.

Two schemes arrive at ECS and VPC:

* **V1** (``SignatureMethod=HMAC-SHA1``, ``SignatureVersion=1.0``): every parameter except ``Signature``,
  from the query string and the form body together, sorted and percent-encoded, forms
  ``METHOD&%2F&<encoded canonical string>``; the signature is ``Base64(HMAC-SHA1(secret + "&", that))``.
  Terraform's alicloud provider and older SDKs sign this way.
* **V3** (``Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..``): a canonical
  request over the method, the path, the canonical query string, the signed headers and the body's
  SHA-256; the signature is ``hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\\n" + hex(SHA256(canonical))))``.
  The current official SDKs sign this way.

Example (the published V1 test vector)::

    >>> params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
    ...           "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    ...           "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
    >>> v1_signature("testsecret", v1_string_to_sign("GET", params))
    'OLeaidS1JvxuMvnyHOwuJ+uX5qY='

:class:`SignatureVerifier` applies the server-side rules (known key, matching signature, fresh timestamp,
unused nonce) to a :class:`SignedRequest` and raises the real error codes.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from fake_api.exceptions import (
    IncompleteSignature,
    InvalidAccessKeyIdNotFound,
    InvalidTimeStampExpired,
    InvalidTimeStampFormat,
    SignatureDoesNotMatch,
    SignatureNonceUsed,
)

__all__ = [
    "MAX_CLOCK_SKEW_SECONDS",
    "V3_ALGORITHM",
    "NonceMemory",
    "SignatureVerifier",
    "SignedRequest",
    "V3Authorization",
    "canonical_query_string",
    "parse_timestamp",
    "parse_v3_authorization",
    "percent_encode",
    "sha256_hex",
    "sign_v1",
    "sign_v1_query",
    "sign_v3",
    "v1_signature",
    "v1_string_to_sign",
    "v3_canonical_request",
    "v3_signature",
    "v3_string_to_sign",
]

V3_ALGORITHM = "ACS3-HMAC-SHA256"
# Alibaba refuses timestamps more than 15 minutes away from its clock; nonces only need remembering that long.
MAX_CLOCK_SKEW_SECONDS = 15 * 60
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z")
_EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()
_MISMATCH_MESSAGE = "Specified signature is not matched with our calculation. server string to sign is:"


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba signs it: only ``A-Za-z0-9-_.~`` stay, space is ``%20``, hex is uppercase."""
    # Most names and values need no encoding; the check is several times cheaper than quote() on the hot path.
    if _UNRESERVED.fullmatch(value):
        return value
    return quote(value, safe="~")


@lru_cache(maxsize=1024)
def _encoded_name(name: str) -> str:
    # Parameter names come from a small set (an action's parameters and the protocol's): encode each once.
    return percent_encode(name)


def _canonical_pair(name: str, value: str) -> tuple[str, str]:
    """(encoded name, ``name=value`` encoded): the sort key and the piece of the canonical string."""
    encoded_name = _encoded_name(name)
    return encoded_name, f"{encoded_name}={percent_encode(value)}"


# Most pairs recur from one request to the next (Action, Version, AccessKeyId, the same Timestamp for a
# second...); only the nonce is new each time. Recent pairs with short values are encoded once; long
# values (user data, policies) are not kept, so the memory stays small whatever the requests carry.
_REMEMBERED_LENGTH = 200
_recent_canonical_pair = lru_cache(maxsize=4096)(_canonical_pair)


def canonical_query_string(params: Mapping[str, str]) -> str:
    """``k=v`` pairs, names and values percent-encoded, sorted by encoded name, joined with ``&``."""
    return _canonical(params, skip=None)


def _canonical(params: Mapping[str, str], skip: str | None) -> str:
    # Sorted by encoded name (names are unique in a mapping, so the pieces never decide the order).
    pairs = [
        _recent_canonical_pair(name, value)
        if len(name) + len(value) <= _REMEMBERED_LENGTH
        else _canonical_pair(name, value)
        for name, value in params.items()
        if name != skip
    ]
    pairs.sort()
    return "&".join([piece for _, piece in pairs])


def v1_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """``METHOD&%2F&enc(canonical)`` over every parameter except ``Signature``."""
    return _v1_string_to_sign(method, _canonical(params, skip="Signature"))


def _v1_string_to_sign(method: str, canonical: str) -> str:
    # The canonical string is encoded a second time. After the first pass it holds only unreserved
    # characters, "%XY" escapes and the "=" and "&" joiners, so three replacements give exactly what
    # percent_encode() would, without quoting a long string character by character.
    encoded = canonical.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
    return f"{method.upper()}&%2F&{encoded}"


@lru_cache(maxsize=256)
def _v1_key(secret: str) -> bytes:
    return f"{secret}&".encode()


def v1_signature(secret: str, string_to_sign: str) -> str:
    """``Base64(HMAC-SHA1(secret + "&", string_to_sign))``."""
    # hmac.digest() is OpenSSL's one-shot HMAC: no Python HMAC object per request.
    digest = hmac.digest(_v1_key(secret), string_to_sign.encode(), "sha1")
    return base64.b64encode(digest).decode("ascii")


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256, the form of ``x-acs-content-sha256`` and of the canonical request's hashed payload."""
    return _EMPTY_BODY_SHA256 if not data else hashlib.sha256(data).hexdigest()


def v3_canonical_request(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, Sequence[str]],
    signed_headers: Sequence[str],
    hashed_payload: str,
) -> str:
    """The V3 canonical request; ``headers`` maps lowercase names to every value sent under that name."""
    header_lines = "".join(
        f"{name}:{','.join(sorted(value.strip() for value in headers.get(name, ())))}\n" for name in signed_headers
    )
    return "\n".join(
        [
            method.upper(),
            path or "/",
            canonical_query_string(query),
            header_lines,
            ";".join(signed_headers),
            hashed_payload,
        ]
    )


def v3_string_to_sign(canonical_request: str) -> str:
    return f"{V3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"


def v3_signature(secret: str, string_to_sign: str) -> str:
    """``hex(HMAC-SHA256(secret, string_to_sign))`` (no ``&`` appended to the key, unlike V1)."""
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def _utc_now() -> str:
    return time.strftime(_TIMESTAMP_FORMAT, time.gmtime())


def _new_nonce() -> str:
    return os.urandom(16).hex()  # 128 random bits, as uuid4().hex but without building a UUID


def _signature_parameter(signature: str) -> str:
    # Base64 holds letters, digits and "+/=": exactly what percent_encode() would give, without quote().
    return signature.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def _with_v1_common_parameters(
    params: Mapping[str, str], access_key_id: str, nonce: str | None, timestamp: str | None
) -> dict[str, str]:
    return {
        "AccessKeyId": access_key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": nonce or _new_nonce(),
        "Timestamp": timestamp or _utc_now(),
        **params,
    }


def sign_v1(
    method: str,
    params: Mapping[str, str],
    access_key_id: str,
    secret: str,
    *,
    nonce: str | None = None,
    timestamp: str | None = None,
) -> dict[str, str]:
    """``params`` plus the V1 common parameters and ``Signature``, ready to send (as a query or a form body).

    For clients of the fake that do not use an SDK (raw tests, benchmarks)::

        params = sign_v1("GET", {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"},
                         "testid", "testsecret")
        httpx.get(fake.url, params=params)
    """
    signed = _with_v1_common_parameters(params, access_key_id, nonce, timestamp)
    signed["Signature"] = v1_signature(secret, v1_string_to_sign(method, signed))
    return signed


def sign_v1_query(
    method: str,
    params: Mapping[str, str],
    access_key_id: str,
    secret: str,
    *,
    nonce: str | None = None,
    timestamp: str | None = None,
) -> str:
    """What :func:`sign_v1` signs, as a ready query string (or form body): percent-encoded, ``Signature`` last.

    The canonical string the signature is computed over is itself a valid query string, so it is sent as
    is, and the HTTP client has nothing left to encode::

        query = sign_v1_query("GET", {"Action": "DescribeRegions", "Version": "2014-05-26"}, "testid", "testsecret")
        httpx.get(f"{fake.url}/?{query}")
    """
    signed = _with_v1_common_parameters(params, access_key_id, nonce, timestamp)
    canonical = _canonical(signed, skip="Signature")
    signature = v1_signature(secret, _v1_string_to_sign(method, canonical))
    return f"{canonical}&Signature={_signature_parameter(signature)}"


def sign_v3(
    method: str,
    action: str,
    version: str,
    query: Mapping[str, str],
    host: str,
    access_key_id: str,
    secret: str,
    *,
    body: bytes = b"",
    nonce: str | None = None,
    date: str | None = None,
    security_token: str | None = None,
) -> dict[str, str]:
    """The headers of a V3 request (as the official SDKs send them), ``Authorization`` included.

    ``host`` is the Host header the request will carry (``127.0.0.1:PORT``); ``query`` goes in the URL as is.
    ``security_token`` (temporary credentials) is sent, and signed, as ``x-acs-security-token``.
    """
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": date or _utc_now(),
        "x-acs-signature-nonce": nonce or _new_nonce(),
        "x-acs-content-sha256": sha256_hex(body),
    }
    if security_token:
        headers["x-acs-security-token"] = security_token
    signed_headers = sorted(headers)
    canonical = v3_canonical_request(
        method, "/", query, {name: [value] for name, value in headers.items()}, signed_headers, sha256_hex(body)
    )
    signature = v3_signature(secret, v3_string_to_sign(canonical))
    headers["authorization"] = (
        f"{V3_ALGORITHM} Credential={access_key_id},SignedHeaders={';'.join(signed_headers)},Signature={signature}"
    )
    return headers


class V3Authorization(NamedTuple):
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_v3_authorization(value: str) -> V3Authorization:
    """Split ``ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex``; raise IncompleteSignature if malformed."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != V3_ALGORITHM:
        raise IncompleteSignature(
            f"The Authorization header uses the algorithm {algorithm!r}; this endpoint accepts {V3_ALGORITHM}."
        )
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, field_value = part.strip().partition("=")
        if sep:
            fields[name] = field_value
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)]
    if missing:
        raise IncompleteSignature(
            f"The Authorization header lacks {', '.join(missing)}: expected "
            f"'{V3_ALGORITHM} Credential=<AccessKeyId>,SignedHeaders=<a;b;c>,Signature=<hex>'."
        )
    signed = tuple(name.strip().lower() for name in fields["SignedHeaders"].split(";") if name.strip())
    return V3Authorization(fields["Credential"], signed, fields["Signature"])


# The last timestamp parsed and its value: requests arriving within the same second carry the same one.
_last_timestamp: tuple[str, float] = ("", 0.0)


def parse_timestamp(value: str) -> float:
    """Seconds since the epoch of a ``YYYY-MM-DDThh:mm:ssZ`` UTC timestamp; InvalidTimeStamp.Format otherwise."""
    global _last_timestamp
    # Requests arriving within the same second carry the same timestamp: remember the last one parsed.
    # (One tuple, replaced whole, so concurrent threads read either the old pair or the new one.)
    last_value, last_seconds = _last_timestamp
    if value == last_value:
        return last_seconds
    seconds = _parse_timestamp(value)
    _last_timestamp = (value, seconds)
    return seconds


def _parse_timestamp(value: str) -> float:
    # A regular expression and timegm instead of strptime: this runs on every request.
    match = _TIMESTAMP.fullmatch(value)
    fields = tuple(int(group) for group in match.groups()) if match else ()
    if not fields or not (
        1 <= fields[1] <= 12 and 1 <= fields[2] <= 31 and fields[3] < 24 and fields[4] < 60 and fields[5] < 61
    ):
        raise InvalidTimeStampFormat(
            f"Specified time stamp or date value is not well formatted: {value!r} (expected UTC, e.g. "
            "2016-02-23T12:46:24Z)."
        )
    return float(calendar.timegm(fields))


class NonceMemory:
    """Remembers the nonces seen in the last ``window_seconds`` per AccessKeyId, thread-safe and bounded.

    Example::

        nonces = NonceMemory()
        nonces.remember("testid", "n-1", now=0.0)   # True: first use
        nonces.remember("testid", "n-1", now=1.0)   # False: reused
    """

    def __init__(self, window_seconds: float = MAX_CLOCK_SKEW_SECONDS, max_entries: int = 100_000) -> None:
        self._window = window_seconds
        # Beyond max_entries the oldest nonces are forgotten early: memory stays bounded under sustained load.
        self._max_entries = max_entries
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, access_key_id: str, nonce: str, now: float) -> bool:
        """Record the nonce; False when it was already used within the window."""
        key = (access_key_id, nonce)
        with self._lock:
            horizon = now - self._window
            while self._seen:
                oldest_key, seen_at = next(iter(self._seen.items()))
                if seen_at >= horizon and len(self._seen) < self._max_entries:
                    break
                del self._seen[oldest_key]
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    def __len__(self) -> int:
        return len(self._seen)


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs of an HTTP request, independent of the web framework.

    ``query`` holds the query-string parameters, ``form`` the form-body parameters, ``headers`` lowercase
    header names mapped to all their values.
    """

    method: str
    path: str
    query: Mapping[str, str]
    form: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[0] if values else None

    @property
    def is_v3(self) -> bool:
        authorization = self.header("authorization")
        return authorization is not None and authorization.startswith("ACS3-")


def security_token_of(request: SignedRequest) -> str | None:
    """The security token sent with temporary credentials: the ``SecurityToken`` parameter (V1, signed with
    the other parameters) or the ``x-acs-security-token`` header (V3)."""
    if request.is_v3:
        return request.header("x-acs-security-token")
    return request.form.get("SecurityToken") or request.query.get("SecurityToken")


class SignatureVerifier:
    """Checks a request's signature the way ECS and VPC do; returns the caller's AccessKeyId.

    Example::

        verifier = SignatureVerifier(secret_for={"testid": "testsecret"}.get)
        access_key_id = verifier.verify(SignedRequest("GET", "/", query=params))

    Raises IncompleteSignature (signature fields missing), InvalidAccessKeyId.NotFound, SignatureDoesNotMatch
    (the message echoes the server's string to sign), InvalidTimeStamp.Format/.Expired, SignatureNonceUsed,
    and whatever ``check_token(access_key_id, security_token)`` raises for the security token (a temporary
    key's token missing, wrong or expired: see :meth:`fake_api.models.sts.SecurityTokenService.check_token`).
    """

    def __init__(
        self,
        secret_for: Callable[[str], str | None],
        nonces: NonceMemory | None = None,
        clock: Callable[[], float] = time.time,
        max_skew_seconds: float = MAX_CLOCK_SKEW_SECONDS,
        check_token: Callable[[str, str | None], None] | None = None,
    ) -> None:
        self._secret_for = secret_for
        self.nonces = nonces if nonces is not None else NonceMemory(window_seconds=max_skew_seconds)
        self._clock = clock
        self._max_skew = max_skew_seconds
        self._check_token = check_token

    def verify(self, request: SignedRequest) -> str:
        if request.is_v3:
            access_key_id, nonce, timestamp = self._verify_v3(request)
        else:
            access_key_id, nonce, timestamp = self._verify_v1(request)
        now = self._clock()
        if abs(now - parse_timestamp(timestamp)) > self._max_skew:
            raise InvalidTimeStampExpired(
                f"Specified time stamp or date value is expired: {timestamp} is more than "
                f"{int(self._max_skew // 60)} minutes away from the server time "
                f"{datetime.fromtimestamp(now, UTC).strftime(_TIMESTAMP_FORMAT)}; check the client's clock."
            )
        if self._check_token is not None:
            self._check_token(access_key_id, security_token_of(request))
        # Only a correctly signed, fresh request consumes its nonce, so a rejected request can be re-sent.
        if not self.nonces.remember(access_key_id, nonce, now):
            raise SignatureNonceUsed(
                f"Specified signature nonce was used already: {nonce!r}. Send a new random nonce with each request."
            )
        return access_key_id

    def _secret(self, access_key_id: str) -> str:
        secret = self._secret_for(access_key_id)
        if secret is None:
            raise InvalidAccessKeyIdNotFound(f"Specified access key is not found: {access_key_id!r}.")
        return secret

    def _verify_v1(self, request: SignedRequest) -> tuple[str, str, str]:
        params = {**request.query, **request.form} if request.form else request.query
        missing = [name for name in ("AccessKeyId", "Signature", "SignatureNonce", "Timestamp") if not params.get(name)]
        if missing:
            raise IncompleteSignature(
                "The request signature does not conform to Aliyun standards: missing "
                f"{', '.join(missing)}. Sign with SignatureMethod=HMAC-SHA1 and SignatureVersion=1.0, or send "
                f"an '{V3_ALGORITHM}' Authorization header."
            )
        method = params.get("SignatureMethod", "HMAC-SHA1")
        if method != "HMAC-SHA1" or params.get("SignatureVersion", "1.0") != "1.0":
            raise IncompleteSignature(
                f"The request signature does not conform to Aliyun standards: SignatureMethod={method!r} "
                f"SignatureVersion={params.get('SignatureVersion')!r}; expected HMAC-SHA1 and 1.0."
            )
        access_key_id = params["AccessKeyId"]
        secret = self._secret(access_key_id)
        string_to_sign = v1_string_to_sign(request.method, params)
        expected = v1_signature(secret, string_to_sign)
        if not _same_signature(expected, params["Signature"]):
            raise SignatureDoesNotMatch(_MISMATCH_MESSAGE + string_to_sign)
        return access_key_id, params["SignatureNonce"], params["Timestamp"]

    def _verify_v3(self, request: SignedRequest) -> tuple[str, str, str]:
        authorization = parse_v3_authorization(request.header("authorization") or "")
        date = request.header("x-acs-date")
        nonce = request.header("x-acs-signature-nonce")
        must_sign = {"x-acs-date": date, "x-acs-signature-nonce": nonce}
        unsigned = [name for name in must_sign if name not in authorization.signed_headers]
        if date is None or nonce is None or unsigned:
            absent = [name for name, value in must_sign.items() if value is None]
            raise IncompleteSignature(
                "The request signature does not conform to Aliyun standards: "
                + (f"missing header(s) {', '.join(absent)}" if absent else f"unsigned header(s) {', '.join(unsigned)}")
                + ". V3 requests must send and sign x-acs-date and x-acs-signature-nonce."
            )
        secret = self._secret(authorization.access_key_id)
        # The body's real hash is used, so a body altered after signing (or a wrong header) fails to match.
        canonical = v3_canonical_request(
            request.method,
            request.path,
            request.query,
            request.headers,
            authorization.signed_headers,
            sha256_hex(request.body),
        )
        string_to_sign = v3_string_to_sign(canonical)
        if not _same_signature(v3_signature(secret, string_to_sign), authorization.signature.lower()):
            raise SignatureDoesNotMatch(f"{_MISMATCH_MESSAGE}{string_to_sign} (canonical request: {canonical!r})")
        return authorization.access_key_id, nonce, date


def _same_signature(expected: str, given: str) -> bool:
    """A constant-time comparison that also takes what no signature contains (non-ASCII characters): a
    signature is ASCII, so such a one simply does not match."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))
