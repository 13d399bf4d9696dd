"""A RAM role assumed through STS ``AssumeRole`` with other credentials (the provider's ``assume_role``)."""

from __future__ import annotations

import time
from collections.abc import Mapping

from cdk_clone.api import CredentialsNotFound

from ._base import CredentialsChain, CredentialSource, ResolvedCredentials, SourceFailed
from ._endpoints import sts_endpoint
from ._sts import call_sts, temporary_credentials

__all__ = ["RamRoleSource"]


class RamRoleSource(CredentialSource):
    """Temporary credentials of ``role_arn``, from STS AssumeRole signed with ``base``'s credentials.

    Example::

        RamRoleSource(CredentialsChain(environment_sources(os.environ)), "acs:ram::123:role/cloner",
                      where="provider assume_role", environ=os.environ)
    """

    def __init__(
        self,
        base: CredentialsChain,
        role_arn: str,
        *,
        where: str,
        environ: Mapping[str, str],
        session_name: str | None = None,
        duration_seconds: int | None = None,
        policy: str | None = None,
        external_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        self._base = base
        self._role_arn = role_arn
        self._where = where
        self._session_name = session_name or f"cdk-clone-{int(time.time())}"
        self._duration = duration_seconds or 3600
        self._policy = policy
        self._external_id = external_id
        self._endpoint = sts_endpoint(endpoint, environ)

    def describe(self) -> str:
        return f"RAM role {self._role_arn} ({self._where}, STS AssumeRole at {self._endpoint})"

    def load(self) -> ResolvedCredentials:
        try:
            base = self._base.resolve()
        except CredentialsNotFound as error:
            raise SourceFailed(f"no credentials to call AssumeRole with: {error}") from error
        params: dict[str, str | int] = {
            "RoleArn": self._role_arn,
            "RoleSessionName": self._session_name,
            "DurationSeconds": self._duration,
        }
        if self._policy:
            params["Policy"] = self._policy
        if self._external_id:
            params["ExternalId"] = self._external_id
        answer = call_sts("AssumeRole", params, endpoint=self._endpoint, credentials=base.credentials)
        return temporary_credentials(answer, f"{self.describe()} with {base.source}", "STS AssumeRole")
