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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import werkzeug.urls  # noqa: F401 -- registers the "werkzeug.url_quote" codec error handler parse_query uses
from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wsgi import get_host, get_input_stream

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

from fake_api.calllog import OK, CallLog
from fake_api.dispatch import dispatch
from fake_api.exceptions import (
    FakeApiError,
    InternalError,
    InvalidActionNotFound,
    InvalidParameter,
    MissingParameter,
    ServiceUnavailable,
    Throttling,
)
from fake_api.faults import Fault, FaultInjector, FaultPlan
from fake_api.models import DEFAULT_ACCESS_KEY_ID, FakeCloud
from fake_api.models.profiles import DEFAULT_PROFILE
from fake_api.rendering import (
    JSON_CONTENT_TYPE,
    XML_CONTENT_TYPE,
    error_body,
    new_request_id,
    render_json,
    render_xml,
)
from fake_api.responses import ANONYMOUS_ACTIONS, STS_VERSION, is_mutating
from fake_api.signature import NonceMemory, SignatureVerifier, SignedRequest

__all__ = ["ECS_VERSION", "STS_VERSION", "VPC_VERSION", "FakeEndpoint", "create_app", "endpoint_of", "parse_query"]

ECS_VERSION = "2014-05-26"
VPC_VERSION = "2016-04-28"
# product name (for Recommend) and the real host (for HostId) of each API version served here
_PRODUCTS = {
    ECS_VERSION: ("Ecs", "ecs.aliyuncs.com"),
    VPC_VERSION: ("Vpc", "vpc.aliyuncs.com"),
    STS_VERSION: ("Sts", "sts.aliyuncs.com"),
}
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
        self.verifier = SignatureVerifier(self.cloud.secret_for, self.nonces, check_token=self.cloud.sts.check_token)

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


def create_app(
    cloud: FakeCloud | None = None,
    *,
    seed: str | dict[str, Any] | None = "demo",
    profile: str = DEFAULT_PROFILE,
    time_scale: float = 1.0,
) -> Flask:
    """A Flask app serving ECS, VPC and STS on ``/``, the control API on ``/_fake/`` and the instance metadata
    service's RAM-role paths on ``/latest/`` (see :mod:`fake_api.metadata`).

    ``cloud`` is used as is when given; otherwise a new FakeCloud is built from ``seed``, with the time
    ``profile`` (``fast`` by default: see :mod:`fake_api.models.profiles`) scaled by ``time_scale``.
    """
    from fake_api.control import control_api  # control imports this module's FakeEndpoint
    from fake_api.metadata import metadata_api  # so does the metadata service

    if cloud is None:
        cloud = FakeCloud(seed=seed, profile=profile, time_scale=time_scale)
    app = _FakeApiFlask("fake_api")
    app.extensions[_EXTENSION_KEY] = FakeEndpoint(cloud)
    app.add_url_rule("/", "rpc", _rpc_view, methods=["GET", "POST"])
    app.register_blueprint(control_api)
    app.register_blueprint(metadata_api)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _crash)
    return app


def _http_error(error: HTTPException) -> Response:
    return _error_response(request.environ, error.code or 500, error.description or error.name)


def _crash(error: Exception) -> Response:
    traceback.print_exc()  # a bug in the fake: say what broke, answer in the documented shape, keep serving
    return _error_response(request.environ, 500, f"{type(error).__name__}: {error}")


def _error_response(environ: WSGIEnvironment, status: int, description: str) -> Response:
    answer_status, headers, body = shaped_error(environ, status, description)
    return Response(body, answer_status, headers)


