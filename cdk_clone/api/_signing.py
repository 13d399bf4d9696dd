"""Request signatures of the Alibaba Cloud RPC APIs: V1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256).

Both are pure functions of their inputs (the nonce and the time are arguments), so they are tested against
published vectors.

Example (the published V1 vector)::

    sign_v1(
        {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
         "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
         "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"},
        secret="testsecret", method="GET",
    )  # 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

__all__ = [
    "V3_ALGORITHM",
    "authorization_v3",
    "canonical_query",
    "canonical_request_v3",
    "format_timestamp",
    "percent_encode",
    "sha256_hex",
    "sign_v1",
    "sign_v3",
    "string_to_sign_v1",
]

V3_ALGORITHM = "ACS3-HMAC-SHA256"


def percent_encode(text: str) -> str:
    """RFC 3986 encoding as Alibaba specifies it: only ``A-Za-z0-9-_.~`` stay, space is ``%20``, hex is upper case."""
    return quote(text, safe="~")


def canonical_query(params: Mapping[str, str]) -> str:
    """``name=value`` pairs, both percent-encoded, sorted by encoded name, joined with ``&``."""
    pairs = sorted((percent_encode(name), percent_encode(value)) for name, value in params.items())
    return "&".join(f"{name}={value}" for name, value in pairs)


def string_to_sign_v1(params: Mapping[str, str], method: str) -> str:
    """``METHOD&%2F&<canonical query, encoded a second time>``; a ``Signature`` entry is ignored."""
    unsigned = {name: value for name, value in params.items() if name != "Signature"}
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query(unsigned))}"


def sign_v1(params: Mapping[str, str], *, secret: str, method: str) -> str:
    """Base64 HMAC-SHA1 of the V1 string to sign, keyed with ``secret + "&"``.

    ``params`` are all request parameters (query and form body together) except ``Signature``.
    """
    digest = hmac.new(f"{secret}&".encode(), string_to_sign_v1(params, method).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256, as used for ``x-acs-content-sha256`` and the V3 canonical request."""
    return hashlib.sha256(data).hexdigest()


def canonical_request_v3(
    *, method: str, query: Mapping[str, str], headers: Mapping[str, str], payload: bytes, path: str = "/"
) -> tuple[str, str]:
    """Return ``(canonical_request, signed_headers)`` for V3.

    Every header passed is signed: names are lower-cased and sorted, values trimmed.
    """
    canonical_headers = sorted((name.lower().strip(), value.strip()) for name, value in headers.items())
    signed_headers = ";".join(name for name, _ in canonical_headers)
    request = "\n".join(
        [
            method.upper(),
            path,
            canonical_query(query),
            "".join(f"{name}:{value}\n" for name, value in canonical_headers),
            signed_headers,
            sha256_hex(payload),
        ]
    )
    return request, signed_headers


def sign_v3(canonical_request: str, *, secret: str) -> str:
    """Hex HMAC-SHA256 of ``"ACS3-HMAC-SHA256\\n" + hex(SHA256(canonical_request))``, keyed with the secret."""
    string_to_sign = f"{V3_ALGORITHM}\n{sha256_hex(canonical_request.encode())}"
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def authorization_v3(
    *,
    access_key_id: str,
    secret: str,
    method: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    payload: bytes,
) -> str:
    """The ``Authorization`` header value for a V3 request signing every header in ``headers``."""
    canonical, signed_headers = canonical_request_v3(method=method, query=query, headers=headers, payload=payload)
    signature = sign_v3(canonical, secret=secret)
    return f"{V3_ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"


def format_timestamp(moment: datetime | None = None) -> str:
    """UTC time as the API wants it: ``yyyy-MM-ddTHH:mm:ssZ``."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
