"""Errors raised by :mod:`cdk_clone.api`.

The exception tree::

    Exception
    ├── ApiError                 the ECS/VPC API answered with an error (code, message, RequestId ...)
    │   └── ApiConnectionError   no answer at all: the endpoint could not be reached, or the connection
    │                            dropped, on every allowed attempt
    ├── CredentialsNotFound      no access key in the environment (and none given)
    ├── WaitTimeout              a waiter gave up at its deadline
    └── WaitFailed               a waiter saw a state that can never become ready (e.g. CreateFailed)

Example::

    try:
        client.ecs("DescribeInstanceAttribute", {"InstanceId": "i-missing"})
    except ApiError as error:
        if error.is_not_found:
            ...
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiConnectionError", "ApiError", "CredentialsNotFound", "WaitFailed", "WaitTimeout"]

# Codes ending in ".NotFound" that do NOT mean "the resource you asked about is gone": they mean the request
# itself is misconfigured. A provider that treated them as "gone" would plan to recreate healthy resources.
_CONFIGURATION_NOT_FOUND_CODES = frozenset({"InvalidRegionId.NotFound", "InvalidAccessKeyId.NotFound"})

# Not-found codes that do not follow the ".NotFound" suffix convention.
_OTHER_NOT_FOUND_CODES = frozenset({"ResourceNotFound", "NotFound"})

# What to do about the errors a user can fix by themselves.
_HINTS = {
    "SignatureDoesNotMatch": "check ALIBABA_CLOUD_ACCESS_KEY_SECRET (the secret must belong to the AccessKeyId)",
    "InvalidAccessKeyId.NotFound": "check ALIBABA_CLOUD_ACCESS_KEY_ID",
    "IncompleteSignature": "check ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "InvalidRegionId.NotFound": "check the region name (for example cn-hangzhou)",
    "Forbidden.RAM": "the access key lacks a RAM permission for this action",
}


class ApiError(Exception):
    """An error answer from the ECS or VPC API.

    ``str(error)`` reads like
    ``RunInstances failed: OperationDenied.NoStock (HTTP 403, RequestId 5A8C...): The resource is out of stock``.

    Example::

        except ApiError as error:
            if error.code == "OperationDenied.NoStock": ...
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        request_id: str | None = None,
        http_status: int | None = None,
        recommend: str | None = None,
        action: str | None = None,
        host_id: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.recommend = recommend
        self.action = action
        self.host_id = host_id
        super().__init__(self._describe())

    def _describe(self) -> str:
        details = []
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        if self.request_id:
            details.append(f"RequestId {self.request_id}")
        text = f"{self.action or 'request'} failed: {self.code}"
        if details:
            text += f" ({', '.join(details)})"
        text += f": {self.message}"
        hint = _HINTS.get(self.code)
        if hint:
            text += f" -- {hint}"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments do not survive the default pickling of exceptions.
        return (_rebuild_api_error, (type(self), self.code, self.message, self.__dict__.copy()))

    @property
    def is_not_found(self) -> bool:
        """The resource named in the request does not exist (any more).

        Region and access-key "not found" codes are configuration errors, not missing resources, so they
        are excluded.
        """
        if self.code in _CONFIGURATION_NOT_FOUND_CODES:
            return False
        return self.code.endswith(".NotFound") or self.code in _OTHER_NOT_FOUND_CODES

    @property
    def is_throttling(self) -> bool:
        """The request was refused because of the call rate (``Throttling``, ``Throttling.User`` ...)."""
        return "Throttling" in self.code

    @property
    def is_server_error(self) -> bool:
        """The service failed (HTTP 5xx or ``ServiceUnavailable``); the same request may succeed later."""
        return (self.http_status is not None and self.http_status >= 500) or self.code in (
            "ServiceUnavailable",
            "InternalError",
        )


def _rebuild_api_error(cls: type[ApiError], code: str, message: str, state: dict[str, Any]) -> ApiError:
    error = cls.__new__(cls)
    Exception.__init__(error, code, message)
    error.__dict__.update(state)
    error.args = (error._describe(),)
    return error


class ApiConnectionError(ApiError):
    """The endpoint gave no answer (connection refused, dropped connection, read timeout) on every attempt."""

    def __init__(self, message: str, *, action: str | None = None, endpoint: str | None = None) -> None:
        self.endpoint = endpoint
        super().__init__("ConnectionFailed", message, action=action)


class CredentialsNotFound(Exception):
    """No Alibaba Cloud access key was given and none is in the environment."""


def _shorten(value: object, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class WaitTimeout(Exception):
    """A waiter reached its deadline before the awaited state.

    ``what`` names what was awaited; ``last`` is the last value the probe returned (None if it never
    found anything).
    """

    def __init__(self, what: str, last: object, timeout: float) -> None:
        self.what = what
        self.last = last
        self.timeout = timeout
        super().__init__(f"timed out after {timeout:g}s waiting for {what}; last seen: {_shorten(last)}")


class WaitFailed(Exception):
    """A waiter saw a state from which the awaited one can never be reached (for example ``CreateFailed``)."""

    def __init__(self, what: str, reason: str, last: object) -> None:
        self.what = what
        self.reason = reason
        self.last = last
        super().__init__(f"gave up waiting for {what}: {reason}")
