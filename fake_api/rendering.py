"""Shaping answers as ECS and VPC do: JSON, or XML (the default when a request names no ``Format``).

Bodies are plain dicts in the JSON shape, where every list is wrapped under its singular name
(``{"Instances": {"Instance": [...]}}``). XML renders such a list as repeated elements named by its key:
``<Instances><Instance>..</Instance><Instance>..</Instance></Instances>``.

Example::

    >>> render_xml("DescribeRegionsResponse", {"RequestId": "R", "Regions": {"Region": [{"RegionId": "a"}]}})
    b'<?xml version="1.0" encoding="UTF-8"?><DescribeRegionsResponse><RequestId>R</RequestId><Regions><Region>\
<RegionId>a</RegionId></Region></Regions></DescribeRegionsResponse>'
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any
from xml.sax.saxutils import escape

__all__ = [
    "JSON_CONTENT_TYPE",
    "XML_CONTENT_TYPE",
    "EncodedRows",
    "error_body",
    "json_members",
    "json_string",
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
_encode = _JSON_ENCODER.encode
# What that encoder writes for a string, called directly (encode() checks the type and dispatches first).
_encode_string: Callable[[str], str] = json.encoder.encode_basestring
# Where render_json looks for EncodedRows: the answer's members and their members, which is where every
# list answer keeps its rows ({"Instances": {"Instance": [...]}}). Deeper ones are encoded as plain lists.
_SPLICE_DEPTH = 2


class EncodedRows(list[Any]):
    """The rows of a list answer, together with their JSON (``encoded``), which render_json splices as is.

    A row's JSON can be kept from one answer to the next while the row does not change; encoding the
    rows again for every answer is most of the cost of a page. The list holds the same rows as plain
    values, so XML, Python callers and anything else see an ordinary list. ``encoded`` must be exactly
    what render_json would write for those rows; nobody may change the list afterwards.

        >>> rows = EncodedRows([{"A": 1}], encoded='[{"A":1}]')
        >>> render_json({"Items": {"Item": rows}})
        b'{"Items":{"Item":[{"A":1}]}}'
    """

    __slots__ = ("encoded",)

    def __init__(self, rows: list[Any], *, encoded: str) -> None:
        super().__init__(rows)
        self.encoded = encoded


def json_members(members: Mapping[str, Any]) -> str:
    """The members of a JSON object as render_json writes them, without the braces: ``"A":1,"B":"x"``."""
    return _encode(members)[1:-1]


def json_string(text: str) -> str:
    """A string as render_json writes it (quoted, escaped, non-ASCII as is)."""
    return _encode(text)


def render_json(body: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, non-ASCII characters as they are (not ``\\u`` escapes); EncodedRows spliced in."""
    if not _holds_encoded_rows(body, _SPLICE_DEPTH):
        return _encode(body).encode()
    return _spliced(body, _SPLICE_DEPTH).encode()


def _holds_encoded_rows(members: Mapping[str, Any], depth: int) -> bool:
    for value in members.values():
        if type(value) is EncodedRows:
            return True
        if depth > 1 and isinstance(value, dict) and _holds_encoded_rows(value, depth - 1):
            return True
    return False


def _spliced(members: Mapping[str, Any], depth: int) -> str:
    parts = []
    for name, value in members.items():
        kind = type(value)
        if kind is EncodedRows:
            encoded = value.encoded
        elif kind is str:
            encoded = _encode_string(value)
        elif kind is int:
            encoded = int.__repr__(value)
        elif depth > 1 and isinstance(value, dict):
            encoded = _spliced(value, depth - 1)
        else:
            encoded = _encode(value)
        parts.append(f"{_encode_string(name) if type(name) is str else _encode({name: 0})[1:-3]}:{encoded}")
    return "{" + ",".join(parts) + "}"


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
