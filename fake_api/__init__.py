"""fake_api: a local, wire-faithful fake of Alibaba Cloud ECS and VPC, for tests and demos.

Models hold the cloud's state (``FakeCloud``); a thin Flask layer speaks the real RPC protocol on one
port: signatures V1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256) verified, JSON or XML answers, real error codes.

Example::

    import fake_api

    with fake_api.serve(seed="demo") as fake:
        print(fake.endpoint, fake.access_key_id, fake.access_key_secret)
        ...                                         # point any ECS/VPC client at fake.endpoint
        fake.calls(action="DescribeRegions")        # what was called, with which outcome

In process, without a socket: ``httpx.Client(transport=httpx.WSGITransport(app=fake_api.create_app()))`` or
``RunningFake.wsgi_transport()``. In pytest, use the ``fake_cloud`` fixture.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_api.app import FakeEndpoint, create_app, endpoint_of
    from fake_api.calllog import CallLog
    from fake_api.faults import Fault, FaultInjector, FaultRule, FaultSpecError
    from fake_api.models import FakeCloud
    from fake_api.rpc_client import RpcClient
    from fake_api.server import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, RunningFake, serve

# Names are imported on first use: the pytest plugin imports this package in every pytest run, and
# loading Flask and the models there would slow down (or, mid-change, break) test sessions that never
# use the fake.
_HOMES = {
    "FakeEndpoint": "fake_api.app",
    "create_app": "fake_api.app",
    "endpoint_of": "fake_api.app",
    "CallLog": "fake_api.calllog",
    "Fault": "fake_api.faults",
    "FaultInjector": "fake_api.faults",
    "FaultRule": "fake_api.faults",
    "FaultSpecError": "fake_api.faults",
    "FakeCloud": "fake_api.models",
    "RpcClient": "fake_api.rpc_client",
    "DEFAULT_ACCESS_KEY_ID": "fake_api.server",
    "DEFAULT_ACCESS_KEY_SECRET": "fake_api.server",
    "RunningFake": "fake_api.server",
    "serve": "fake_api.server",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fake_api' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_ACCESS_KEY_SECRET",
    "CallLog",
    "FakeCloud",
    "FakeEndpoint",
    "Fault",
    "FaultInjector",
    "FaultRule",
    "FaultSpecError",
    "RpcClient",
    "RunningFake",
    "create_app",
    "endpoint_of",
    "serve",
]
