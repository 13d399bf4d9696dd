"""Security Token Service: temporary credentials, and who they act for.

Three ways to get them, as in Alibaba Cloud: ``AssumeRole`` (signed with an account's keys or with other
temporary keys), ``AssumeRoleWithOIDC`` (anonymous, with an OIDC token) and the ECS instance's RAM role (the
metadata service). Each gives an ``STS.``-prefixed AccessKeyId, a secret and a security token that expire;
requests signed with them act in the account that assumed the role (the fake models no RAM policies, so a
role is any well-formed role ARN, and the OIDC and instance roles belong to the default account).

Example::

    sts = SecurityTokenService(clock=time.time)
    issued = sts.assume_role("testid", "acs:ram::1234567890123456:role/cloner", "deploy", 3600)
    sts.check_token(issued.access_key_id, issued.security_token)   # passes until issued.expiration
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ..exceptions import (
    InvalidParameter,
    InvalidSecurityTokenExpired,
    InvalidSecurityTokenMalformed,
    InvalidSecurityTokenMismatchWithAccessKey,
    MissingParameter,
    MissingSecurityToken,
)

__all__ = [
    "INSTANCE_ROLE_NAME",
    "MAX_DURATION_SECONDS",
    "MIN_DURATION_SECONDS",
    "STS_KEY_PREFIX",
    "SecurityTokenService",
    "TemporaryCredentials",
    "iso_time",
]

STS_KEY_PREFIX = "STS."
MIN_DURATION_SECONDS = 900
# A role's default maximum session duration (roles can be configured up to 12 hours; the fake's cannot).
MAX_DURATION_SECONDS = 3600
# The RAM role attached to every instance, as its metadata service names it.
INSTANCE_ROLE_NAME = "EcsInstanceRoleDemo"
# How long the metadata service's instance-role credentials last (the real service renews them hourly).
INSTANCE_CREDENTIALS_SECONDS = 6 * 3600

_ROLE_ARN = re.compile(r"^acs:ram::(?P<account>\d{1,32}):role/(?P<name>[\w.@+=,-]{1,64})$", re.IGNORECASE)
_OIDC_PROVIDER_ARN = re.compile(r"^acs:ram::\d{1,32}:oidc-provider/[\w.-]{1,128}$", re.IGNORECASE)
_SESSION_NAME = re.compile(r"^[\w.@-]{2,64}$")


@dataclass(frozen=True)
class TemporaryCredentials:
    """One set of temporary keys: what they sign as (``account``), and until when (epoch seconds)."""

    access_key_id: str
    secret: str
    security_token: str
    expiration: float
    account: str
    role_arn: str
    session_name: str


class SecurityTokenService:
    """Issues temporary credentials and checks the security tokens that come with them.

    Callers hold the cloud's lock (as for every model). ``clock`` is the cloud's: time moves for
    expirations as it does for transitions.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._issued: dict[str, TemporaryCredentials] = {}
        # The metadata service's session tokens (IMDSv2) and when each expires.
        self._metadata_tokens: dict[str, float] = {}

    def reset(self) -> None:
        self._issued.clear()
        self._metadata_tokens.clear()

    # Issuing ------------------------------------------------------------------------------------------------
    def assume_role(
        self, account: str, role_arn: str | None, session_name: str | None, duration_seconds: int | None
    ) -> TemporaryCredentials:
        """``AssumeRole`` by a caller of ``account``: the keys act in that account."""
        arn = _role_arn(role_arn)
        return self._issue(account, arn, _session_name(session_name), _duration(duration_seconds))

    def assume_role_with_oidc(
        self,
        account: str,
        role_arn: str | None,
        provider_arn: str | None,
        token: str | None,
        session_name: str | None,
        duration_seconds: int | None,
    ) -> TemporaryCredentials:
        """``AssumeRoleWithOIDC``: an anonymous call; the OIDC token must have a JWT's three parts."""
        arn = _role_arn(role_arn)
        if not provider_arn:
            raise MissingParameter("OIDCProviderArn is mandatory for this action.")
        if not _OIDC_PROVIDER_ARN.match(provider_arn):
            raise InvalidParameter(
                f"The parameter OIDCProviderArn is wrong: {provider_arn[:100]!r} is not "
                "acs:ram::<account ID>:oidc-provider/<name>."
            )
        if not token:
            raise MissingParameter("OIDCToken is mandatory for this action.")
        if len(token.split(".")) != 3 or not all(token.split(".")):
            raise InvalidParameter("The parameter OIDCToken is wrong: it is not a JWT (header.payload.signature).")
        name = session_name or f"oidc-{secrets.token_hex(4)}"
        return self._issue(account, arn, _session_name(name), _duration(duration_seconds))

    def instance_role(self, account: str, role_name: str) -> TemporaryCredentials:
        """The credentials the metadata service hands an instance for its RAM role."""
        arn = f"acs:ram::{_ACCOUNT_UID}:role/{role_name.lower()}"
        return self._issue(account, arn, "instance", INSTANCE_CREDENTIALS_SECONDS)

    def _issue(self, account: str, role_arn: str, session_name: str, seconds: int) -> TemporaryCredentials:
        issued = TemporaryCredentials(
            access_key_id=STS_KEY_PREFIX + secrets.token_urlsafe(21),
            secret=secrets.token_urlsafe(30),
            security_token="CAIS" + secrets.token_urlsafe(96),
            expiration=float(int(self._clock()) + seconds),
            account=account,
            role_arn=role_arn,
            session_name=session_name,
        )
        self._issued[issued.access_key_id] = issued
        return issued

    def metadata_token(self, ttl_seconds: int) -> str:
        """A session token of the instance metadata service, valid ``ttl_seconds``."""
        token = secrets.token_urlsafe(32)
        self._metadata_tokens[token] = self._clock() + ttl_seconds
        return token

    def metadata_token_valid(self, token: str) -> bool:
        return self._metadata_tokens.get(token, 0.0) > self._clock()

    # Checking -----------------------------------------------------------------------------------------------
    def get(self, access_key_id: str) -> TemporaryCredentials | None:
        return self._issued.get(access_key_id)

    def check_token(self, access_key_id: str, security_token: str | None) -> None:
        """Refuse a request signed with temporary ``access_key_id`` whose token is missing, wrong or expired.

        A permanent key (not issued here) needs no token; one sent along is ignored.
        """
        issued = self._issued.get(access_key_id)
        if issued is None:
            return
        if not security_token:
            raise MissingSecurityToken(
                f"The SecurityToken that comes with the temporary AccessKey {access_key_id[:40]!r} is not supplied."
            )
        if not security_token.startswith("CAIS"):
            raise InvalidSecurityTokenMalformed("Specified SecurityToken is malformed.")
        if security_token != issued.security_token:
            raise InvalidSecurityTokenMismatchWithAccessKey("Specified SecurityToken mismatch with the AccessKey.")
        if self._clock() >= issued.expiration:
            raise InvalidSecurityTokenExpired(
                f"Specified SecurityToken is expired (at {iso_time(issued.expiration)}): get new temporary credentials."
            )

    def expire(self, access_key_id: str) -> None:
        """Make issued credentials expire now (for tests of what happens after an hour)."""
        issued = self._issued.get(access_key_id)
        if issued is None:
            raise KeyError(f"no temporary credentials {access_key_id!r} were issued")
        self._issued[access_key_id] = replace(issued, expiration=self._clock())


