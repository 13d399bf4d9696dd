"""The loopback server keeps connections open (HTTP/1.1): many calls, one connection, each answer whole."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from werkzeug.serving import WSGIRequestHandler

import fake_api
from fake_api.rpc_client import RpcClient
from fake_api.server import RunningFake, _PersistentRequestHandler
from fake_api.signature import sign_v1_query

REGIONS = {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One raw TCP connection to the fake, reading answers by their Content-Length as a client would."""

    def __init__(self, fake: RunningFake) -> None:
        self.socket = socket.create_connection((fake.host, fake.port), timeout=10)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.socket.sendall(data)

    def answer(self) -> Answer:
        head = self._until(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Answer(int(status_line.split()[1]), headers, body)

    def closed_by_server(self) -> bool:
        return not self.buffer and self.socket.recv(1) == b""

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._receive()
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _receive(self) -> None:
        data = self.socket.recv(65536)
        if not data:
            raise ConnectionError(f"the server closed the connection; unread: {self.buffer!r}")
        self.buffer += data

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def connection(fake_cloud: RunningFake) -> Iterator[Connection]:
    opened = Connection(fake_cloud)
    yield opened
    opened.close()


def signed_get(extra_headers: str = "", version: str = "HTTP/1.1") -> bytes:
    query = sign_v1_query("GET", REGIONS, "testid", "testsecret")
    return f"GET /?{query} {version}\r\nHost: fake\r\n{extra_headers}\r\n".encode()


def test_one_connection_carries_many_calls_each_answer_with_its_length(connection: Connection) -> None:
    for _ in range(5):
        connection.send(signed_get())
        answer = connection.answer()
        assert answer.status == 200
        assert answer.headers["content-length"] == str(len(answer.body))
        assert "connection" not in answer.headers
        assert answer.body.startswith(b'{"RequestId":')


def test_requests_sent_together_are_answered_in_order(connection: Connection) -> None:
    form = sign_v1_query("POST", REGIONS, "testid", "testsecret").encode()
    post = (
        b"POST / HTTP/1.1\r\nHost: fake\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(form)}\r\n\r\n".encode()
        + form
    )
    connection.send(post + signed_get() + b"GET /_fake/faults HTTP/1.1\r\nHost: fake\r\n\r\n")
    assert connection.answer().body.startswith(b'{"RequestId":')
    assert connection.answer().body.startswith(b'{"RequestId":')
    assert connection.answer().body == b'{"faults":[]}\n'


def test_a_body_the_application_does_not_read_is_skipped(connection: Connection) -> None:
    # GET /_fake/calls ignores a body: the next request on the connection must still be read from its start.
    connection.send(b"GET /_fake/calls HTTP/1.1\r\nHost: fake\r\nContent-Length: 11\r\n\r\nhello world" + signed_get())
    assert connection.answer().status == 200
    assert connection.answer().body.startswith(b'{"RequestId":')


def test_connection_close_is_honoured(connection: Connection) -> None:
    connection.send(signed_get("Connection: close\r\n"))
    answer = connection.answer()
    assert answer.status == 200 and answer.headers["connection"] == "close"
    assert connection.closed_by_server()


def test_http_1_0_without_keep_alive_closes_after_the_answer(connection: Connection) -> None:
    connection.send(signed_get(version="HTTP/1.0"))
    assert connection.answer().status == 200
    assert connection.closed_by_server()


def test_expect_100_continue_gets_the_interim_answer_then_the_answer(connection: Connection) -> None:
    form = sign_v1_query("POST", REGIONS, "testid", "testsecret").encode()
    connection.send(
        b"POST / HTTP/1.1\r\nHost: fake\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(form)}\r\n\r\n".encode()
    )
    assert connection._until(b"\r\n\r\n") == b"HTTP/1.1 100 Continue"
    connection.send(form)
    assert connection.answer().status == 200


def test_a_chunked_body_is_read_and_the_connection_then_closes(connection: Connection) -> None:
    form = sign_v1_query("POST", REGIONS, "testid", "testsecret").encode()
    chunked = f"{len(form):x}\r\n".encode() + form + b"\r\n0\r\n\r\n"
    connection.send(
        b"POST / HTTP/1.1\r\nHost: fake\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + chunked
    )
    answer = connection.answer()
    assert answer.status == 200, answer.body
    assert answer.headers["connection"] == "close"
    assert connection.closed_by_server()


def test_a_bad_content_length_is_a_bad_request_and_closes(connection: Connection) -> None:
    connection.send(b"POST / HTTP/1.1\r\nHost: fake\r\nContent-Length: lots\r\n\r\n")
    answer = connection.answer()
    assert answer.status == 400 and b"Content-Length" in answer.body
    assert connection.closed_by_server()


def test_a_malformed_request_line_is_a_bad_request(connection: Connection) -> None:
    connection.send(b"GET / extra HTTP/1.1\r\nHost: fake\r\n\r\n")
    answer = connection.answer()
    assert answer.status == 400 and b"Bad request syntax" in answer.body
    assert connection.closed_by_server()


def test_an_httpx_client_reuses_its_connection(fake_cloud: RunningFake) -> None:
    ports: set[int] = set()

    def remember_port(response: httpx.Response) -> None:
        stream = response.extensions["network_stream"]
        ports.add(stream.get_extra_info("client_addr")[1])

    with httpx.Client(base_url=fake_cloud.url, event_hooks={"response": [remember_port]}) as http:
        rpc = RpcClient(http)
        assert all(rpc.get("DescribeRegions").status_code == 200 for _ in range(20))
    assert len(ports) == 1


def test_stopping_the_server_closes_connections_kept_open() -> None:
    with fake_api.serve(seed="empty") as fake:
        connection = Connection(fake)
        connection.send(signed_get())
        assert connection.answer().status == 200
    try:
        assert connection.closed_by_server()
    finally:
        connection.close()


HEADS = [
    b"GET /?a=1&b=%20x HTTP/1.1\r\nHost: h:1\r\nUser-Agent: t\r\n\r\n",
    b"POST /p%C3%A9/q?x=%FF HTTP/1.0\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Dup: a\r\nx-dup: b\r\nX_Under: dropped\r\nConnection: close\r\nTrailing: blank  \r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Folded: first\r\n  second\r\nHost: h\r\n\r\n",
    b"GET / HTTP/1.1\nBare-Newlines: yes\nHost: h\n\n",
    b"GET //twice/slashed HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET http://other:8/abs?q=1 HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
]


@pytest.mark.parametrize("head", HEADS, ids=range(len(HEADS)))
def test_the_environ_is_the_one_werkzeugs_handler_builds(head: bytes) -> None:
    class Server:
        multithread, multiprocess, server_address, _server_version = True, False, ("127.0.0.1", 8), "W"
        ssl_context = None

    environs = []
    for handler_class in (WSGIRequestHandler, _PersistentRequestHandler):
        handler = handler_class.__new__(handler_class)
        handler.server, handler.client_address, handler.connection = Server(), ("127.0.0.1", 9), None  # type: ignore[assignment]
        handler.rfile = io.BytesIO(head)
        handler.raw_requestline = handler.rfile.readline(65537)  # type: ignore[attr-defined]
        assert handler.parse_request()
        environ = handler.make_environ()
        environ.pop("wsgi.input")  # a different reader object in each
        environs.append((environ, handler.path))
    assert environs[0] == environs[1]
