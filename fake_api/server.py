"""Running the fake: a threaded loopback server in the background (``serve``) or in the foreground (``run``).

Example::

    with serve(seed="demo") as fake:
        client = EcsClient(Config(access_key_id=fake.access_key_id, access_key_secret=fake.access_key_secret,
                                  endpoint=f"{fake.host}:{fake.port}", protocol="http", region_id="cn-hangzhou"))
        ...
        assert fake.calls(action="RunInstances")[0]["code"] == "OK"
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from fake_api.app import FakeEndpoint, create_app, endpoint_of
from fake_api.calllog import CallLog
from fake_api.faults import FaultInjector
from fake_api.models import FakeCloud

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_ACCESS_KEY_ID", "DEFAULT_ACCESS_KEY_SECRET", "RunningFake", "run", "serve"]

DEFAULT_ACCESS_KEY_ID = "testid"
DEFAULT_ACCESS_KEY_SECRET = "testsecret"


class _QuietRequestHandler(WSGIRequestHandler):
    """No line per request on stderr: under tests and benchmarks that is thousands of lines of noise."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass(frozen=True)
class RunningFake:
    """A fake cloud being served on a loopback port: where to reach it, which key to use, and its state.

    ``url`` and ``endpoint`` are the same ``http://127.0.0.1:PORT``; ``cloud`` is the live FakeCloud (hold
    ``cloud.lock`` when changing it from another thread); ``faults`` and ``call_log`` drive fault injection
    and read the call log from Python.

    Example::

        with serve() as fake:
            fake.faults.add_spec({"action": "RunInstances", "schedule": ["Throttling", None]})
            ...
            [call["code"] for call in fake.calls(action="RunInstances")]   # ["Throttling", "OK"]
    """

    host: str
    port: int
    app: Flask
    access_key_id: str = DEFAULT_ACCESS_KEY_ID
    access_key_secret: str = DEFAULT_ACCESS_KEY_SECRET

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.url

    @property
    def _parts(self) -> FakeEndpoint:
        return endpoint_of(self.app)

    @property
    def cloud(self) -> FakeCloud:
        return self._parts.cloud

    @property
    def call_log(self) -> CallLog:
        return self._parts.call_log

    @property
    def faults(self) -> FaultInjector:
        return self._parts.faults

    def calls(self, action: str | None = None) -> list[dict[str, Any]]:
        """The call log, oldest first (only ``action``'s calls when given)."""
        return self.call_log.entries(action=action)

    def reset(self, seed: str | dict[str, Any] | None = "demo") -> None:
        """State back to ``seed``; faults and call log cleared."""
        self._parts.reset(seed)

    def wsgi_transport(self) -> httpx.WSGITransport:
        """An httpx transport that calls this fake's app in process, without the socket."""
        import httpx

        return httpx.WSGITransport(app=self.app)


def _make_server(host: str, port: int, app: Flask, *, quiet: bool) -> BaseWSGIServer:
    handler = _QuietRequestHandler if quiet else WSGIRequestHandler
    # threaded: Terraform sends up to 10 calls at once; the cloud's lock keeps the models consistent.
    return make_server(host, port, app, threaded=True, request_handler=handler)


@contextmanager
def serve(host: str = "127.0.0.1", port: int = 0, seed: str | dict[str, Any] | None = "demo") -> Iterator[RunningFake]:
    """Serve a new fake on ``host:port`` (0: a free port) in a background thread for the ``with`` block."""
    app = create_app(seed=seed)
    server = _make_server(host, port, app, quiet=True)
    thread = threading.Thread(target=server.serve_forever, name=f"fake_api:{server.port}", daemon=True)
    thread.start()
    try:
        yield RunningFake(host=host, port=server.port, app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def run(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: str | dict[str, Any] | None = "demo",
    *,
    quiet: bool = False,
    out: TextIO = sys.stdout,
) -> None:
    """Serve in the foreground until SIGINT or SIGTERM; first print ``fake_api listening on http://HOST:PORT``."""
    app = create_app(seed=seed)
    server = _make_server(host, port, app, quiet=quiet)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"fake_api listening on http://{host}:{server.port}", file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
