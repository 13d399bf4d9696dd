"""From an action and its string parameters to an answer: the one entry point the wire layer calls.

Example::

    cloud = FakeCloud("demo")
    dispatch(cloud, "testid", "2014-05-26", "DescribeInstances", {"RegionId": "cn-hangzhou"})
    # {"Instances": {"Instance": [...]}, "TotalCount": 2, "PageNumber": 1, "PageSize": 10}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .exceptions import FakeApiError, IdempotentParameterMismatch, InternalError, InvalidActionNotFound
from .models import FakeCloud
from .responses import ACTIONS, IDEMPOTENT_ACTIONS
from .responses.base import Handler, Request
from .responses.params import Params

__all__ = ["dispatch", "known_actions"]


def dispatch(
    cloud: FakeCloud, access_key_id: str, version: str, action: str, params: Mapping[str, str]
) -> dict[str, Any]:
    """Run ``action`` of API ``version`` for ``access_key_id``; return the body without RequestId.

    Raises a :class:`~fake_api.exceptions.FakeApiError` for every refusal; an unknown (version, action)
    raises ``InvalidAction.NotFound``.
    """
    handler = ACTIONS.get((version, action))
    if handler is None:
        raise InvalidActionNotFound(
            f"The action {action[:60]!r} does not exist in API version {version[:20]!r} of this service."
        )
    request = Request(cloud, access_key_id, action, Params(params))
    with cloud.lock:
        token = request.params.client_token() if action in IDEMPOTENT_ACTIONS else None
        if token is None or request.params.boolean("DryRun"):
            return _run(handler, request)
        # Same ClientToken: same answer when the parameters are the same, refusal when they differ.
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
            return dict(previous[1])
        result = _run(handler, request)
        backend.client_tokens[key] = (fingerprint, result)
        return dict(result)


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
