"""STS (Security Token Service, version 2015-04-01): AssumeRole and AssumeRoleWithOIDC.

The answers are the real ones' shapes: ``Credentials`` (AccessKeyId, AccessKeySecret, SecurityToken,
Expiration), ``AssumedRoleUser`` and, for OIDC, ``OIDCTokenInfo``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..models.sts import TemporaryCredentials, iso_time
from .base import Request, action

__all__ = ["ANONYMOUS_ACTIONS", "STS_VERSION"]

STS_VERSION = "2015-04-01"
#: Actions that are called without a signature (the OIDC token proves who calls).
ANONYMOUS_ACTIONS = frozenset({(STS_VERSION, "AssumeRoleWithOIDC")})


def _answer(issued: TemporaryCredentials) -> dict[str, Any]:
    # A stable role ID per role, as RAM gives each role one.
    role_id = str(int(hashlib.sha256(issued.role_arn.lower().encode()).hexdigest()[:15], 16))
    return {
        "Credentials": {
            "AccessKeyId": issued.access_key_id,
            "AccessKeySecret": issued.secret,
            "SecurityToken": issued.security_token,
            "Expiration": iso_time(issued.expiration),
        },
        "AssumedRoleUser": {
            "Arn": f"{issued.role_arn}/{issued.session_name}",
            "AssumedRoleId": f"{role_id}:{issued.session_name}",
        },
    }


@action(STS_VERSION, "AssumeRole")
def assume_role(request: Request) -> dict[str, Any]:
    params = request.params
    issued = request.cloud.sts.assume_role(
        request.access_key_id,
        params.text("RoleArn"),
        params.text("RoleSessionName"),
        params.integer("DurationSeconds"),
    )
    return _answer(issued)


@action(STS_VERSION, "AssumeRoleWithOIDC")
def assume_role_with_oidc(request: Request) -> dict[str, Any]:
    params = request.params
    issued = request.cloud.sts.assume_role_with_oidc(
        request.access_key_id,
        params.text("RoleArn"),
        params.text("OIDCProviderArn"),
        params.text("OIDCToken"),
        params.text("RoleSessionName"),
        params.integer("DurationSeconds"),
    )
    return {
        **_answer(issued),
        "OIDCTokenInfo": {"Issuer": "https://oidc.fake_api.local", "Subject": issued.session_name, "ClientIds": "sts"},
    }
