"""The ECS instance metadata service's RAM-role paths, as an instance sees them at http://100.100.100.200.

Code that runs on an ECS instance gets its RAM role's temporary credentials there; with the fake's URL
in place of that address, the same code gets credentials that sign calls to the fake (they act in the
default account). Both IMDS modes work: with a token (``PUT /latest/api/token`` with a TTL header, then
the ``X-aliyun-ecs-metadata-token`` header) and without.

    PUT  /latest/api/token                                      a session token (TTL 1 to 21600 seconds)
    GET  /latest/meta-data/ram/security-credentials/            the instance's role name
    GET  /latest/meta-data/ram/security-credentials/<role>      {"AccessKeyId", "AccessKeySecret",
                                                                 "SecurityToken", "Expiration", "Code", ...}
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from fake_api.app import endpoint_of
from fake_api.models import DEFAULT_ACCESS_KEY_ID
from fake_api.models.sts import INSTANCE_ROLE_NAME, iso_time

__all__ = ["metadata_api"]

metadata_api = Blueprint("fake_api_metadata", __name__, url_prefix="/latest")

_TTL_HEADER = "X-aliyun-ecs-metadata-token-ttl-seconds"
_TOKEN_HEADER = "X-aliyun-ecs-metadata-token"
_MAX_TTL_SECONDS = 21600


@metadata_api.put("/api/token")
def session_token() -> Response | tuple[str, int]:
    ttl = request.headers.get(_TTL_HEADER, "")
    if not ttl.isdigit() or not 1 <= int(ttl) <= _MAX_TTL_SECONDS:
        return f"{_TTL_HEADER} must be a whole number of seconds from 1 to {_MAX_TTL_SECONDS}", 400
    cloud = endpoint_of(current_app).cloud
    with cloud.lock:
        token = cloud.sts.metadata_token(int(ttl))
    return Response(token, mimetype="text/plain")


def _refused() -> tuple[str, int] | None:
    token = request.headers.get(_TOKEN_HEADER)
    if token is not None and not endpoint_of(current_app).cloud.sts.metadata_token_valid(token):
        return "the metadata token is unknown or expired: get a new one with PUT /latest/api/token", 401
    return None


@metadata_api.get("/meta-data/ram/security-credentials/")
def role_name() -> Response | tuple[str, int]:
    return _refused() or Response(INSTANCE_ROLE_NAME, mimetype="text/plain")


@metadata_api.get("/meta-data/ram/security-credentials/<name>")
def role_credentials(name: str) -> Response | tuple[str, int]:
    refused = _refused()
    if refused is not None:
        return refused
    if name != INSTANCE_ROLE_NAME:
        return f"the instance has no RAM role {name!r}: its role is {INSTANCE_ROLE_NAME!r}", 404
    cloud = endpoint_of(current_app).cloud
    with cloud.lock:
        issued = cloud.sts.instance_role(DEFAULT_ACCESS_KEY_ID, name)
    return jsonify(
        AccessKeyId=issued.access_key_id,
        AccessKeySecret=issued.secret,
        SecurityToken=issued.security_token,
        Expiration=iso_time(issued.expiration),
        LastUpdated=iso_time(cloud.clock()),
        Code="Success",
    )
