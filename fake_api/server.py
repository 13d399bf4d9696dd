"""Running the fake: a threaded loopback server in the background (``serve``) or in the foreground (``run``).

Example::

    with serve(seed="demo") as fake:
        client = EcsClient(Config(access_key_id=fake.access_key_id, access_key_secret=fake.access_key_secret,
                                  endpoint=f"{fake.host}:{fake.port}", protocol="http", region_id="cn-hangzhou"))
        ...
        assert fake.calls(action="RunInstances")[0]["code"] == "OK"
"""

from __future__ import annotations

import io
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from flask import Flask
from werkzeug.exceptions import InternalServerError
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler, connection_dropped_errors

from fake_api.app import FakeEndpoint, create_app, endpoint_of
from fake_api.calllog import CallLog
from fake_api.faults import FaultInjector
from fake_api.models import FakeCloud

if TYPE_CHECKING:
    import httpx
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["DEFAULT_ACCESS_KEY_ID", "DEFAULT_ACCESS_KEY_SECRET", "RunningFake", "run", "serve"]

DEFAULT_ACCESS_KEY_ID = "testid"
DEFAULT_ACCESS_KEY_SECRET = "testsecret"


class _BodyReader(io.RawIOBase):
    """This request's body and not a byte more: on a persistent connection the next request follows it."""

    def __init__(self, stream: io.BufferedIOBase, length: int) -> None:
        super().__init__()
        self._stream = stream
        self.remaining = length
        self.truncated = False  # the client went away before sending the whole body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.remaining <= 0:
            return 0
        data = self._stream.read(min(len(buffer), self.remaining))
        if not data:
            self.truncated, self.remaining = True, 0
            return 0
        buffer[: len(data)] = data
        self.remaining -= len(data)
        return len(data)


class _PersistentRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, answering HTTP/1.1 with persistent (keep-alive) connections.

    Werkzeug's own handler closes every connection (it cannot tell where a request's body ends), so each
    call paid a new TCP connection and a new thread. Here the application sees only its request's body
    (``Content-Length`` bytes), the unread rest is drained before the next request is read, and every
    answer goes out whole, in one write, with its ``Content-Length``. The connection closes when the
    client asks (``Connection: close``, HTTP/1.0 without keep-alive), after a chunked request body or an
    application crash, or when the server stops.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # an answer is one write: nothing to gain from Nagle, only delays

    def run_wsgi(self) -> None:
        # (http.server has already answered "Expect: 100-continue" while parsing the request.)
        self.environ = environ = self.make_environ()
        if environ.get("wsgi.input_terminated"):  # a chunked body: werkzeug's DechunkedInput reads it
            self.close_connection = True
            body: _BodyReader | None = None
        else:
            length = environ.get("CONTENT_LENGTH") or "0"
            if not length.isdigit():
                self.send_error(400, f"Content-Length must be a number of bytes, got {length!r}")
                return
            body = _BodyReader(self.rfile, int(length))
            environ["wsgi.input"] = body
            environ["wsgi.input_terminated"] = True
        try:
            status, headers, chunks = self._call_application(self.server.app, environ)
        except connection_dropped_errors as error:
            self.close_connection = True
            self.connection_dropped(error, environ)
            return
        except Exception:  # noqa: BLE001 -- a crash in the application: answer 500, log it, keep serving
            self.close_connection = True
            self.server.log("error", f"Error on request {self.requestline!r}:\n{traceback.format_exc()}")
            status, headers, chunks = self._call_application(InternalServerError(), environ)
        if body is not None:
            self._drain(body)
        self._send(status, headers, chunks)

    @staticmethod
    def _call_application(app: Any, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], list[bytes]]:
        """Run the WSGI application to the end, collecting its answer (it is sent whole, with its length)."""
        started: list[Any] = []
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if started and not exc_info:
                raise AssertionError("start_response() called twice without exc_info")
            started[:] = [status, headers]
            return chunks.append  # the legacy write() callable

        iterable = app(environ, start_response)
        try:
            for data in iterable:
                if data:
                    chunks.append(data)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        if not started:
            raise RuntimeError("the WSGI application returned without calling start_response()")
        return started[0], started[1], chunks

    def _drain(self, body: _BodyReader) -> None:
        """Read what the application left of the body, so the next request starts where it should."""
        if body.remaining > _MAX_DRAIN_BYTES:
            self.close_connection = True  # cheaper to drop the connection than to read that much
            return
        while body.remaining and body.read(min(body.remaining, 65536)):
            pass
        if body.truncated:
            self.close_connection = True

    def _send(self, status: str, headers: list[tuple[str, str]], chunks: list[bytes]) -> None:
        code = int(status.split(None, 1)[0])
        lines = [f"{self.protocol_version} {status}", f"Server: {self.version_string()}", f"Date: {_http_date()}"]
        # No body for HEAD, 1xx, 204 and 304 (HEAD keeps the length the application gave, that of the GET).
        bodiless = self.command == "HEAD" or code < 200 or code in (204, 304)
        for name, value in headers:
            lowered = name.lower()
            if lowered in _HOP_BY_HOP or (lowered == "content-length" and not bodiless):
                continue
            lines.append(f"{name}: {value}")
        payload = b"" if bodiless else b"".join(chunks)
        if not bodiless:
            lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head + payload)
        except OSError as error:  # the client (or an injected "drop" fault) closed the connection
            self.close_connection = True
            self.connection_dropped(error, self.environ)
            return
        self.log_request(code, len(payload))


class _QuietRequestHandler(_PersistentRequestHandler):
    """No line per request on stderr: under tests and benchmarks that is thousands of lines of noise."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


# A body left unread beyond this is not drained: the connection is closed instead.
_MAX_DRAIN_BYTES = 1 << 20
# Headers that describe the connection, not the answer: the server sets them itself.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding"})
_last_date: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The ``Date`` header's value, formatted once a second."""
    global _last_date
    now = int(time.time())
    second, text = _last_date
    if second != now:
        text = formatdate(now, usegmt=True)
        _last_date = (now, text)
    return text


class _FakeApiServer(ThreadedWSGIServer):
    """Werkzeug's threaded server (a thread per connection) that closes open connections when it closes.

    With persistent connections a client may keep one open after the server is told to stop: closing
    them ends their threads and tells those clients at once, rather than answering on a stopped server.
    """

    def __init__(self, host: str, port: int, app: Flask, handler: type[WSGIRequestHandler]) -> None:
        super().__init__(host, port, app, handler)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its client


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


def _make_server(host: str, port: int, app: Flask, *, quiet: bool) -> _FakeApiServer:
    handler = _QuietRequestHandler if quiet else _PersistentRequestHandler
    # threaded: Terraform sends up to 10 calls at once; the cloud's lock keeps the models consistent.
    return _FakeApiServer(host, port, app, handler)


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
