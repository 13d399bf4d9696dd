"""When and how long to wait before sending a failed request again.

Example::

    client = AlibabaCloudClient("cn-hangzhou", retry=RetryPolicy(max_attempts=4, deadline=30.0))
    client = AlibabaCloudClient("cn-hangzhou", retry=RetryPolicy.disabled())
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

from ._errors import ApiError

__all__ = ["RetryPolicy"]

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
