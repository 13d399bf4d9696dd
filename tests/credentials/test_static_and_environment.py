"""Access keys from the provider's arguments and from the environment, in both naming schemes."""

from __future__ import annotations

import pytest
from alibabacloud_credentials.provider import EnvironmentVariableCredentialsProvider
from alibabacloud_credentials.utils import auth_util

from cdk_clone.api import Credentials, CredentialsNotFound
from cdk_clone.credentials import CredentialSettings, credentials_chain, resolve_credentials


def test_alibaba_cloud_names_as_alibabas_sdk_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    environ = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "id1", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s1",
               "ALIBABA_CLOUD_SECURITY_TOKEN": "t1"}
    # Alibaba's own library (which reads the variables when it is imported) finds the same keys.
    for name, value in (("environment_access_key_id", "id1"), ("environment_access_key_secret", "s1"),
                        ("environment_security_token", "t1")):
        monkeypatch.setattr(auth_util, name, value)
    theirs = EnvironmentVariableCredentialsProvider().get_credentials()
    ours = resolve_credentials(environ=environ)
    assert ours == Credentials(theirs.get_access_key_id(), theirs.get_access_key_secret(), theirs.get_security_token())


def test_alicloud_names_that_terraform_users_set() -> None:
    environ = {"ALICLOUD_ACCESS_KEY": "id2", "ALICLOUD_SECRET_KEY": "s2", "ALICLOUD_SECURITY_TOKEN": "t2"}
    assert resolve_credentials(environ=environ) == Credentials("id2", "s2", "t2")


def test_order_provider_arguments_then_alibaba_then_alicloud_names() -> None:
    environ = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "id1", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s1",
               "ALICLOUD_ACCESS_KEY": "id2", "ALICLOUD_SECRET_KEY": "s2"}
    assert resolve_credentials(environ=environ) == Credentials("id1", "s1")
    given = CredentialSettings(access_key="id0", secret_key="s0")
    assert resolve_credentials(given, environ) == Credentials("id0", "s0")
    resolved = credentials_chain(given, environ).resolve()
    assert resolved.source == "provider arguments access_key/secret_key"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "id1"}, "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"),
        ({"ALICLOUD_SECRET_KEY": "s2"}, "ALICLOUD_SECRET_KEY is set but ALICLOUD_ACCESS_KEY is not"),
    ],
)
def test_half_a_key_pair_is_an_error_not_a_fallback(environ: dict[str, str], message: str) -> None:
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(environ={**environ, "HOME": "/nonexistent"})
    assert message in str(error.value)


def test_nothing_found_names_every_source_tried_in_order(tmp_path: object) -> None:
    with pytest.raises(CredentialsNotFound) as error:
        resolve_credentials(environ={"HOME": "/nonexistent"})
    text = str(error.value)
    assert text.startswith("no Alibaba Cloud credentials found. Tried, in order: ")
    expected = [
        "1. provider arguments access_key/secret_key",
        "2. environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "3. environment ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY",
        "4. ECS instance RAM role (ALICLOUD_ECS_ROLE_NAME/ALIBABA_CLOUD_ECS_METADATA",
        "5. OIDC role (environment ALIBABA_CLOUD_ROLE_ARN/ALIBABA_CLOUD_OIDC_PROVIDER_ARN/ALIBABA_CLOUD_OIDC_TOKEN_FILE)",
        "6. profile current of /nonexistent/.aliyun/config.json",
    ]
    positions = [text.index(part) for part in expected]
    assert positions == sorted(positions)
    assert "python -m fake_api" in text