def shaped_error(environ: WSGIEnvironment, status: int, description: str) -> _Answer:
    """An HTTP-level refusal (unknown path, wrong method, malformed body...) in the documented shape of where it
    was sent: JSON ``{"error"}`` under /_fake/, plain text under /latest/ (the metadata service), else Alibaba's
    error body (``InvalidAction.NotFound`` for a path or method the RPC API does not have)."""
    method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
    if path == "/_fake" or path.startswith("/_fake/"):
        return _answer(status, JSON_CONTENT_TYPE, render_json({"error": f"{method} {path}: {description}"}))
    if path == "/latest" or path.startswith("/latest/"):
        return _answer(status, "text/plain; charset=utf-8", description.encode())
    if status in (404, 405):
        error: FakeApiError = InvalidActionNotFound(
            f"Specified api is not found, please check your url and method. ({method} {path[:60]}: the API is "
            "served with GET or POST on /)",
            http_status=status,
        )
    elif status >= 500:
        error = InternalError(f"The request processing has failed due to some unknown error. ({description})")
    else:
        error = InvalidParameter(f"The request is not valid: {description}", http_status=status)
    query = parse_query(environ.get("QUERY_STRING", ""))
    product, host_id = _PRODUCTS.get(query.get("Version", ""), ("Ecs", get_host(environ)))
    body = error_body(new_request_id(), host_id, error.code, error.message, product)
    if query.get("Format", "").upper() == "JSON":
        return _answer(error.http_status, JSON_CONTENT_TYPE, render_json(body))
    return _answer(error.http_status, XML_CONTENT_TYPE, render_xml("Error", body))


class _FakeApiFlask(Flask):
    """Flask, with GET and POST on ``/`` (every RPC call) answered straight from the WSGI environ.

    The RPC endpoint needs nothing of Flask's per-request machinery (contexts, routing, hooks, response
    objects), which costs more than parsing, verifying and answering a call; the control API and every
    other request go through Flask as usual. ``_rpc_view`` is the same answer as a Flask view, for the
    rest of the route's methods (HEAD).
    """

    def wsgi_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/" and environ.get("REQUEST_METHOD") in _RPC_METHODS:
            try:
                status, headers, body = _answer_rpc(self.extensions[_EXTENSION_KEY], environ)
            except HTTPException as refusal:  # e.g. a form body beyond werkzeug's limits
                status, headers, body = shaped_error(environ, refusal.code or 400, refusal.description or refusal.name)
            start_response(status, headers)
            return body
        return super().wsgi_app(environ, start_response)


_RPC_METHODS = frozenset({"GET", "POST"})
_Answer = tuple[str, list[tuple[str, str]], Iterable[bytes]]


def _rpc_view() -> Response:
    status, headers, body = _answer_rpc(endpoint_of(current_app), request.environ)
    return Response(body, status, headers)


def _answer_rpc(endpoint: FakeEndpoint, environ: WSGIEnvironment) -> _Answer:
    request_id = new_request_id()
    method = environ.get("REQUEST_METHOD", "GET")
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    is_v3 = authorization.startswith("ACS3-")
    query = parse_query(environ.get("QUERY_STRING", ""))
    form: dict[str, str] = {}
    body = b""
    if method == "POST" or is_v3:
        form, body = _read_body(environ, method)
    params = {**query, **form} if form else query
    action = params.get("Action") or environ.get("HTTP_X_ACS_ACTION")
    version = params.get("Version") or environ.get("HTTP_X_ACS_VERSION")
    # V1 needs no header beyond Authorization (to tell it from V3); V3 signs some of them.
    headers = _lowercase_headers(environ) if is_v3 else {"authorization": [authorization]} if authorization else {}
    path = "/" + environ.get("PATH_INFO", "").lstrip("/")  # as werkzeug's request.path
    signed = SignedRequest(method, path, query, form, headers, body)
    answer_format = params.get("Format")
    wants_json = answer_format.upper() == "JSON" if answer_format else is_v3
    region = params.get("RegionId")

    call = _Call(endpoint, environ, request_id, action, version, region, params, wants_json)
    plan: FaultPlan | None = None
    try:
        access_key_id = _caller_account(endpoint, signed, action, version)
        if not action:
            raise MissingParameter(_missing_message("Action", "x-acs-action"))
        if not version:
            raise MissingParameter(_missing_message("Version", "x-acs-version"))
        plan = endpoint.faults.decide(action)
        if plan is not None:
            call.fault = plan.describe()
            _wait(plan.latency_ms(after=False))
            if plan.before is not None:
                return _inject(call, plan.before, action_code=None)
        operation_params = {name: value for name, value in params.items() if name not in PROTOCOL_PARAMETERS}
        with endpoint.cloud.lock:
            result = dispatch(endpoint.cloud, access_key_id, version, action, operation_params)
        answer = {"RequestId": request_id, **result}
        if wants_json:
            rendered = _answer(200, JSON_CONTENT_TYPE, render_json(answer))
        else:
            rendered = _answer(200, XML_CONTENT_TYPE, render_xml(f"{action}Response", answer))
    except FakeApiError as error:
        return call.error_answer(error)
    except Exception as unexpected:  # noqa: BLE001 -- a bug in the fake: answer like the real 500, say what broke, keep serving
        traceback.print_exc()
        crash = InternalError(
            "The request processing has failed due to some unknown error, exception or failure. "
            f"(fake_api: {type(unexpected).__name__}: {unexpected})"
        )
        return call.error_answer(crash)

    if is_mutating(action):
        # A change is answered once processed: its object stays busy meanwhile (OperationConflict for a
        # second change at the same time), so a client that waits for its answers never meets the conflict.
        _wait(round(endpoint.cloud.window("request") * 1000))
    if plan is not None:
        # The action has run: what comes now delays or replaces the answer, as a loss on the way back would.
        _wait(plan.latency_ms(after=True))
        if plan.after is not None:
            return _inject(call, plan.after, action_code=OK)
    call.record(OK, 200)
    return rendered


