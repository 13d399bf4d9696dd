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

Asynchronous operations take the ``fast`` profile's time (a few hundred milliseconds to a few seconds), as a
client sees them on Alibaba Cloud, only shorter. A test that wants another profile says so with a marker::

    @pytest.mark.fake_profile("instant")                        # everything done when the call returns
    @pytest.mark.fake_profile("realistic", time_scale=1 / 60)   # an image in 10 s, a launch in 4 s
    def test_something(fake_cloud): ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the server module imports Flask: only load it when a fixture is actually used
    from fake_api.server import RunningFake

__all__ = ["fake_cloud", "fake_cloud_empty", "fake_cloud_env", "pytest_configure"]

PROFILE_MARKER = "fake_profile"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{PROFILE_MARKER}(name, time_scale=1.0): the fake_cloud fixtures use this time profile "
        "(instant, fast or realistic) instead of fast",
    )


def _reset(server: RunningFake, seed: str, request: pytest.FixtureRequest) -> RunningFake:
    server.reset(seed=seed)
    marker = request.node.get_closest_marker(PROFILE_MARKER)
    if marker is not None:
        server.set_profile(*marker.args, **marker.kwargs)
    return server


@pytest.fixture(scope="session")
def _fake_cloud_server() -> Iterator[RunningFake]:
    from fake_api.server import serve

    with serve(seed="demo") as running:
        yield running


@pytest.fixture
def fake_cloud(_fake_cloud_server: RunningFake, request: pytest.FixtureRequest) -> RunningFake:
    """The session's fake cloud on loopback, reset to the ``demo`` seed, no faults, empty call log, ``fast``
    profile (or the ``fake_profile`` marker's)."""
    return _reset(_fake_cloud_server, "demo", request)


@pytest.fixture
def fake_cloud_empty(_fake_cloud_server: RunningFake, request: pytest.FixtureRequest) -> RunningFake:
    """The same server as ``fake_cloud``, reset to the ``empty`` seed (regions and catalogue, no resources)."""
    return _reset(_fake_cloud_server, "empty", request)


# Variables through which credentials or an endpoint of a real cloud could reach code under test. The fixture
# below removes them, so the credential chain of the code under test finds the fake's keys and nothing else.
_CLOUD_VARIABLES = (
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_ROLE_ARN",
    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    "ALIBABA_CLOUD_ECS_METADATA",
    "ALICLOUD_ACCESS_KEY",
    "ALICLOUD_SECRET_KEY",
    "ALICLOUD_SECURITY_TOKEN",
    "ALICLOUD_PROFILE",
    "ALICLOUD_ASSUME_ROLE_ARN",
    "ALICLOUD_ECS_ROLE_NAME",
    "ALICLOUD_SHARED_CREDENTIALS_FILE",
    "ALICLOUD_STS_ENDPOINT",
)


@pytest.fixture
def fake_cloud_env(
    fake_cloud: RunningFake, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> RunningFake:
    """``fake_cloud``, with the environment pointing every Alibaba Cloud call of the test at it.

    Sets ``CDK_CLONE_ENDPOINT`` (ECS, VPC, STS), ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``_SECRET`` (the fake's
    keys), quick polling, and a fresh ``CDK_CLONE_CONTEXT_FILE`` (look-ups are not cached between tests);
    removes every other credential variable. A CDK app synthesized in the test (``Testing.synth``, or
    ``cdk-clone deploy``) then reads its sources from the fake, and deploys there. Everything is restored
    after the test.

    Example::

        def test_two_clones(fake_cloud_env):
            app = Testing.app()
            ...
    """
    monkeypatch.setenv("CDK_CLONE_ENDPOINT", fake_cloud.url)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fake_cloud.access_key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fake_cloud.access_key_secret)
    monkeypatch.setenv("CDK_CLONE_POLL_INTERVAL", "0.05")
    monkeypatch.setenv("CDK_CLONE_CONTEXT_FILE", str(tmp_path_factory.mktemp("cdk-clone") / "cdk-clone.context.json"))
    for name in _CLOUD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return fake_cloud
