"""A scripted in-process API behind httpx.MockTransport, for the client tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx


class ScriptedApi:
    """Answers each request with the next scripted reply and records the parameters it received."""

    def __init__(self) -> None:
        self.replies: list[Callable[[dict[str, str]], httpx.Response] | httpx.Response | Exception] = []
        self.requests: list[dict[str, str]] = []
        self.default: Callable[[dict[str, str]], httpx.Response] | None = None

    def handler(self, request: httpx.Request) -> httpx.Response:
        params = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        params.update(parse_qsl(request.content.decode(), keep_blank_values=True))
        for name in ("x-acs-action", "x-acs-version"):
            if name in request.headers:
                params.setdefault(name, request.headers[name])
        self.requests.append(params)
        reply = self.replies.pop(0) if self.replies else self.default
        if reply is None:
            raise AssertionError(f"unexpected request: {params}")
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(params)


def ok(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json={"RequestId": "req-ok", **body})


def error(status: int, code: str, message: str = "error message") -> httpx.Response:
    return httpx.Response(
        status,
        json={"RequestId": f"req-{code}", "HostId": "ecs.aliyuncs.com", "Code": code, "Message": message},
    )
