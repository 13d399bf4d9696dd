"""The Flask application: the RPC endpoint at ``/`` and the control API under ``/_fake/``.

The RPC layer is thin, as in moto: parse the request (query string and form body merged; ``Action`` and
``Version`` from parameters or from the ``x-acs-action`` / ``x-acs-version`` headers the official SDKs
send), verify the signature, apply any injected fault, call the models under the cloud's lock, shape the
answer (JSON, or XML when ``Format`` is XML or absent; SDK-style V3 requests get JSON).

Example::

    app = create_app(seed="demo")
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://fake")
"""

from __future__ import annotations

import socket
import time
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request

from fake_api.calllog import OK, CallLog
from fake_api.dispatch import dispatch
from fake_api.exceptions import FakeApiError, InternalError, MissingParameter, ServiceUnavailable, Throttling
from fake_api.faults import Fault, FaultInjector
from fake_api.models import FakeCloud
from fake_api.rendering import (
    JSON_CONTENT_TYPE,
    XML_CONTENT_TYPE,
    error_body,
    new_request_id,
    render_json,
    render_xml,
)
from fake_api.signature import NonceMemory, SignatureVerifier, SignedRequest

__all__ = ["ECS_VERSION", "VPC_VERSION", "FakeEndpoint", "create_app", "endpoint_of"]

ECS_VERSION = "2014-05-26"
VPC_VERSION = "2016-04-28"
# product name (for Recommend) and the real host (for HostId) of each API version served here
_PRODUCTS = {ECS_VERSION: ("Ecs", "ecs.aliyuncs.com"), VPC_VERSION: ("Vpc", "vpc.aliyuncs.com")}
# Parameters of the protocol itself: the models only see the operation's own parameters.
PROTOCOL_PARAMETERS = frozenset(
    {
        "Action",
        "Version",
        "Format",
        "AccessKeyId",
        "Signature",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "SignatureType",
        "Timestamp",
        "SecurityToken",
    }
)
_EXTENSION_KEY = "fake_api"


@dataclass
class FakeEndpoint:
    """Everything one fake endpoint holds: the cloud's state, the call log, the faults and the nonce memory.

    Reach it from an app with ``endpoint_of(app)``; tests may drive faults and read calls from Python::

        endpoint = endpoint_of(app)
        endpoint.faults.add_spec({"action": "RunInstances", "error": "Throttling"})
        endpoint.call_log.entries(action="RunInstances")
    """

    cloud: FakeCloud
    call_log: CallLog = field(default_factory=CallLog)
    faults: FaultInjector = field(default_factory=FaultInjector)
    nonces: NonceMemory = field(default_factory=NonceMemory)
    verifier: SignatureVerifier = field(init=False)

    def __post_init__(self) -> None:
        self.verifier = SignatureVerifier(self.cloud.secret_for, self.nonces)

    def reset(self, seed: str | dict[str, Any] | None = "demo") -> None:
        """Back to a fresh world from ``seed``, with no faults and an empty call log."""
        with self.cloud.lock:
            self.cloud.reset(seed)
        self.faults.clear()
        self.call_log.clear()


def endpoint_of(app: Flask) -> FakeEndpoint:
    endpoint = app.extensions.get(_EXTENSION_KEY)
    if not isinstance(endpoint, FakeEndpoint):
        raise TypeError("this Flask app was not made by fake_api.create_app(): it has no fake endpoint")
    return endpoint


def create_app(cloud: FakeCloud | None = None, *, seed: str | dict[str, Any] | None = "demo") -> Flask:
    """A Flask app serving ECS and VPC on ``/`` and the control API on ``/_fake/``.

    ``cloud`` is used as is when given; otherwise a new FakeCloud is built from ``seed``.
    """
    from fake_api.control import control_api  # control imports this module's FakeEndpoint

    app = Flask("fake_api")
    app.extensions[_EXTENSION_KEY] = FakeEndpoint(cloud if cloud is not None else FakeCloud(seed=seed))
    app.add_url_rule("/", "rpc", _handle_rpc, methods=["GET", "POST"])
    app.register_blueprint(control_api)
    return app


