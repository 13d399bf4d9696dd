"""When and how long to wait before sending a failed request again.

Two layers: :class:`RetryPolicy` (inside every call: throttling, 5xx, lost connections, LastTokenProcessing)
and :func:`retry_while_busy` (around a call: the object it acts on is busy with something that passes by
itself, such as a vSwitch still being created or a security group still held by a released instance).

Example::

    client = AlibabaCloudClient("cn-hangzhou", retry=RetryPolicy(max_attempts=4, deadline=30.0))
    client = AlibabaCloudClient("cn-hangzhou", retry=RetryPolicy.disabled())
    retry_while_busy(lambda: client.vpc("DeleteVSwitch", {"VSwitchId": "vsw-1"}),
                     codes=DELETE_DEPENDENCY_CODES + NETWORK_BUSY_CODES, timeout=600, what="delete vSwitch vsw-1")
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import httpx

from ._errors import ApiError

__all__ = [
    "CONFLICT_CODES",
    "DELETE_DEPENDENCY_CODES",
    "INSTANCE_BUSY_CODES",
    "NETWORK_BUSY_CODES",
    "RetryPolicy",
    "retry_while_busy",
]

T = TypeVar("T")

# Codes (prefixes) that say "the object is busy; the same call succeeds once that has passed", grouped by
# what they are about. terraform-provider-alicloud retries the same codes around the same calls.
#: Another change of the same object is being processed, or the object's VPC runs another task.
CONFLICT_CODES: tuple[str, ...] = ("OperationConflict", "TaskConflict")
#: An instance in a transition (Pending, Starting, Stopping; IncorrectInstanceStatus.Initializing while it
#: is being created).
INSTANCE_BUSY_CODES: tuple[str, ...] = ("IncorrectInstanceStatus", *CONFLICT_CODES)
#: A VPC or vSwitch still Pending, being deleted, or busy creating another vSwitch.
NETWORK_BUSY_CODES: tuple[str, ...] = ("IncorrectVSwitchStatus", "IncorrectVpcStatus", *CONFLICT_CODES)
#: A delete refused while something still depends on the object (often an instance released a moment ago
#: whose network interface is still attached).
DELETE_DEPENDENCY_CODES: tuple[str, ...] = ("DependencyViolation",)

_BUSY_PAUSE_GROWTH = 1.5
_MAX_BUSY_PAUSE = 5.0

# Failures with no answer that are worth another try. A dropped connection (RemoteProtocolError) or a read
# timeout may hide a request the server did carry out; the ClientToken of idempotent calls makes the retry
# safe, and the other calls (Describe*, Delete*, Authorize*) are harmless to repeat.
_RETRYABLE_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.PoolTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)

# 4xx codes that say "try again": the previous request with this ClientToken is still running, or (with a
# fresh nonce on every attempt this can only be a clash) the nonce was seen before.
_RETRYABLE_CLIENT_CODES = frozenset({"LastTokenProcessing", "SignatureNonceUsed"})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded both in attempts and in total time.

    Retried: ``Throttling*`` codes, ``ServiceUnavailable`` and every HTTP 5xx, ``LastTokenProcessing``,
    connection errors, read timeouts and dropped connections. Any other error answer (4xx) is final.

    The n-th retry waits a random time in ``[0, min(max_delay, base_delay * 2**(n-1))]`` (without jitter:
    exactly the upper bound); no retry starts once ``deadline`` seconds have passed since the first attempt.
    """

    max_attempts: int = 8
    base_delay: float = 0.2
    max_delay: float = 10.0
    deadline: float = 120.0
    jitter: bool = True

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be at least 1, got {self.max_attempts}")
        if self.base_delay < 0 or self.max_delay < 0 or self.deadline < 0:
            raise ValueError("RetryPolicy delays and deadline must not be negative")

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """One attempt only."""
        return cls(max_attempts=1)

    def delay(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** max(retry_number - 1, 0)))
        if not self.jitter:
            return ceiling
        return (rng or random).uniform(0.0, ceiling)

    def should_retry_error(self, error: ApiError) -> bool:
        """Whether an error answer is transient."""
        return error.is_throttling or error.is_server_error or error.code in _RETRYABLE_CLIENT_CODES

    def should_retry_exception(self, error: BaseException) -> bool:
        """Whether a failure to get any answer is transient."""
        return isinstance(error, _RETRYABLE_TRANSPORT_ERRORS)


def retry_while_busy(
    call: Callable[[], T],
    *,
    codes: Sequence[str],
    timeout: float,
    what: str,
    interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``call()``, sent again while it fails with an error code that starts with one of ``codes``.

    Pauses start at ``interval`` and grow by half each time, up to 5 s; after ``timeout`` seconds the last
    error is raised, its message saying how long the state lasted (``what`` names the operation).
    """
    deadline = clock() + timeout
    pause = max(interval, 0.01)
    while True:
        try:
            return call()
        except ApiError as error:
            if not error.code.startswith(tuple(codes)):
                raise
            remaining = deadline - clock()
            if remaining <= 0:
                raise ApiError(
                    error.code,
                    f"{error.message} (still so after retrying to {what} for {timeout:g}s: the state did not pass)",
                    request_id=error.request_id,
                    http_status=error.http_status,
                    recommend=error.recommend,
                    action=error.action,
                    host_id=error.host_id,
                ) from error
            sleep(min(pause, remaining))
            pause = min(_MAX_BUSY_PAUSE, pause * _BUSY_PAUSE_GROWTH)
