"""Reads shared by the resources of one provider process: batched by ID, or made once for everyone.

Terraform applies each resource on its own, so twenty images read their twenty source instances, and
twenty instance groups ask for the same stock and the same vSwitch, each with its own call. Here:

* :class:`IdBatcher`: look-ups by ID made at about the same time (within ``window`` seconds) go out as one
  call of up to 100 IDs (DescribeInstances ``InstanceIds``, DescribeImages ``ImageId``); each caller gets
  the objects it asked for. Polls of objects created together share their calls the same way.
* :class:`SharedAnswers`: one answer per key for everyone who asks while it is fresh (``ttl``), and
  callers asking while it is being fetched wait for that fetch instead of making their own.

Both are per API client (one client per region and credentials): see :func:`batcher` and :func:`answers`.

Example::

    found = batcher(client, "DescribeInstances", fetch_instances).get(["i-1", "i-2"])
    stock = answers(client).get(("stock", zone_id), lambda: client.ecs("DescribeAvailableResource", ...))
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = ["BATCH_WINDOW", "IdBatcher", "SharedAnswers", "answers", "batcher", "forget_answers"]

T = TypeVar("T")
Items = dict[str, dict[str, Any]]

# How long the first look-up of a batch waits for others: resources Terraform starts together call within
# milliseconds of each other.
BATCH_WINDOW = 0.05
_MOST_IDS = 100


@dataclass
class _Batch:
    ids: set[str] = field(default_factory=set)
    done: threading.Event = field(default_factory=threading.Event)
    found: Items = field(default_factory=dict)
    error: BaseException | None = None


class IdBatcher:
    """Look-ups by ID gathered into calls of up to ``most`` IDs; ``fetch(ids)`` makes one such call and
    returns the objects found, by ID (absent ones are left out)."""

    def __init__(
        self,
        fetch: Callable[[list[str]], Items],
        *,
        most: int = _MOST_IDS,
        window: float = BATCH_WINDOW,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._fetch = fetch
        self.most = most
        self.window = window
        self._sleep = sleep
        self._lock = threading.Lock()
        self._open: _Batch | None = None

    def get(self, ids: list[str]) -> Items:
        """The objects among ``ids`` that exist, by ID (at most ``most`` IDs)."""
        wanted = set(ids)
        if len(wanted) > self.most:
            raise ValueError(f"at most {self.most} IDs a look-up, got {len(wanted)}")
        with self._lock:
            batch = self._open
            leader = batch is None or len(batch.ids | wanted) > self.most
            if leader:
                batch = self._open = _Batch()
            assert batch is not None
            batch.ids |= wanted
        if leader:
            if len(wanted) < self.most:  # a full batch has no room for anyone: no wait
                self._sleep(self.window)
            with self._lock:
                if self._open is batch:
                    self._open = None
            try:
                batch.found = self._fetch(sorted(batch.ids))
            except BaseException as error:  # noqa: BLE001 - every caller of the batch gets it, re-raised below
                batch.error = error
            finally:
                batch.done.set()
        else:
            batch.done.wait()
        if batch.error is not None:
            raise batch.error
        return {i: batch.found[i] for i in wanted if i in batch.found}


class SharedAnswers:
    """One answer per key while it is fresh; concurrent askers of a key wait for one fetch."""

    def __init__(self, *, ttl: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._answers: dict[Hashable, tuple[float, Any]] = {}
        self._fetching: dict[Hashable, threading.Lock] = {}

    def put(self, key: Hashable, value: Any, *, age: float = 0.0) -> None:
        """Hold ``value`` for ``key`` as an answer fetched ``age`` seconds ago (it goes stale that much sooner)."""
        with self._lock:
            self._answers[key] = (self._clock() - age, value)

    def get(self, key: Hashable, fetch: Callable[[], T]) -> T:
        with self._lock:
            fetching = self._fetching.setdefault(key, threading.Lock())
        with fetching:  # one fetch per key at a time: the others then find its answer
            with self._lock:
                cached = self._answers.get(key)
            if cached is not None and self._clock() - cached[0] < self.ttl:
                value: T = cached[1]
                return value
            value = fetch()
            with self._lock:
                self._answers[key] = (self._clock(), value)
            return value


_batchers: weakref.WeakKeyDictionary[AlibabaCloudClient, dict[str, IdBatcher]] = weakref.WeakKeyDictionary()
_answers: weakref.WeakKeyDictionary[AlibabaCloudClient, SharedAnswers] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def batcher(client: AlibabaCloudClient, kind: str, fetch: Callable[[list[str]], Items]) -> IdBatcher:
    """The batcher of ``kind`` look-ups (e.g. ``"DescribeInstances|cn-hangzhou"``) of ``client``."""
    with _registry_lock:
        by_kind = _batchers.setdefault(client, {})
        found = by_kind.get(kind)
        if found is None:
            found = by_kind[kind] = IdBatcher(fetch)
        return found


def forget_answers(client: AlibabaCloudClient) -> None:
    """Drop every shared answer of ``client``: a new Terraform run (a shared provider serves several with one
    client) reads the cloud afresh."""
    with _registry_lock:
        _answers.pop(client, None)


def answers(client: AlibabaCloudClient) -> SharedAnswers:
    """The shared answers of ``client``."""
    with _registry_lock:
        found = _answers.get(client)
        if found is None:
            found = _answers[client] = SharedAnswers()
        return found
