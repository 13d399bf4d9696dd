"""Alibaba Cloud credentials, found the way the alicloud Terraform provider and Alibaba's SDKs find them.

Sources, in order (see :func:`credentials_chain`): the provider's arguments, the environment
(``ALIBABA_CLOUD_*`` and ``ALICLOUD_*``), the ECS instance's RAM role, an OIDC role, a profile of
``~/.aliyun/config.json`` (modes AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC); then,
with ``assume_role``, a RAM role assumed through STS. Temporary credentials renew themselves before they
expire. ``CDK_CLONE_ENDPOINT`` sends STS and metadata-service calls to the fake too. An error names every
source tried, or the one that failed and why.

Example::

    from cdk_clone.credentials import CredentialSettings, resolve_credentials
    credentials = resolve_credentials()                             # from the environment and profiles
    credentials = resolve_credentials(CredentialSettings(profile="prod"))
"""

from __future__ import annotations

from ._base import CredentialsChain, CredentialSource, RefreshingCredentials, ResolvedCredentials, SourceFailed
from ._default import AssumeRole, CredentialSettings, credentials_chain, resolve_credentials
from ._ecs_role import EcsRoleSource
from ._endpoints import metadata_endpoint, sts_endpoint
from ._oidc import OidcRoleSource
from ._profile import ProfileSource, default_config_path
from ._ram_role import RamRoleSource
from ._static import ENVIRONMENT_NAMES, StaticSource, environment_sources

__all__ = [
    "ENVIRONMENT_NAMES",
    "AssumeRole",
    "CredentialSettings",
    "CredentialSource",
    "CredentialsChain",
    "EcsRoleSource",
    "OidcRoleSource",
    "ProfileSource",
    "RamRoleSource",
    "RefreshingCredentials",
    "ResolvedCredentials",
    "SourceFailed",
    "StaticSource",
    "credentials_chain",
    "default_config_path",
    "environment_sources",
    "metadata_endpoint",
    "resolve_credentials",
    "sts_endpoint",
]
