"""From an action and its string parameters to an answer: the one entry point the wire layer calls.

Example::

    cloud = FakeCloud("demo")
    dispatch(cloud, "testid", "2014-05-26", "DescribeInstances", {"RegionId": "cn-hangzhou"})
    # {"Instances": {"Instance": [...]}, "TotalCount": 2, "PageNumber": 1, "PageSize": 10}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .exceptions import (
    DryRunOperation,
    FakeApiError,
    IdempotentParameterMismatch,
    InternalError,
    InvalidActionNotFound,
    InvalidVersion,
    LastTokenProcessing,
)
from .models import FakeCloud
from .responses import ACTIONS, ECS_VERSION, IDEMPOTENT_ACTIONS, VPC_VERSION
from .responses.base import Handler, Request
from .responses.params import Params

__all__ = ["VERSIONS", "dispatch", "known_actions"]

#: The API versions this endpoint serves.
VERSIONS: frozenset[str] = frozenset(version for version, _ in ACTIONS)


def dispatch(
    cloud: FakeCloud, access_key_id: str, version: str, action: str, params: Mapping[str, str]
) -> dict[str, Any]:
    """Run ``action`` of API ``version`` for ``access_key_id``; return the body without RequestId.

    Raises a :class:`~fake_api.exceptions.FakeApiError` for every refusal: ``InvalidVersion`` for an API
    version the fake does not serve, ``InvalidAction.NotFound`` for an action its version does not have.
    With ``DryRun=true`` the call runs on a scratch copy of the cloud, so every check is made (parameters,
    states, quotas) and nothing changes: it answers ``DryRunOperation`` when the call would succeed.
    """
    handler = ACTIONS.get((version, action))
    if handler is None:
        if version not in VERSIONS:
            raise InvalidVersion(
                f"Specified parameter Version is not valid. ({version[:20]!r}: this endpoint serves ECS "
                f"{ECS_VERSION} and VPC {VPC_VERSION})"
            )
        raise InvalidActionNotFound(
            f"The action {action[:60]!r} does not exist in API version {version[:20]!r} of this service."
        )
    request = Request(cloud, access_key_id, action, Params(params))
    with cloud.lock:
        if request.params.boolean("DryRun"):
            return _dry_run(handler, request)
        token = request.params.client_token() if action in IDEMPOTENT_ACTIONS else None
        if token is None:
            return _run(handler, request)
        # Same ClientToken: same answer when the parameters are the same, refusal when they differ, and
        # LastTokenProcessing while the first call with it is still being processed.
        backend = request.backend()
        key = (action, token)
        fingerprint = request.params.fingerprint()
        previous = backend.client_tokens.get(key)
        if previous is not None:
            if previous[0] != fingerprint:
                raise IdempotentParameterMismatch(
                    f"The ClientToken {token!r} was used for a {action} call with different parameters: "
                    "use a new ClientToken for a different request."
                )
            if backend.tokens_processing.get(key, 0.0) > backend.now():
                raise LastTokenProcessing(
                    f"The last token request is processing. (the first {action} call with ClientToken "
                    f"{token!r} is still being processed: retry in a moment for its answer)"
                )
            return dict(previous[1])
        result = _run(handler, request)
        backend.client_tokens[key] = (fingerprint, result)
        processing = backend.window("client_token")
        if processing > 0:
            backend.tokens_processing[key] = backend.now() + processing
        return dict(result)


def _dry_run(handler: Handler, request: Request) -> dict[str, Any]:
    scratch = Request(request.cloud.scratch_copy(), request.access_key_id, request.action, request.params)
    _run(handler, scratch)  # raises what the call would raise (DryRunOperation where a model checks it)
    raise DryRunOperation(
        "Request validation has been passed with DryRun flag set. (nothing was changed: send the same call "
        "without DryRun to carry it out)"
    )


def _run(handler: Handler, request: Request) -> dict[str, Any]:
    try:
        result: dict[str, Any] = handler(request)
    except FakeApiError:
        raise
    except Exception as error:  # a bug in the fake must still look like the cloud's answer
        raise InternalError(f"The fake failed on {request.action}: {type(error).__name__}: {error}") from error
    return result


def known_actions() -> list[tuple[str, str]]:
    """Every (version, action) the fake answers, sorted."""
    return sorted(ACTIONS)
