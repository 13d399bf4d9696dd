"""The provider serves as many calls at once as Terraform sends: a call waiting for a slow object holds
no thread another call needs (``tf``'s own server has a fixed pool of 10)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import grpc

from cdk_clone.provider._runner import new_server

CALLS = 25


def test_25_calls_that_wait_for_each_other_are_all_served_at_once() -> None:
    # Every call waits until all 25 are in progress: with a fixed pool of 10 threads the 11th never starts
    # and the barrier breaks; served at once, all of them pass it.
    barrier = threading.Barrier(CALLS, timeout=30)

    def wait_for_the_others(request: bytes, context: object) -> bytes:
        barrier.wait()
        return request

    handler = grpc.method_handlers_generic_handler(
        "test.Waiting", {"Wait": grpc.unary_unary_rpc_method_handler(wait_for_the_others)}
    )
    server, _ = new_server()
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = channel.unary_unary("/test.Waiting/Wait")
            with ThreadPoolExecutor(CALLS) as callers:
                answers = list(callers.map(lambda n: call(bytes([n]), timeout=60), range(CALLS)))
        assert answers == [bytes([n]) for n in range(CALLS)]
        assert not barrier.broken
    finally:
        server.stop(grace=0)