@dataclass
class _Call:
    """One RPC call being answered: what the call log and an error answer need to know of it."""

    endpoint: FakeEndpoint
    environ: WSGIEnvironment
    request_id: str
    action: str | None
    version: str | None
    region: str | None
    params: Mapping[str, str]
    wants_json: bool
    fault: str | None = None  # the injected faults applied to the call, as the call log shows them

    def record(self, code: str, http_status: int) -> None:
        self.endpoint.call_log.record(
            action=self.action,
            version=self.version,
            region=self.region,
            params=self.params,
            code=code,
            http_status=http_status,
            fault=self.fault,
        )

    def error_answer(self, error: FakeApiError, *, action_code: str | None = None) -> _Answer:
        """The error body with its HTTP status; logged with ``action_code`` (the action's own outcome, when
        an injected error replaced a successful answer) or else the error's code."""
        self.record(action_code or error.code, error.http_status)
        product, host_id = _PRODUCTS.get(self.version or "") or ("Ecs", get_host(self.environ))
        body = error_body(self.request_id, host_id, error.code, error.message, product)
        if self.wants_json:
            return _answer(error.http_status, JSON_CONTENT_TYPE, render_json(body))
        return _answer(error.http_status, XML_CONTENT_TYPE, render_xml("Error", body))


def _caller_account(endpoint: FakeEndpoint, signed: SignedRequest, action: str | None, version: str | None) -> str:
    """The account a request acts in, once its signature (and security token) is verified.

    Temporary keys act in the account that assumed the role. ``AssumeRoleWithOIDC`` is the one anonymous
    action (the OIDC token is the proof): it acts in the default account, which owns the fake's roles.
    """
    if (version, action) in ANONYMOUS_ACTIONS:
        return DEFAULT_ACCESS_KEY_ID
    return endpoint.cloud.account_for(endpoint.verifier.verify(signed))


def _read_body(environ: WSGIEnvironment, method: str) -> tuple[dict[str, str], bytes]:
    """A POST's form parameters, and the raw body (V3 signs its hash), read as Flask's request would read them."""
    mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if mimetype == "multipart/form-data":
        wrapped = WerkzeugRequest(environ)
        body = wrapped.get_data(cache=True)  # cached: the form is then parsed from these bytes
        return (wrapped.form.to_dict() if method == "POST" else {}), body
    body = get_input_stream(environ).read()
    if method != "POST" or mimetype != "application/x-www-form-urlencoded":
        return {}, body
    try:
        text = body.decode()
    except UnicodeDecodeError:  # werkzeug's form parser gives no parameters for a body that is not UTF-8
        return {}, body
    return _parameters(text), body


