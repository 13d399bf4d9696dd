"""A profile of the Alibaba Cloud CLI's configuration file (``~/.aliyun/config.json``, ``aliyun configure``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cdk_clone.api import Credentials

from ._base import CredentialsChain, CredentialSource, ResolvedCredentials, SourceFailed
from ._ecs_role import EcsRoleSource
from ._oidc import OidcRoleSource
from ._ram_role import RamRoleSource

__all__ = ["PROFILE_ENV_NAMES", "SUPPORTED_MODES", "ProfileSource", "default_config_path"]

#: Variables naming the profile, in the order they are read (Alibaba's SDKs and CLI, then the alicloud provider).
PROFILE_ENV_NAMES = ("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
SUPPORTED_MODES = ("AK", "StsToken", "RamRoleArn", "ChainableRamRoleArn", "EcsRamRole", "OIDC")
_MAX_CHAIN = 10


def default_config_path(environ: Mapping[str, str]) -> Path:
    """``$HOME/.aliyun/config.json``, where ``aliyun configure`` writes."""
    return Path(environ.get("HOME") or Path.home()) / ".aliyun" / "config.json"


class ProfileSource(CredentialSource):
    """The credentials of one profile: its own keys, or those of the role, instance or OIDC token it names.

    ``name`` None means the file's ``current`` profile (``default`` when it names none). A profile or file
    asked for explicitly (``explicit=True``) that is missing is an error; the default file missing is not
    (the source is then simply not configured).

    Example::

        ProfileSource("prod", default_config_path(os.environ), environ=os.environ, explicit=True).load()
    """

    def __init__(
        self, name: str | None, path: Path, *, environ: Mapping[str, str], explicit: bool, where: str = ""
    ) -> None:
        self._name = name
        self._path = path
        self._environ = environ
        self._explicit = explicit
        self._where = where

    def describe(self) -> str:
        name = repr(self._name) if self._name else "current"
        return f"profile {name} of {self._path}" + (f" ({self._where})" if self._where else "")

    def load(self) -> ResolvedCredentials | None:
        if not self._path.is_file():
            if self._explicit:
                raise SourceFailed(f"{self._path} does not exist: create it with `aliyun configure`")
            return None
        try:
            document = json.loads(self._path.read_text())
        except (OSError, ValueError) as error:
            raise SourceFailed(f"cannot read {self._path} as JSON: {error}") from error
        profiles = {p.get("name"): p for p in document.get("profiles") or [] if isinstance(p, dict)}
        name = self._name or document.get("current") or "default"
        return self._from_profile(profiles, name, chain=[])

    def _from_profile(self, profiles: Mapping[Any, dict[str, Any]], name: str, chain: list[str]) -> ResolvedCredentials:
        profile = profiles.get(name)
        if profile is None:
            known = ", ".join(sorted(str(n) for n in profiles)) or "none"
            raise SourceFailed(f"no profile {name!r} in {self._path} (profiles there: {known})")
        mode = profile.get("mode") or "AK"
        what = f"profile {name!r} of {self._path} (mode {mode})"

        def field(key: str) -> str:
            value = profile.get(key)
            if not value:
                raise SourceFailed(f"profile {name!r} (mode {mode}) has no {key}")
            return str(value)

        if mode == "AK":
            return ResolvedCredentials(Credentials(field("access_key_id"), field("access_key_secret")), what)
        if mode == "StsToken":
            credentials = Credentials(field("access_key_id"), field("access_key_secret"), field("sts_token"))
            return ResolvedCredentials(credentials, what)
        if mode in ("RamRoleArn", "ChainableRamRoleArn"):
            if mode == "RamRoleArn":
                base = Credentials(field("access_key_id"), field("access_key_secret"), profile.get("sts_token") or None)
                base_source: CredentialSource = _Given(ResolvedCredentials(base, f"profile {name!r}'s access key"))
            else:
                source_name = field("source_profile")
                if source_name in chain or len(chain) >= _MAX_CHAIN:
                    raise SourceFailed(f"profiles {' -> '.join([*chain, name, source_name])} form a loop")
                resolved = self._from_profile(profiles, source_name, [*chain, name])
                base_source = _Given(resolved)
            role = RamRoleSource(
                CredentialsChain([base_source]),
                field("ram_role_arn"),
                where=what,
                environ=self._environ,
                session_name=profile.get("ram_session_name") or None,
                duration_seconds=int(profile.get("expired_seconds") or 0) or None,
                endpoint=_sts_region_endpoint(profile),
            )
            return role.load()
        if mode == "EcsRamRole":
            resolved_role = EcsRoleSource(field("ram_role_name"), where=what, environ=self._environ).load()
            assert resolved_role is not None  # a role name is given
            return resolved_role
        if mode == "OIDC":
            oidc = OidcRoleSource(
                field("ram_role_arn"),
                field("oidc_provider_arn"),
                field("oidc_token_file"),
                where=what,
                environ=self._environ,
                session_name=profile.get("ram_session_name") or None,
                duration_seconds=int(profile.get("expired_seconds") or 0) or None,
            )
            resolved_oidc = oidc.load()
            assert resolved_oidc is not None  # all three settings are given
            return resolved_oidc
        raise SourceFailed(
            f"profile {name!r} uses mode {mode}, which cdk-clone does not read; use one of "
            f"{', '.join(SUPPORTED_MODES)} (aliyun configure --mode ...), or export temporary keys as "
            "ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN"
        )


def _sts_region_endpoint(profile: Mapping[str, Any]) -> str | None:
    region = profile.get("sts_region")
    return f"sts.{region}.aliyuncs.com" if region else None


class _Given(CredentialSource):
    """Credentials already resolved (a profile's own keys), as the base of a role."""

    def __init__(self, resolved: ResolvedCredentials) -> None:
        self._resolved = resolved

    def describe(self) -> str:
        return self._resolved.source

    def load(self) -> ResolvedCredentials:
        return self._resolved