def _handle_rpc() -> Response:
    from flask import current_app

    endpoint: FakeEndpoint = current_app.extensions[_EXTENSION_KEY]
    request_id = new_request_id()
    headers: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    authorization = headers.get("authorization", [""])[0]
    # V3 signs the body's hash: read the raw body before form parsing consumes the stream.
    body = request.get_data(cache=True) if authorization.startswith("ACS3-") else b""
    query = request.args.to_dict()
    form = request.form.to_dict() if request.method == "POST" else {}
    params = {**query, **form}
    action = params.get("Action") or request.headers.get("x-acs-action")
    version = params.get("Version") or request.headers.get("x-acs-version")
    signed = SignedRequest(request.method, request.path, query, form, headers, body)
    answer_format = params.get("Format")
    wants_json = answer_format.upper() == "JSON" if answer_format else signed.is_v3
    region = params.get("RegionId")

    try:
        access_key_id = endpoint.verifier.verify(signed)
        if not action:
            raise MissingParameter(_missing_message("Action", "x-acs-action"))
        if not version:
            raise MissingParameter(_missing_message("Version", "x-acs-version"))
        fault = endpoint.faults.decide(action)
        if fault is not None:
            dropped = _apply_fault(fault, endpoint, action, version, region, params)
            if dropped is not None:
                return dropped
        operation_params = {name: value for name, value in params.items() if name not in PROTOCOL_PARAMETERS}
        with endpoint.cloud.lock:
            result = dispatch(endpoint.cloud, access_key_id, version, action, operation_params)
    except FakeApiError as error:
        return _error_response(endpoint, error, request_id, action, version, region, params, wants_json)
    except Exception as unexpected:  # noqa: BLE001 -- a bug in the fake: answer like the real 500, say what broke, keep serving
        traceback.print_exc()
        crash = InternalError(
            "The request processing has failed due to some unknown error, exception or failure. "
            f"(fake_api: {type(unexpected).__name__}: {unexpected})"
        )
        return _error_response(endpoint, crash, request_id, action, version, region, params, wants_json)

    endpoint.call_log.record(action=action, version=version, region=region, params=params, code=OK, http_status=200)
    answer = {"RequestId": request_id, **result}
    if wants_json:
        return Response(render_json(answer), 200, content_type=JSON_CONTENT_TYPE)
    return Response(render_xml(f"{action}Response", answer), 200, content_type=XML_CONTENT_TYPE)


def _missing_message(parameter: str, header: str) -> str:
    return (
        f'The input parameter "{parameter}" that is mandatory for processing this request is not supplied '
        f"(send it as a parameter or as the {header} header)."
    )


def _apply_fault(
    fault: Fault, endpoint: FakeEndpoint, action: str, version: str, region: str | None, params: Mapping[str, str]
) -> Response | None:
    """Sleep, raise the injected error, or drop the connection (returning the response to hand back)."""
    if fault.kind == "latency":
        time.sleep(fault.latency_ms / 1000)
        return None
    if fault.kind == "drop":
        endpoint.call_log.record(
            action=action, version=version, region=region, params=params, code="drop", http_status=0
        )
        return _drop_connection()
    if fault.kind == "Throttling":
        raise Throttling("Request was denied due to request throttling. (injected fault)")
    if fault.kind == "ServiceUnavailable":
        raise ServiceUnavailable("The request has failed due to a temporary failure of the server. (injected fault)")
    raise InternalError(
        "The request processing has failed due to some unknown error, exception or failure. (injected fault)"
    )


def _drop_connection() -> Response:
    connection = request.environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        # Over a real socket: close it under the server's feet; the client sees the connection end with no answer.
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return Response(b"", 200)
    # In process (httpx.WSGITransport) there is no socket: fail while the body is read, with the error httpx
    # raises when a real server disconnects, so client code sees the same thing both ways.
    return Response(_disconnected_body(), 200)


def _disconnected_body() -> Iterator[bytes]:
    import httpx

    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    yield b""  # makes this a generator: the error surfaces when the transport reads the body


def _error_response(
    endpoint: FakeEndpoint,
    error: FakeApiError,
    request_id: str,
    action: str | None,
    version: str | None,
    region: str | None,
    params: Mapping[str, str],
    wants_json: bool,
) -> Response:
    product, host_id = _PRODUCTS.get(version or "", ("Ecs", request.host))
    body = error_body(request_id, host_id, error.code, error.message, product)
    endpoint.call_log.record(
        action=action, version=version, region=region, params=params, code=error.code, http_status=error.http_status
    )
    if wants_json:
        return Response(render_json(body), error.http_status, content_type=JSON_CONTENT_TYPE)
    return Response(render_xml("Error", body), error.http_status, content_type=XML_CONTENT_TYPE)
