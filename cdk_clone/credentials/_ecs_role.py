"""The RAM role of the ECS instance this runs on, from the instance metadata service."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ._base import CredentialSource, ResolvedCredentials, SourceFailed
from ._endpoints import metadata_endpoint
from ._sts import temporary_credentials

__all__ = ["EcsRoleSource"]

_TOKEN_TTL_SECONDS = "21600"


class EcsRoleSource(CredentialSource):
    """Temporary credentials of the instance's RAM role ``role_name`` (None: not configured).

    Asks for a metadata session token first (IMDSv2), and goes on without one unless
    ``ALIBABA_CLOUD_IMDSV1_DISABLED=true``, as Alibaba's SDKs do.
    """

    def __init__(self, role_name: str | None, *, where: str, environ: Mapping[str, str]) -> None:
        self._role_name = role_name
        self._where = where
        self._endpoint = metadata_endpoint(environ)
        self._v1_disabled = environ.get("ALIBABA_CLOUD_IMDSV1_DISABLED", "").lower() == "true"

    def describe(self) -> str:
        return f"ECS instance RAM role ({self._where}, metadata service at {self._endpoint})"

    def load(self) -> ResolvedCredentials | None:
        if not self._role_name:
            return None
        import httpx

        url = f"{self._endpoint}/latest/meta-data/ram/security-credentials/{self._role_name}"
        try:
            with httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0)) as http:
                headers = {}
                token = http.put(
                    f"{self._endpoint}/latest/api/token",
                    headers={"X-aliyun-ecs-metadata-token-ttl-seconds": _TOKEN_TTL_SECONDS},
                )
                if token.status_code == 200:
                    headers["X-aliyun-ecs-metadata-token"] = token.text
                elif self._v1_disabled:
                    raise SourceFailed(
                        f"the metadata service gave no session token (HTTP {token.status_code}) and "
                        "ALIBABA_CLOUD_IMDSV1_DISABLED=true forbids going on without one"
                    )
                answer = http.get(url, headers=headers)
        except httpx.HTTPError as error:
            raise SourceFailed(
                f"the metadata service could not be reached ({type(error).__name__}: {error}); this source only "
                "works on an ECS instance with a RAM role"
            ) from error
        if answer.status_code != 200:
            raise SourceFailed(
                f"the metadata service answered HTTP {answer.status_code} for role {self._role_name!r}: "
                f"{answer.text[:200]}; check the role name attached to the instance"
            )
        try:
            document = json.loads(answer.text)
        except ValueError as error:
            raise SourceFailed(f"the metadata service's answer is not JSON: {answer.text[:200]!r}") from error
        if document.get("Code") != "Success":
            raise SourceFailed(f"the metadata service refused: {answer.text[:200]}")
        return temporary_credentials(document, f"{self.describe()}: role {self._role_name}", "the metadata service")
