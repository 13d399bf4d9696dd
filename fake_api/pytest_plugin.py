"""pytest fixtures for code that talks to Alibaba Cloud ECS/VPC: a fake cloud on a loopback port.

Installed with the package (entry point ``pytest11``), so any test can ask for the fixtures:

    def test_lists_regions(fake_cloud):
        client = make_my_client(endpoint=fake_cloud.endpoint,
                                access_key_id=fake_cloud.access_key_id,
                                access_key_secret=fake_cloud.access_key_secret)
        ...
        assert fake_cloud.calls(action="DescribeRegions")

One server is started per test session (starting one per test would dominate the run time); before
each test its state is reset to the seed and its faults and call log are cleared, so tests stay
independent of each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the server module imports Flask: only load it when a fixture is actually used
    from fake_api.server import RunningFake

__all__ = ["fake_cloud", "fake_cloud_empty"]


@pytest.fixture(scope="session")
def _fake_cloud_server() -> Iterator[RunningFake]:
    from fake_api.server import serve

    with serve(seed="demo") as running:
        yield running


@pytest.fixture
def fake_cloud(_fake_cloud_server: RunningFake) -> RunningFake:
    """The session's fake cloud on loopback, reset to the ``demo`` seed, no faults, empty call log."""
    _fake_cloud_server.reset(seed="demo")
    return _fake_cloud_server


@pytest.fixture
def fake_cloud_empty(_fake_cloud_server: RunningFake) -> RunningFake:
    """The same server as ``fake_cloud``, reset to the ``empty`` seed (regions and catalogue, no resources)."""
    _fake_cloud_server.reset(seed="empty")
    return _fake_cloud_server
