"""A RAM role assumed with an OIDC token (STS ``AssumeRoleWithOIDC``), as in Kubernetes (ACK RRSA)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from ._base import CredentialSource, ResolvedCredentials, SourceFailed
from ._endpoints import sts_endpoint
from ._sts import call_sts, temporary_credentials

__all__ = ["OIDC_NAMES", "OidcRoleSource"]

#: The variables that configure it: all three, or none.
OIDC_NAMES = ("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE")


class OidcRoleSource(CredentialSource):
    """Temporary credentials of a RAM role, for the OIDC token read from a file (re-read at each renewal).

    Built from the environment (:data:`OIDC_NAMES`, ``ALIBABA_CLOUD_ROLE_SESSION_NAME``) or from a profile.
    """

    def __init__(
        self,
        role_arn: str | None,
        provider_arn: str | None,
        token_file: str | None,
        *,
        where: str,
        environ: Mapping[str, str],
        session_name: str | None = None,
        duration_seconds: int | None = None,
    ) -> None:
        self._settings = (role_arn or "", provider_arn or "", token_file or "")
        self._where = where
        self._session_name = session_name or f"cdk-clone-{int(time.time())}"
        self._duration = duration_seconds or 3600
        self._endpoint = sts_endpoint(None, environ)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> OidcRoleSource:
        return cls(
            *(environ.get(name) for name in OIDC_NAMES),
            where="environment " + "/".join(OIDC_NAMES),
            environ=environ,
            session_name=environ.get("ALIBABA_CLOUD_ROLE_SESSION_NAME"),
        )

    def describe(self) -> str:
        return f"OIDC role ({self._where})"

    def load(self) -> ResolvedCredentials | None:
        role_arn, provider_arn, token_file = self._settings
        if not any(self._settings):
            return None
        missing = [name for name, value in zip(OIDC_NAMES, self._settings, strict=True) if not value]
        if missing:
            raise SourceFailed(f"{', '.join(missing)} not set: an OIDC role needs the role ARN, the provider ARN and the token file")
        try:
            token = Path(token_file).read_text().strip()
        except OSError as error:
            raise SourceFailed(f"cannot read the OIDC token file {token_file}: {error.strerror or error}") from error
        params = {
            "RoleArn": role_arn,
            "OIDCProviderArn": provider_arn,
            "OIDCToken": token,
            "RoleSessionName": self._session_name,
            "DurationSeconds": self._duration,
        }
        answer = call_sts("AssumeRoleWithOIDC", params, endpoint=self._endpoint, credentials=None)
        return temporary_credentials(answer, f"{self.describe()}: role {role_arn}", "STS AssumeRoleWithOIDC")