# The fake's one account ID, in the ARNs it makes (the default account's; the fake models no other IDs).
_ACCOUNT_UID = "1234567890123456"


def _role_arn(role_arn: str | None) -> str:
    if not role_arn:
        raise MissingParameter("RoleArn is mandatory for this action.")
    if not _ROLE_ARN.match(role_arn):
        raise InvalidParameter(
            f"The parameter RoleArn is wrong: {role_arn[:100]!r} is not acs:ram::<account ID>:role/<role name>."
        )
    return role_arn


def _session_name(name: str | None) -> str:
    if not name:
        raise MissingParameter("RoleSessionName is mandatory for this action.")
    if not _SESSION_NAME.match(name):
        raise InvalidParameter(
            f"The parameter RoleSessionName is wrong: {name[:80]!r} must be 2 to 64 letters, digits, '.', '@', "
            "'-' or '_'."
        )
    return name


def _duration(seconds: int | None) -> int:
    if seconds is None:
        return MAX_DURATION_SECONDS
    if not MIN_DURATION_SECONDS <= seconds <= MAX_DURATION_SECONDS:
        raise InvalidParameter(
            f"The parameter DurationSeconds is wrong: {seconds} is outside {MIN_DURATION_SECONDS} to "
            f"{MAX_DURATION_SECONDS} seconds (the role's maximum session duration)."
        )
    return seconds


def iso_time(epoch: float) -> str:
    """``2026-01-02T03:04:05Z``, as STS writes Expiration."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
