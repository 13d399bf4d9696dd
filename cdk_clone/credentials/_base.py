"""What every source of credentials is, and the chain that tries them in order."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from cdk_clone.api import Credentials, CredentialsNotFound

__all__ = ["CredentialSource", "CredentialsChain", "RefreshingCredentials", "ResolvedCredentials", "SourceFailed"]

# Temporary credentials are renewed this long before they expire, so a call never carries a dying token.
REFRESH_MARGIN_SECONDS = 300.0


class SourceFailed(Exception):
    """A source that is configured could not give credentials; the message says what to fix."""


@dataclass(frozen=True)
class ResolvedCredentials:
    """Credentials, the source that gave them, and (for temporary ones) when they expire (epoch seconds)."""

    credentials: Credentials
    source: str
    expiration: float | None = None


class CredentialSource(ABC):
    """One place credentials can come from (the environment, a profile, a RAM role ...).

    :meth:`load` returns None when the source is not configured at all (the chain goes on to the next),
    and raises :class:`SourceFailed` when it is configured but cannot give credentials (the chain stops:
    a half-set environment or a refused role must not silently fall back to other keys).
    """

    @abstractmethod
    def describe(self) -> str:
        """What this source is, as shown in errors: ``environment ALIBABA_CLOUD_ACCESS_KEY_ID/..._SECRET``."""

    @abstractmethod
    def load(self) -> ResolvedCredentials | None:
        """Credentials from this source, None when it is not configured."""


class CredentialsChain(CredentialSource):
    """Tries its sources in order; the first configured one gives the credentials.

    Example::

        chain = CredentialsChain([EnvironmentSource(os.environ), ProfileSource(...)])
        resolved = chain.resolve()      # or CredentialsNotFound naming every source tried
    """

    def __init__(self, sources: Sequence[CredentialSource]) -> None:
        self.sources = list(sources)

    def describe(self) -> str:
        return "; ".join(source.describe() for source in self.sources)

    def load(self) -> ResolvedCredentials | None:
        for source in self.sources:
            resolved = source.load()
            if resolved is not None:
                return resolved
        return None

    def resolve(self) -> ResolvedCredentials:
        """The first configured source's credentials; CredentialsNotFound says which sources were tried."""
        tried: list[str] = []
        for source in self.sources:
            try:
                resolved = source.load()
            except SourceFailed as failure:
                raise CredentialsNotFound(
                    f"Alibaba Cloud credentials from {source.describe()} failed: {failure}"
                    + (f" (tried before it, not configured: {'; '.join(tried)})" if tried else "")
                ) from failure
            if resolved is not None:
                return resolved
            tried.append(source.describe())
        raise CredentialsNotFound(
            "no Alibaba Cloud credentials found. Tried, in order: "
            + "; ".join(f"{number}. {what}" for number, what in enumerate(tried, 1))
            + ". Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile with "
            "`aliyun configure`. To work without a cloud account, run the fake cloud (python -m fake_api) and "
            "set CDK_CLONE_ENDPOINT=http://127.0.0.1:PORT with ALIBABA_CLOUD_ACCESS_KEY_ID=testid and "
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET=testsecret."
        )


class RefreshingCredentials:
    """Temporary credentials that renew themselves from their source before they expire (thread-safe).

    The API client asks :meth:`current` before each request: a long deploy outlives one STS token.
    """

    def __init__(self, source: CredentialSource, first: ResolvedCredentials) -> None:
        self._source = source
        self._resolved = first
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        return self._resolved.source

    def current(self) -> Credentials:
        with self._lock:
            expiration = self._resolved.expiration
            if expiration is not None and time.time() >= expiration - REFRESH_MARGIN_SECONDS:
                renewed = self._source.load()
                if renewed is None:
                    raise CredentialsNotFound(f"{self._source.describe()} no longer gives credentials")
                self._resolved = renewed
            return self._resolved.credentials
