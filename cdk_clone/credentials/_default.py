"""The default chain, in the order the alicloud Terraform provider and Alibaba's SDKs follow."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cdk_clone.api import Credentials

from ._base import CredentialsChain, RefreshingCredentials
from ._ecs_role import EcsRoleSource
from ._oidc import OidcRoleSource
from ._profile import PROFILE_ENV_NAMES, ProfileSource, default_config_path
from ._ram_role import RamRoleSource
from ._static import StaticSource, environment_sources

__all__ = ["AssumeRole", "CredentialSettings", "credentials_chain", "resolve_credentials"]


@dataclass(frozen=True)
class AssumeRole:
    """The provider's ``assume_role`` block (or ``ALICLOUD_ASSUME_ROLE_ARN`` and its companions)."""

    role_arn: str
    session_name: str | None = None
    session_expiration: int | None = None
    policy: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class CredentialSettings:
    """What a configuration may say about credentials (the ecsclone provider's arguments); all optional."""

    access_key: str | None = None
    secret_key: str | None = None
    security_token: str | None = None
    profile: str | None = None
    shared_credentials_file: str | None = None
    ecs_role_name: str | None = None
    assume_role: AssumeRole | None = None
    sts_endpoint: str | None = None


def _first(environ: Mapping[str, str], *names: str) -> str | None:
    return next((environ[name] for name in names if environ.get(name)), None)


def _assume_role(settings: CredentialSettings, environ: Mapping[str, str]) -> tuple[AssumeRole, str] | None:
    if settings.assume_role is not None:
        return settings.assume_role, "provider assume_role"
    role_arn = environ.get("ALICLOUD_ASSUME_ROLE_ARN")
    if not role_arn:
        return None
    expiration = environ.get("ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION")
    role = AssumeRole(
        role_arn,
        session_name=_first(environ, "ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALIBABA_CLOUD_ROLE_SESSION_NAME"),
        session_expiration=int(expiration) if expiration and expiration.isdigit() else None,
    )
    return role, "environment ALICLOUD_ASSUME_ROLE_ARN"


def credentials_chain(
    settings: CredentialSettings | None = None, environ: Mapping[str, str] = os.environ
) -> CredentialsChain:
    """The sources of credentials for ``settings``, in order:

    1. the provider's ``access_key``/``secret_key`` (and ``security_token``);
    2. ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``_SECRET`` (and ``_SECURITY_TOKEN``), then ``ALICLOUD_ACCESS_KEY``/
       ``ALICLOUD_SECRET_KEY`` (and ``ALICLOUD_SECURITY_TOKEN``);
    3. the ECS instance's RAM role, when named (``ecs_role_name``, ``ALICLOUD_ECS_ROLE_NAME`` or
       ``ALIBABA_CLOUD_ECS_METADATA``);
    4. an OIDC role (``ALIBABA_CLOUD_ROLE_ARN``, ``ALIBABA_CLOUD_OIDC_PROVIDER_ARN``,
       ``ALIBABA_CLOUD_OIDC_TOKEN_FILE``);
    5. a profile of ``~/.aliyun/config.json`` (``profile``, ``ALIBABA_CLOUD_PROFILE`` or ``ALICLOUD_PROFILE``,
       else the file's current one; the file: ``shared_credentials_file`` or ``ALICLOUD_SHARED_CREDENTIALS_FILE``).

    With ``assume_role`` (or ``ALICLOUD_ASSUME_ROLE_ARN``), the first of those signs an STS AssumeRole and
    the role's temporary credentials are used.
    """
    settings = settings or CredentialSettings()
    provider = StaticSource(
        "provider arguments",
        ("access_key", "secret_key", "security_token"),
        settings.access_key,
        settings.secret_key,
        settings.security_token,
    )
    role_name = settings.ecs_role_name or _first(environ, "ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA")
    role_where = "provider ecs_role_name" if settings.ecs_role_name else "ALICLOUD_ECS_ROLE_NAME/ALIBABA_CLOUD_ECS_METADATA"
    profile_name = settings.profile or _first(environ, *PROFILE_ENV_NAMES)
    file = settings.shared_credentials_file or environ.get("ALICLOUD_SHARED_CREDENTIALS_FILE")
    profile = ProfileSource(
        profile_name,
        Path(file).expanduser() if file else default_config_path(environ),
        environ=environ,
        explicit=bool(profile_name or file),
    )
    base = CredentialsChain(
        [
            provider,
            *environment_sources(environ),
            EcsRoleSource(role_name, where=role_where, environ=environ),
            OidcRoleSource.from_environment(environ),
            profile,
        ]
    )
    role = _assume_role(settings, environ)
    if role is None:
        return base
    assume, where = role
    return CredentialsChain(
        [
            RamRoleSource(
                base,
                assume.role_arn,
                where=where,
                environ=environ,
                session_name=assume.session_name,
                duration_seconds=assume.session_expiration,
                policy=assume.policy,
                external_id=assume.external_id,
                endpoint=settings.sts_endpoint,
            )
        ]
    )


def resolve_credentials(
    settings: CredentialSettings | None = None, environ: Mapping[str, str] = os.environ
) -> Credentials | RefreshingCredentials:
    """Credentials from the chain of :func:`credentials_chain`: plain ones, or temporary ones that renew.

    Raises :class:`~cdk_clone.api.CredentialsNotFound` naming every source tried (or the one that failed).
    """
    chain = credentials_chain(settings, environ)
    resolved = chain.resolve()
    if resolved.expiration is None:
        return resolved.credentials
    return RefreshingCredentials(chain, resolved)
