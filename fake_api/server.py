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
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import Parser
from email.utils import formatdate
from http import HTTPStatus
from http.client import HTTPMessage
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import unquote, urlsplit

from flask import Flask
from werkzeug.exceptions import InternalServerError
from werkzeug.http import parse_set_header
from werkzeug.serving import DechunkedInput, ThreadedWSGIServer, WSGIRequestHandler, connection_dropped_errors

from fake_api.app import FakeEndpoint, create_app, endpoint_of
from fake_api.calllog import CallLog
from fake_api.faults import FaultInjector
from fake_api.models import FakeCloud
from fake_api.models.profiles import DEFAULT_PROFILE

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
    _header_items: list[tuple[str, str]]

    def parse_request(self) -> bool:
        """http.server's parsing, with the usual request (``METHOD /path HTTP/1.x``, plain header lines) read
        without the email parser, which costs more than the rest of the request head.
        Anything unusual is left to http.server, which also answers the malformed requests."""
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = requestline.split()
        if len(words) != 3 or words[2] not in ("HTTP/1.1", "HTTP/1.0"):
            return self._parse_request_by_http_server()
        lines: list[bytes] = []
        while True:
            line = self.rfile.readline(_MAX_HEADER_LINE + 1)
            if len(line) > _MAX_HEADER_LINE:
                self.requestline, self.command, self.request_version = requestline, words[0], words[2]
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            lines.append(line)
            if len(lines) > _MAX_HEADERS:
                self.requestline, self.command, self.request_version = requestline, words[0], words[2]
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
                return False
        text = b"".join(lines).decode("iso-8859-1")
        items = _HEADER_LINE.findall(text)
        if len(items) != len(lines):  # folded or odd lines: the email parser's reading, as http.server does
            items = Parser(_class=HTTPMessage).parsestr(text).items()
        self._header_items = items
        self.requestline = requestline
        self.command, path, self.request_version = words
        self.path = "/" + path.lstrip("/") if path.startswith("//") else path  # as http.server (gh-87389)
        connection = next((value.lower() for name, value in items if name.lower() == "connection"), "")
        self.close_connection = connection == "close" or (words[2] == "HTTP/1.0" and connection != "keep-alive")
        expect = next((value.lower() for name, value in items if name.lower() == "expect"), "")
        if expect == "100-continue" and words[2] == "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def _parse_request_by_http_server(self) -> bool:
        parsed = super().parse_request()
        if parsed:
            self._header_items = list(self.headers.items())
        return parsed

    def make_environ(self) -> WSGIEnvironment:
        """Werkzeug's environ (same keys, same rules), from the header lines read by ``parse_request``."""
        if self.path.startswith("/"):
            raw_path, _, query = self.path.partition("?")
            raw_path = raw_path.partition("#")[0]
            query = query.partition("#")[0]
            path_info = unquote(raw_path) if "%" in raw_path else raw_path
        else:  # an absolute URL (or "*"): werkzeug's reading of it
            parts = urlsplit(self.path)
            path_info = unquote(f"/{parts.netloc}{parts.path}" if not parts.scheme and parts.netloc else parts.path)
            query = parts.query
        environ: WSGIEnvironment = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": self.rfile,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": self.server.multithread,
            "wsgi.multiprocess": self.server.multiprocess,
            "wsgi.run_once": False,
            "werkzeug.socket": self.connection,
            "SERVER_SOFTWARE": self.server_version,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": _wsgi_string(path_info),
            "QUERY_STRING": _wsgi_string(query),
            "REQUEST_URI": _wsgi_string(self.path),
            "RAW_URI": _wsgi_string(self.path),
            "REMOTE_ADDR": self.address_string(),
            "REMOTE_PORT": self.port_integer(),
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
        }
        for name, value in self._header_items:
            if "_" in name:
                continue  # as werkzeug: "X_Foo" would pass for "X-Foo"
            key = name.upper().replace("-", "_")
            value = value.replace("\r\n", "")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        if "chunked" in parse_set_header(environ.get("HTTP_TRANSFER_ENCODING")):
            environ["wsgi.input_terminated"] = True
            environ["wsgi.input"] = DechunkedInput(environ["wsgi.input"])
        if not self.path.startswith("/"):
            parts = urlsplit(self.path)
            if parts.scheme and parts.netloc:
                environ["HTTP_HOST"] = parts.netloc
        return environ

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


# http.client's limits on a request's head, which http.server applies.
_MAX_HEADER_LINE = 65536
_MAX_HEADERS = 100
# "Name: value" lines: a token, a colon, optional blanks, the value (trailing blanks kept, as email reads it).
_HEADER_LINE = re.compile(r"^([!-9;-~]+):[ \t]*(.*?)\r?\n", re.MULTILINE)


def _wsgi_string(text: str) -> str:
    """WSGI's str of bytes (PEP 3333): the UTF-8 bytes as latin-1 characters."""
    return text if text.isascii() else text.encode().decode("latin-1")


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
        """State back to ``seed`` and to the server's time profile; faults and call log cleared."""
        self._parts.reset(seed)

    def set_profile(self, name: str, time_scale: float = 1.0) -> None:
        """How long asynchronous operations take from now on: ``instant``, ``fast`` or ``realistic``."""
        self.cloud.set_profile(name, time_scale)

    def wsgi_transport(self) -> httpx.WSGITransport:
        """An httpx transport that calls this fake's app in process, without the socket."""
        import httpx

        return httpx.WSGITransport(app=self.app)


def _make_server(host: str, port: int, app: Flask, *, quiet: bool) -> _FakeApiServer:
    handler = _QuietRequestHandler if quiet else _PersistentRequestHandler
    # threaded: Terraform sends up to 10 calls at once; the cloud's lock keeps the models consistent.
    return _FakeApiServer(host, port, app, handler)


@contextmanager
def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: str | dict[str, Any] | None = "demo",
    *,
    profile: str = DEFAULT_PROFILE,
    time_scale: float = 1.0,
) -> Iterator[RunningFake]:
    """Serve a new fake on ``host:port`` (0: a free port) in a background thread for the ``with`` block.

    ``profile`` says how long asynchronous operations take (``fast`` by default), scaled by ``time_scale``.
    """
    app = create_app(seed=seed, profile=profile, time_scale=time_scale)
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
    profile: str = DEFAULT_PROFILE,
    time_scale: float = 1.0,
) -> None:
    """Serve in the foreground until SIGINT or SIGTERM; first print ``fake_api listening on http://HOST:PORT``."""
    app = create_app(seed=seed, profile=profile, time_scale=time_scale)
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
