"""The control API under ``/_fake/``: JSON endpoints that drive the fake from tests and scripts.

It takes no signature (it is a loopback test tool, not part of Alibaba's API). Every endpoint answers JSON;
a bad request gets HTTP 400 ``{"error": "<what is wrong and what to send>"}``. docs/fake_api.md lists them:

    POST   /_fake/reset        {"seed": "demo"|"empty"|{world}}   state from seed; faults and call log cleared
    POST   /_fake/seed         {"seed": ...}                      state from seed; faults and call log kept
    GET    /_fake/state[?secrets=true]                            the whole state (FakeCloud.dump()), secrets masked
    POST   /_fake/accounts     {"access_key_id", "access_key_secret"}
    GET    /_fake/faults  POST /_fake/faults {rule}  DELETE /_fake/faults[?action=A[&id=I]]
    POST   /_fake/stock        {"region", "zone", "instance_type", "status_category"}
    POST   /_fake/quota        {"region", "instances", "access_key_id"?}
    POST   /_fake/transitions  {"kind", "mode", "value"?}
    GET    /_fake/profile      POST /_fake/profile {"name": "instant"|"fast"|"realistic", "time_scale"?}
    POST   /_fake/kms-keys     {"region", "key_id"?, "description"?, "state"?, "access_key_id"?}
    POST   /_fake/ram-roles    {"name", "services"?, "description"?, "access_key_id"?}
    POST   /_fake/resource-groups  {"resource_group_id", "name"?, "access_key_id"?}
    GET    /_fake/calls[?action=A]   DELETE /_fake/calls
    POST   /_fake/sts/expire   {"access_key_id"}                  temporary credentials expire now
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Response, current_app, jsonify, request

from fake_api.app import FakeEndpoint, endpoint_of
from fake_api.exceptions import FakeApiError
from fake_api.faults import FaultSpecError

__all__ = ["control_api"]

control_api = Blueprint("fake_api_control", __name__, url_prefix="/_fake")

_View = TypeVar("_View", bound=Callable[..., Any])


class ControlRequestError(ValueError):
    """A control request that cannot be carried out; becomes HTTP 400 with the message."""


def _answers_bad_requests(view: _View) -> _View:
    """Turn wrong input (ours or the models') into a 400 JSON answer naming the problem."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except (ControlRequestError, FaultSpecError, ValueError, KeyError, TypeError, RecursionError) as error:
            message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
            return jsonify(error=f"{request.method} {request.path}: {message}"), 400
        except FakeApiError as error:
            return jsonify(error=f"{request.method} {request.path}: {error.code}: {error.message}"), 400

    return cast(_View, wrapper)


def _endpoint() -> FakeEndpoint:
    return endpoint_of(current_app)


def _json_object(required: tuple[str, ...] = ()) -> dict[str, Any]:
    data = request.get_data()
    try:
        body = json.loads(data) if data.strip() else {}
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep for a world or a rule
        problem = "nested too deeply" if isinstance(error, RecursionError) else f"not JSON ({error})"
        raise ControlRequestError(f"the body is {problem}: send a JSON object") from None
    if not isinstance(body, dict):
        raise ControlRequestError("the body must be a JSON object (send Content-Type: application/json)")
    missing = [name for name in required if name not in body]
    if missing:
        raise ControlRequestError(f"missing field(s) {', '.join(missing)} in the JSON body")
    return body


def _seed_from(body: dict[str, Any]) -> str | dict[str, Any]:
    seed = body.get("seed", "demo")
    if not isinstance(seed, (str, dict)):
        raise ControlRequestError(f'"seed" must be "demo", "empty" or a world object, got {seed!r}')
    return cast("str | dict[str, Any]", seed)


@control_api.get("/")
def index() -> Response:
    """What the control API offers, for a human poking at it with curl."""
    return jsonify(
        endpoints=sorted(
            f"{method} {rule.rule}"
            for rule in current_app.url_map.iter_rules()
            if rule.rule.startswith("/_fake")
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        )
    )


@control_api.post("/reset")
@_answers_bad_requests
def reset() -> Response:
    seed = _seed_from(_json_object())
    _endpoint().reset(seed)
    return jsonify(ok=True, seed=seed if isinstance(seed, str) else "world")


@control_api.post("/seed")
@_answers_bad_requests
def load_seed() -> Response:
    body = _json_object(required=("seed",))
    seed = _seed_from(body)
    cloud = _endpoint().cloud
    with cloud.lock:
        cloud.reset(seed)
    return jsonify(ok=True, seed=seed if isinstance(seed, str) else "world")


@control_api.get("/state")
def state() -> Response:
    """The world, with every account's secret masked unless asked with ``?secrets=true``."""
    cloud = _endpoint().cloud
    shown = request.args.get("secrets", "").lower() in ("1", "true", "yes")
    with cloud.lock:
        return jsonify(cloud.dump(secrets=shown))


@control_api.post("/accounts")
@_answers_bad_requests
def add_account() -> Response:
    body = _json_object(required=("access_key_id", "access_key_secret"))
    access_key_id, secret = body["access_key_id"], body["access_key_secret"]
    if not isinstance(access_key_id, str) or not access_key_id or not isinstance(secret, str) or not secret:
        raise ControlRequestError('"access_key_id" and "access_key_secret" must be non-empty strings')
    cloud = _endpoint().cloud
    with cloud.lock:
        cloud.add_account(access_key_id, secret)
    return jsonify(ok=True, access_key_id=access_key_id)


@control_api.get("/faults")
def list_faults() -> Response:
    return jsonify(faults=[rule.to_spec() for rule in _endpoint().faults.rules()])


@control_api.post("/faults")
@_answers_bad_requests
def add_fault() -> Response:
    rule = _endpoint().faults.add_spec(_json_object())
    return jsonify(ok=True, fault=rule.to_spec())


@control_api.delete("/faults")
def clear_faults() -> Response:
    faults = _endpoint().faults
    action = request.args.get("action")
    if action is None:
        faults.clear()
        return jsonify(ok=True)
    return jsonify(ok=True, removed=faults.remove(action, request.args.get("id")))


@control_api.post("/stock")
@_answers_bad_requests
def set_stock() -> Response:
    body = _json_object(required=("region", "zone", "instance_type", "status_category"))
    cloud = _endpoint().cloud
    with cloud.lock:
        cloud.set_stock(body["region"], body["zone"], body["instance_type"], body["status_category"])
    return jsonify(ok=True)


@control_api.post("/quota")
@_answers_bad_requests
def set_quota() -> Response:
    body = _json_object(required=("region", "instances"))
    instances = body["instances"]
    if isinstance(instances, bool) or not isinstance(instances, int) or instances < 0:
        raise ControlRequestError(f'"instances" must be a non-negative integer, got {instances!r}')
    cloud = _endpoint().cloud
    with cloud.lock:
        cloud.set_quota(body["region"], instances, access_key_id=body.get("access_key_id", "testid"))
    return jsonify(ok=True)


@control_api.post("/transitions")
@_answers_bad_requests
def set_transition() -> Response:
    body = _json_object(required=("kind", "mode"))
    cloud = _endpoint().cloud
    with cloud.lock:
        cloud.set_transition(body["kind"], body["mode"], body.get("value", 0))
    return jsonify(ok=True)


@control_api.get("/profile")
def get_profile() -> Response:
    cloud = _endpoint().cloud
    with cloud.lock:
        profile, overrides = cloud.profile, {kind: s.to_record() for kind, s in sorted(cloud.transitions.items())}
    return jsonify(**profile.to_record(), seconds=profile.durations(), overrides=overrides)


@control_api.post("/profile")
@_answers_bad_requests
def set_profile() -> Response:
    body = _json_object(required=("name",))
    cloud = _endpoint().cloud
    cloud.set_profile(body["name"], body.get("time_scale", 1.0))
    return jsonify(ok=True, **cloud.profile.to_record(), seconds=cloud.profile.durations())


@control_api.post("/kms-keys")
@_answers_bad_requests
def add_kms_key() -> Response:
    body = _json_object(required=("region",))
    record = {k: body[k] for k in ("key_id", "description", "state") if k in body}
    cloud = _endpoint().cloud
    with cloud.lock:
        key_id = cloud.seed_kms_key(body["region"], body.get("access_key_id", "testid"), **record)
    return jsonify(ok=True, key_id=key_id)


@control_api.post("/ram-roles")
@_answers_bad_requests
def add_ram_role() -> Response:
    body = _json_object(required=("name",))
    record = {k: body[k] for k in ("name", "services", "description") if k in body}
    cloud = _endpoint().cloud
    with cloud.lock:
        arn = cloud.seed_ram_role(body.get("access_key_id", "testid"), **record)
    return jsonify(ok=True, arn=arn)


@control_api.post("/resource-groups")
@_answers_bad_requests
def add_resource_group() -> Response:
    body = _json_object(required=("resource_group_id",))
    record = {k: body[k] for k in ("resource_group_id", "name", "display_name") if k in body}
    cloud = _endpoint().cloud
    with cloud.lock:
        group_id = cloud.seed_resource_group(body.get("access_key_id", "testid"), **record)
    return jsonify(ok=True, resource_group_id=group_id)


@control_api.get("/calls")
def list_calls() -> Response:
    return jsonify(calls=_endpoint().call_log.entries(action=request.args.get("action")))


@control_api.delete("/calls")
def clear_calls() -> Response:
    _endpoint().call_log.clear()
    return jsonify(ok=True)


@control_api.post("/sts/expire")
@_answers_bad_requests
def expire_temporary_credentials() -> Response:
    """Make temporary credentials (from AssumeRole, OIDC or the metadata service) expire now."""
    body = _json_object(required=("access_key_id",))
    cloud = _endpoint().cloud
    with cloud.lock:
        cloud.sts.expire(str(body["access_key_id"]))
    return jsonify(ok=True)
