"""Reads shared by the resources of one provider process: look-ups by ID batched into one call, and one
answer for everyone asking the same question at the same time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cdk_clone.provider._batching import IdBatcher, SharedAnswers


class Calls:
    def __init__(self, known: set[str]) -> None:
        self.known = known
        self.made: list[list[str]] = []

    def fetch(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        self.made.append(ids)
        return {i: {"Id": i} for i in ids if i in self.known}


def test_look_ups_made_together_share_one_call_and_each_gets_its_own_objects() -> None:
    calls = Calls({"i-1", "i-2", "i-3"})
    first_waits = threading.Event()

    def window(seconds: float) -> None:
        # The first look-up's window lasts until the two others have joined its batch.
        first_waits.set()
        for _ in range(1000):
            if len(batcher._open.ids if batcher._open else ()) == 4:
                return
            threading.Event().wait(0.01)

    batcher = IdBatcher(calls.fetch, window=0.05, sleep=window)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(batcher.get, ["i-1"])
        assert first_waits.wait(10)
        others = [pool.submit(batcher.get, ids) for ids in (["i-2", "gone"], ["i-3"])]
        answers = [first.result(), *(f.result() for f in others)]
    assert calls.made == [["gone", "i-1", "i-2", "i-3"]]
    assert answers == [{"i-1": {"Id": "i-1"}}, {"i-2": {"Id": "i-2"}}, {"i-3": {"Id": "i-3"}}]


def test_ids_that_do_not_fit_go_in_the_next_call() -> None:
    calls = Calls({f"i-{n}" for n in range(8)})
    batcher = IdBatcher(calls.fetch, most=5, window=0)
    assert len(batcher.get([f"i-{n}" for n in range(5)])) == 5
    assert len(batcher.get([f"i-{n}" for n in range(5, 8)])) == 3
    assert [len(c) for c in calls.made] == [5, 3]
    with pytest.raises(ValueError, match="at most 5 IDs"):
        batcher.get([f"i-{n}" for n in range(6)])


def test_a_full_batch_does_not_wait_for_company() -> None:
    waited: list[float] = []
    batcher = IdBatcher(Calls(set()).fetch, most=2, sleep=waited.append)
    batcher.get(["i-1", "i-2"])
    batcher.get(["i-3"])
    assert waited == [0.05]


def test_a_failed_call_fails_every_look_up_of_its_batch() -> None:
    ready = threading.Barrier(2)

    def fetch(ids: list[str]) -> dict[str, dict[str, Any]]:
        raise RuntimeError(f"no answer for {','.join(ids)}")

    batcher = IdBatcher(fetch, window=0, sleep=lambda seconds: ready.wait(10))

    def look_up(instance_id: str) -> str:
        if instance_id == "i-2":
            ready.wait(10)
        try:
            batcher.get([instance_id])
        except RuntimeError as error:
            return str(error)
        return "answered"

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(look_up, ["i-1", "i-2"])) == ["no answer for i-1,i-2"] * 2


def test_one_answer_for_everyone_asking_while_it_is_fresh() -> None:
    now = [0.0]
    shared = SharedAnswers(ttl=30, clock=lambda: now[0])
    fetched: list[int] = []
    gate = threading.Event()

    def fetch() -> int:
        gate.wait(10)
        fetched.append(len(fetched))
        return len(fetched)

    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(shared.get, "stock", fetch) for _ in range(5)]
        gate.set()
        assert {f.result() for f in futures} == {1}
    assert fetched == [0], "the askers waited for the one fetch"
    now[0] = 29.0
    assert shared.get("stock", fetch) == 1
    now[0] = 31.0
    assert shared.get("stock", fetch) == 2, "a stale answer is fetched again"
    assert shared.get("other", fetch) == 3, "each question its own answer"


def test_a_failed_fetch_is_not_remembered() -> None:
    shared = SharedAnswers()
    with pytest.raises(RuntimeError):
        shared.get("k", lambda: (_ for _ in ()).throw(RuntimeError("throttled")))
    assert shared.get("k", lambda: "fine") == "fine"
