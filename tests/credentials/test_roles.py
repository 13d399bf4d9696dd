"""RAM roles through STS (assume_role, OIDC) and the ECS instance's role, against the fake."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import ROLE, instance_ids

from cdk_clone.api import ApiError, CredentialsNotFound
from cdk_clone.credentials import (
    AssumeRole,
    CredentialSettings,
    EcsRoleSource,
    RefreshingCredentials,
    ResolvedCredentials,
    credentials_chain,
    resolve_credentials,
)
from fake_api.server import RunningFake

BASE = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "testid", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "testsecret"}
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl"


def test_assume_role_block_signs_assume_role_with_the_keys_found(fake_cloud: RunningFake, fake_env: dict[str, str]) -> None:
    settings = CredentialSettings(assume_role=AssumeRole(ROLE, session_name="deploy", session_expiration=900))
    credentials = resolve_credentials(settings, {**fake_env, **BASE})
    assert isinstance(credentials, RefreshingCredentials)
    assert credentials.source.startswith("RAM role acs:ram::1234567890123456:role/cloner (provider assume_role")
    assert credentials.source.endswith("with environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    call = fake_cloud.calls(action="AssumeRole")[-1]
    assert call["params"]["DurationSeconds"] == "900"
    assert instance_ids(fake_cloud, credentials)


def test_alicloud_assume_role_variables(fake_cloud: RunningFake, fake_env: dict[str, str]) -> None:
    environ = {**fake_env, **BASE, "ALICLOUD_ASSUME_ROLE_ARN": ROLE, "ALICLOUD_ASSUME_ROLE_SESSION_NAME": "nightly"}
    credentials = resolve_credentials(environ=environ)
    assert isinstance(credentials, RefreshingCredentials)
    assert fake_cloud.calls(action="AssumeRole")[-1]["params"]["RoleSessionName"] == "nightly"


def test_a_refused_role_names_the_source_and_sts_answer(fake_env: dict[str, str]) -> None:
    settings = CredentialSettings(assume_role=AssumeRole("acs:ram::123:user/not-a-role"))
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(settings, {**fake_env, **BASE})
    text = str(error.value)
    assert "RAM role acs:ram::123:user/not-a-role (provider assume_role" in text
    assert "STS AssumeRole at http://127.0.0.1:" in text and "InvalidParameter" in text


def test_assume_role_without_base_keys_lists_what_was_tried(fake_env: dict[str, str]) -> None:
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(CredentialSettings(assume_role=AssumeRole(ROLE)), fake_env)
    assert "no credentials to call AssumeRole with: no Alibaba Cloud credentials found. Tried, in order:" in str(error.value)


def test_temporary_credentials_renew_before_they_expire(fake_cloud: RunningFake, fake_env: dict[str, str]) -> None:
    chain = credentials_chain(CredentialSettings(assume_role=AssumeRole(ROLE)), {**fake_env, **BASE})
    first = chain.resolve()
    assert first.expiration is not None and first.expiration > time.time() + 3000
    # Credentials near their expiration are replaced by new ones from the same role, before a call fails.
    dying = ResolvedCredentials(first.credentials, first.source, time.time() + 60)
    fake_cloud.cloud.sts.expire(first.credentials.access_key_id)
    renewing = RefreshingCredentials(chain, dying)
    assert renewing.current().access_key_id != first.credentials.access_key_id
    assert instance_ids(fake_cloud, renewing)


def test_expired_temporary_credentials_are_refused_by_the_fake(fake_cloud: RunningFake, fake_env: dict[str, str]) -> None:
    resolved = credentials_chain(CredentialSettings(assume_role=AssumeRole(ROLE)), {**fake_env, **BASE}).resolve()
    fake_cloud.cloud.sts.expire(resolved.credentials.access_key_id)
    with pytest.raises(ApiError) as refused:
        instance_ids(fake_cloud, resolved.credentials)
    assert refused.value.code == "InvalidSecurityToken.Expired"


def test_ecs_instance_role_named_in_the_environment(fake_cloud: RunningFake, fake_env: dict[str, str]) -> None:
    for name in ("ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA"):
        credentials = resolve_credentials(environ={**fake_env, name: "EcsInstanceRoleDemo"})
        assert isinstance(credentials, RefreshingCredentials) and instance_ids(fake_cloud, credentials)
    by_argument = resolve_credentials(CredentialSettings(ecs_role_name="EcsInstanceRoleDemo"), fake_env)
    assert isinstance(by_argument, RefreshingCredentials)


def test_a_wrong_instance_role_name_is_reported(fake_env: dict[str, str]) -> None:
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(environ={**fake_env, "ALICLOUD_ECS_ROLE_NAME": "Nope"})
    assert "answered HTTP 404 for role 'Nope'" in str(error.value)
    assert "check the role name attached to the instance" in str(error.value)


def test_no_metadata_service_says_where_this_source_works() -> None:
    # A closed loopback port stands for a machine that is not an ECS instance.
    source = EcsRoleSource("role", where="test", environ={"CDK_CLONE_ENDPOINT": "http://127.0.0.1:9"})
    with pytest.raises(Exception, match="only works on an ECS instance with a RAM role"):
        source.load()


def test_oidc_role_from_the_environment(fake_cloud: RunningFake, fake_env: dict[str, str], tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(JWT)
    environ = {
        **fake_env,
        "ALIBABA_CLOUD_ROLE_ARN": ROLE,
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1234567890123456:oidc-provider/ack",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE": str(token_file),
        "ALIBABA_CLOUD_ROLE_SESSION_NAME": "pod-1",
    }
    credentials = resolve_credentials(environ=environ)
    assert isinstance(credentials, RefreshingCredentials) and instance_ids(fake_cloud, credentials)
    assert fake_cloud.calls(action="AssumeRoleWithOIDC")[-1]["params"]["RoleSessionName"] == "pod-1"

    token_file.unlink()
    with pytest.raises(CredentialsNotFound, match="cannot read the OIDC token file"):
        resolve_credentials(environ=environ)
    del environ["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"]
    with pytest.raises(CredentialsNotFound, match="ALIBABA_CLOUD_OIDC_PROVIDER_ARN not set"):
        resolve_credentials(environ=environ)


def test_sts_goes_where_it_is_told(fake_env: dict[str, str]) -> None:
    from cdk_clone.credentials import sts_endpoint

    assert sts_endpoint("sts.example.test", {}) == "https://sts.example.test"
    assert sts_endpoint(None, {"ALICLOUD_STS_ENDPOINT": "http://127.0.0.1:1"}) == "http://127.0.0.1:1"
    assert sts_endpoint(None, {"ALIBABA_CLOUD_STS_REGION": "cn-shanghai"}) == "https://sts.cn-shanghai.aliyuncs.com"
    assert sts_endpoint(None, {"ALIBABA_CLOUD_STS_REGION": "cn-shanghai", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED": "true"}) == (
        "https://sts-vpc.cn-shanghai.aliyuncs.com"
    )
    assert sts_endpoint(None, {}) == "https://sts.aliyuncs.com"
    # CDK_CLONE_ENDPOINT sends every call to the fake, STS included.
    assert sts_endpoint("sts.example.test", fake_env) == fake_env["CDK_CLONE_ENDPOINT"]
