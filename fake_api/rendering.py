"""Shaping answers as ECS and VPC do: JSON, or XML (the default when a request names no ``Format``).

Bodies are plain dicts in the JSON shape, where every list is wrapped under its singular name
(``{"Instances": {"Instance": [...]}}``). XML renders such a list as repeated elements named by its key:
``<Instances><Instance>..</Instance><Instance>..</Instance></Instances>``.

Example::

    >>> render_xml("DescribeRegionsResponse", {"RequestId": "R", "Regions": {"Region": [{"RegionId": "a"}]}})
    '<?xml version="1.0" encoding="UTF-8"?><DescribeRegionsResponse><RequestId>R</RequestId><Regions><Region>\
<RegionId>a</RegionId></Region></Regions></DescribeRegionsResponse>'
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

__all__ = [
    "JSON_CONTENT_TYPE",
    "XML_CONTENT_TYPE",
    "error_body",
    "new_request_id",
    "recommend_url",
    "render_json",
    "render_xml",
]

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
XML_CONTENT_TYPE = "text/xml;charset=utf-8"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def new_request_id() -> str:
    """A request ID in the real form: an uppercase UUID (version 4, random)."""
    # uuid.uuid4() does the same through UUID objects, at a few times the cost, on every request.
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    digits = raw.hex().upper()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def recommend_url(code: str, product: str, request_id: str) -> str:
    """The troubleshooting link real error answers carry in ``Recommend``."""
    return f"https://api.aliyun.com/troubleshoot?q={code}&product={product}&requestId={request_id}"


def error_body(request_id: str, host_id: str, code: str, message: str, product: str) -> dict[str, str]:
    """The real error shape: ``{RequestId, HostId, Code, Message, Recommend}``."""
    return {
        "RequestId": request_id,
        "HostId": host_id,
        "Code": code,
        "Message": message,
        "Recommend": recommend_url(code, product, request_id),
    }


# One encoder for every answer (json.dumps() with options builds a new one per call). Answers are trees
# built afresh for each request, so the circular-reference check is skipped: it costs a fifth of the time.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def render_json(body: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, non-ASCII characters as they are (not ``\\u`` escapes)."""
    return _JSON_ENCODER.encode(body).encode()


def render_xml(root: str, body: Mapping[str, Any]) -> bytes:
    """``body`` under a ``<root>`` element; lists become repeated elements named by their key."""
    parts: list[str] = [_XML_DECLARATION, f"<{root}>"]
    _append_members(parts, body)
    parts.append(f"</{root}>")
    return "".join(parts).encode()


def _append_members(parts: list[str], members: Mapping[str, Any]) -> None:
    for name, value in members.items():
        if isinstance(value, list):
            for item in value:
                _append_element(parts, name, item)
        else:
            _append_element(parts, name, value)


def _append_element(parts: list[str], name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        parts.append(f"<{name}>")
        _append_members(parts, value)
        parts.append(f"</{name}>")
    elif isinstance(value, list):
        # A list directly inside a list has no singular name of its own: repeat the enclosing one.
        for item in value:
            _append_element(parts, name, item)
    elif value is None:
        parts.append(f"<{name}/>")
    else:
        parts.append(f"<{name}>{escape(_scalar_text(value))}</{name}>")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
