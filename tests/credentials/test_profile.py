"""Profiles of ~/.aliyun/config.json, in each mode the Alibaba Cloud CLI writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from alibabacloud_credentials.provider import CLIProfileCredentialsProvider
from conftest import ROLE, instance_ids, write_profiles

from cdk_clone.api import Credentials, CredentialsNotFound
from cdk_clone.credentials import CredentialSettings, RefreshingCredentials, resolve_credentials
from fake_api.server import RunningFake

AK = {"name": "default", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret",
      "region_id": "cn-hangzhou"}
STS_TOKEN = {"name": "temp", "mode": "StsToken", "access_key_id": "STS.x", "access_key_secret": "s", "sts_token": "t"}


def _config(environ: dict[str, str]) -> Path:
    return Path(environ["HOME"]) / ".aliyun" / "config.json"


@pytest.mark.parametrize("profile", [AK, STS_TOKEN], ids=["AK", "StsToken"])
def test_static_modes_match_alibabas_own_reading(fake_env: dict[str, str], profile: dict[str, str]) -> None:
    path = write_profiles(_config(fake_env), AK, STS_TOKEN, current=profile["name"])
    theirs = CLIProfileCredentialsProvider(profile_name=profile["name"], profile_file=str(path)).get_credentials()
    ours = resolve_credentials(environ=fake_env)
    assert ours == Credentials(theirs.get_access_key_id(), theirs.get_access_key_secret(),
                               theirs.get_security_token() or None)


def test_the_profile_is_chosen_by_argument_then_environment_then_current(fake_env: dict[str, str]) -> None:
    write_profiles(_config(fake_env), AK, STS_TOKEN, current="default")
    assert resolve_credentials(environ=fake_env) == Credentials("testid", "testsecret")
    assert resolve_credentials(environ={**fake_env, "ALICLOUD_PROFILE": "temp"}).access_key_id == "STS.x"
    assert resolve_credentials(environ={**fake_env, "ALIBABA_CLOUD_PROFILE": "temp"}).access_key_id == "STS.x"
    by_argument = resolve_credentials(CredentialSettings(profile="default"), {**fake_env, "ALIBABA_CLOUD_PROFILE": "temp"})
    assert by_argument == Credentials("testid", "testsecret")


def test_a_shared_credentials_file_elsewhere(fake_env: dict[str, str], tmp_path: Path) -> None:
    path = write_profiles(tmp_path / "team" / "config.json", AK)
    assert resolve_credentials(CredentialSettings(shared_credentials_file=str(path)), fake_env).access_key_id == "testid"
    assert resolve_credentials(environ={**fake_env, "ALICLOUD_SHARED_CREDENTIALS_FILE": str(path)}).access_key_id == "testid"


def test_a_named_profile_that_does_not_exist_lists_the_ones_there(fake_env: dict[str, str]) -> None:
    write_profiles(_config(fake_env), AK, STS_TOKEN)
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(environ={**fake_env, "ALIBABA_CLOUD_PROFILE": "prod"})
    assert "no profile 'prod'" in str(error.value) and "profiles there: default, temp" in str(error.value)


def test_a_named_profile_without_a_file_says_how_to_make_one(fake_env: dict[str, str]) -> None:
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(environ={**fake_env, "ALIBABA_CLOUD_PROFILE": "prod"})
    assert "config.json does not exist: create it with `aliyun configure`" in str(error.value)


def test_an_unsupported_mode_says_which_are_read(fake_env: dict[str, str]) -> None:
    write_profiles(_config(fake_env), {"name": "sso", "mode": "CloudSSO"})
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(environ=fake_env)
    assert "uses mode CloudSSO, which cdk-clone does not read" in str(error.value)
    assert "AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC" in str(error.value)


def test_ram_role_arn_mode_assumes_the_role_through_sts(fake_cloud: RunningFake, fake_env: dict[str, str]) -> None:
    role = {**AK, "name": "role", "mode": "RamRoleArn", "ram_role_arn": ROLE, "ram_session_name": "ci",
            "expired_seconds": 900}
    write_profiles(_config(fake_env), role)
    credentials = resolve_credentials(environ=fake_env)
    assert isinstance(credentials, RefreshingCredentials)
    assert credentials.current().access_key_id.startswith("STS.")
    assert "RAM role acs:ram::1234567890123456:role/cloner" in credentials.source
    # The temporary keys act in the account that assumed the role: they see its instances.
    assert instance_ids(fake_cloud, credentials) == instance_ids(fake_cloud, Credentials("testid", "testsecret"))
    assert fake_cloud.calls(action="AssumeRole")[-1]["params"]["RoleSessionName"] == "ci"


def test_chainable_ram_role_arn_mode_starts_from_its_source_profile(
    fake_cloud: RunningFake, fake_env: dict[str, str]
) -> None:
    chained = {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "default", "ram_role_arn": ROLE}
    write_profiles(_config(fake_env), AK, chained, current="chained")
    credentials = resolve_credentials(environ=fake_env)
    assert isinstance(credentials, RefreshingCredentials) and credentials.current().access_key_id.startswith("STS.")
    looping = {**chained, "name": "loop", "source_profile": "loop"}
    write_profiles(_config(fake_env), looping)
    with pytest.raises(CredentialsNotFound, match="loop -> loop form a loop"):
        resolve_credentials(environ=fake_env)


def test_ecs_ram_role_mode_reads_the_metadata_service(fake_cloud: RunningFake, fake_env: dict[str, str]) -> None:
    write_profiles(_config(fake_env), {"name": "on-ecs", "mode": "EcsRamRole", "ram_role_name": "EcsInstanceRoleDemo"})
    credentials = resolve_credentials(environ=fake_env)
    assert isinstance(credentials, RefreshingCredentials)
    assert instance_ids(fake_cloud, credentials)