def parse_query(query_string: str) -> dict[str, str]:
    """The parameters of a WSGI ``QUERY_STRING`` (or a urlencoded body), as Flask's ``request.args.to_dict()``.

    Same rules as werkzeug's (``urllib.parse.parse_qsl`` keeping blank values, ``+`` is a space, the first
    of repeated names wins), without building a MultiDict; pieces without ``%`` or ``+`` (most of them)
    are taken as they are. Bytes that are not UTF-8 stay percent-encoded, as werkzeug leaves them.

        >>> parse_query("Action=DescribeRegions&Timestamp=2016-02-23T12%3A46%3A24Z&Empty=&A=1&A=2")
        {'Action': 'DescribeRegions', 'Timestamp': '2016-02-23T12:46:24Z', 'Empty': '', 'A': '1'}
    """
    if not query_string.isascii():  # WSGI passes the raw bytes as latin-1 characters
        query_string = query_string.encode("latin-1").decode("utf-8", "werkzeug.url_quote")
    return _parameters(query_string)


def _parameters(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for piece in text.split("&"):
        if piece:
            name, value = _recent_parameter(piece) if len(piece) <= _REMEMBERED_LENGTH else _parameter(piece)
            if name not in params:
                params[name] = value
    return params


def _parameter(piece: str) -> tuple[str, str]:
    name, _, value = piece.partition("=")
    if "%" in name or "+" in name:
        name = unquote(name.replace("+", " "), "utf-8", "werkzeug.url_quote")
    if "%" in value or "+" in value:
        value = unquote(value.replace("+", " "), "utf-8", "werkzeug.url_quote")
    return name, value


# Most pieces recur from one request to the next (Action, Version, the same Timestamp for a second...);
# only the nonce and the signature are new each time. Recent short pieces are decoded once; long ones
# (user data, policies) are not kept, so the memory stays small whatever the requests carry.
_REMEMBERED_LENGTH = 200
_recent_parameter = lru_cache(maxsize=4096)(_parameter)


def _lowercase_headers(environ: WSGIEnvironment) -> dict[str, list[str]]:
    """Header names in lowercase with their values, as werkzeug's EnvironHeaders lists them."""
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            headers.setdefault(key[5:].replace("_", "-").lower(), []).append(value)
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.setdefault(key.replace("_", "-").lower(), []).append(value)
    return headers


def _answer(status: int, content_type: str, body: bytes) -> _Answer:
    return _status_line(status), [("Content-Type", content_type), ("Content-Length", str(len(body)))], [body]


@lru_cache(maxsize=64)
def _status_line(status: int) -> str:
    return f"{status} {HTTP_STATUS_CODES.get(status, 'UNKNOWN').upper()}"  # as werkzeug's Response writes it


def _missing_message(parameter: str, header: str) -> str:
    return (
        f'The input parameter "{parameter}" that is mandatory for processing this request is not supplied '
        f"(send it as a parameter or as the {header} header)."
    )


def _wait(milliseconds: int) -> None:
    if milliseconds > 0:
        time.sleep(milliseconds / 1000)


_INJECTED_ERRORS: dict[str, FakeApiError] = {
    "Throttling": Throttling("Request was denied due to request throttling. (injected fault)"),
    "ServiceUnavailable": ServiceUnavailable(
        "The request has failed due to a temporary failure of the server. (injected fault)"
    ),
    "InternalError": InternalError(
        "The request processing has failed due to some unknown error, exception or failure. (injected fault)"
    ),
}


def _inject(call: _Call, fault: Fault, *, action_code: str | None) -> _Answer:
    """The answer an injected error or dropped connection gives instead of the action's (``action_code``:
    the action ran and succeeded, and only its answer is lost)."""
    if fault.kind == "drop":
        call.record(action_code or "drop", 0)
        return _drop_connection(call.environ)
    return call.error_answer(_INJECTED_ERRORS[fault.kind], action_code=action_code)


def _drop_connection(environ: WSGIEnvironment) -> _Answer:
    connection = environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        # Over a real socket: close it under the server's feet; the client sees the connection end with no answer.
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return _answer(200, "text/plain", b"")
    # In process (httpx.WSGITransport) there is no socket: fail while the body is read, with the error httpx
    # raises when a real server disconnects, so client code sees the same thing both ways.
    return _status_line(200), [("Content-Type", "text/plain")], _disconnected_body()


def _disconnected_body() -> Iterator[bytes]:
    import httpx

    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    yield b""  # makes this a generator: the error surfaces when the transport reads the body
