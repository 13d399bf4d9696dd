"""An access key given as values: provider arguments, or environment variables (both naming schemes)."""

from __future__ import annotations

from collections.abc import Mapping

from cdk_clone.api import Credentials

from ._base import CredentialSource, ResolvedCredentials, SourceFailed

__all__ = ["ENVIRONMENT_NAMES", "StaticSource", "environment_sources"]

# (AccessKeyId, AccessKeySecret, SecurityToken) variable names: Alibaba's SDKs and CLI first, then the names
# the alicloud Terraform provider reads, which its users have set.
ENVIRONMENT_NAMES = (
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"),
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"),
)


class StaticSource(CredentialSource):
    """A key pair (and optional security token) under three names; half a pair is an error, not a skip.

    Example::

        StaticSource("provider arguments", ("access_key", "secret_key", "security_token"), "LTAI...", "...", None)
    """

    def __init__(
        self,
        where: str,
        names: tuple[str, str, str],
        access_key_id: str | None,
        access_key_secret: str | None,
        security_token: str | None = None,
    ) -> None:
        self._where = where
        self._names = names
        self._values = (access_key_id or "", access_key_secret or "", security_token or "")

    def describe(self) -> str:
        return f"{self._where} {self._names[0]}/{self._names[1]}"

    def load(self) -> ResolvedCredentials | None:
        key_id, secret, token = self._values
        if not key_id and not secret:
            return None
        missing = [name for name, value in zip(self._names, (key_id, secret), strict=False) if not value]
        if missing:
            given = self._names[0] if key_id else self._names[1]
            raise SourceFailed(f"{given} is set but {missing[0]} is not: set both, or neither")
        return ResolvedCredentials(Credentials(key_id, secret, token or None), self.describe())


def environment_sources(environ: Mapping[str, str]) -> list[StaticSource]:
    """One source per naming scheme of :data:`ENVIRONMENT_NAMES`, in that order."""
    return [
        StaticSource("environment", names, environ.get(names[0]), environ.get(names[1]), environ.get(names[2]))
        for names in ENVIRONMENT_NAMES
    ]
