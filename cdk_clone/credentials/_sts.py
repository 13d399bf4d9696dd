"""Calls to STS (Security Token Service, API version 2015-04-01) and the temporary credentials they give."""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping
from typing import Any

from cdk_clone.api import ApiError, Credentials

from ._base import ResolvedCredentials, SourceFailed

__all__ = ["call_sts", "temporary_credentials"]


def temporary_credentials(answer: Mapping[str, Any], source: str, what: str) -> ResolvedCredentials:
    """The ``Credentials`` of an STS answer (or of the metadata service's, which has the same fields)."""
    given = answer.get("Credentials", answer)
    try:
        credentials = Credentials(given["AccessKeyId"], given["AccessKeySecret"], given["SecurityToken"])
        expiration = float(calendar.timegm(time.strptime(given["Expiration"], "%Y-%m-%dT%H:%M:%SZ")))
    except (KeyError, TypeError, ValueError) as error:
        raise SourceFailed(f"{what} answered without usable temporary credentials ({error!r})") from error
    return ResolvedCredentials(credentials, source, expiration)


def call_sts(
    action: str, params: Mapping[str, Any], *, endpoint: str, credentials: Credentials | None
) -> dict[str, Any]:
    """Call an STS action at ``endpoint``: signed with ``credentials``, or anonymous when None (OIDC).

    Refusals and unreachable endpoints become :class:`SourceFailed` naming the action and the endpoint.
    """
    import httpx

    from cdk_clone.api import AlibabaCloudClient
    from cdk_clone.api._client import decode_answer

    try:
        if credentials is not None:
            with AlibabaCloudClient("cn-hangzhou", credentials=credentials, endpoint=endpoint) as client:
                return client.call("sts", action, {**params, "RegionId": None})
        body = {**{k: str(v) for k, v in params.items()}, "Action": action, "Version": "2015-04-01", "Format": "JSON"}
        with httpx.Client(timeout=httpx.Timeout(10.0)) as http:
            return decode_answer(http.post(f"{endpoint}/", data=body), action)
    except ApiError as error:
        raise SourceFailed(f"STS {action} at {endpoint} was refused: {error}") from error
    except httpx.HTTPError as error:
        raise SourceFailed(f"STS {action} at {endpoint} could not be reached: {type(error).__name__}: {error}") from error
