"""The ``ecsclone`` provider: its arguments, its API client, and the list of resource types it serves."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from tf.iface import Config, DataSource, Resource
from tf.schema import Schema
from tf.types import Unknown
from tf.utils import Diagnostics

from cdk_clone.schema import PROVIDER, PROVIDER_LOCAL_NAME, PROVIDER_SOURCE

from ._schema_bridge import tf_schema

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient, Credentials, CredentialsSupply

__all__ = ["FULL_NAME", "EcsClonePlugin"]

FULL_NAME = f"registry.terraform.io/{PROVIDER_SOURCE}"

_DEFAULT_POLL_INTERVAL = 2.0


class EcsClonePlugin:
    """The Terraform plugin serving ``ecsclone_*`` resources, behind ``tf``'s servicer (see ``main``).

    Terraform configures it once per process (``provider "ecsclone" { region = "cn-hangzhou" }``); every
    resource then reaches the API through :attr:`client`.

    Example::

        from cdk_clone.provider._runner import serve
        from cdk_clone.provider._servicer import EcsCloneServicer
        serve(EcsCloneServicer(EcsClonePlugin()), full_name=FULL_NAME, argv=sys.argv)
    """

    def __init__(self) -> None:
        self._client: AlibabaCloudClient | None = None
        self._region = ""
        self._lock = threading.Lock()
        self.poll_interval = _DEFAULT_POLL_INTERVAL
        # Who the objects this provider creates belong to (see cdk_clone.ownership); set by configure_provider.
        self.deployment = ""

    # ---- tf.iface.Provider ---------------------------------------------------------------------------

    def full_name(self) -> str:
        return FULL_NAME

    def get_model_prefix(self) -> str:
        return f"{PROVIDER_LOCAL_NAME}_"

    def get_provider_schema(self, diags: Diagnostics) -> Schema:
        return tf_schema(PROVIDER)

    def validate_config(self, diags: Diagnostics, config: Config) -> None:
        region = config.get("region")
        if isinstance(region, str) and (not region or region != region.strip() or " " in region):
            diags.add_error(
                "Invalid region",
                f"region = {region!r} is not a region ID: use one such as cn-hangzhou.",
                path=["region"],
            )
        deployment = config.get("deployment")
        if isinstance(deployment, str) and not deployment.strip():
            diags.add_error(
                "Invalid deployment",
                "deployment is empty: leave it out (the working directory names the deployment) or give a name.",
                path=["deployment"],
            )
        endpoint = config.get("endpoint")
        if isinstance(endpoint, str) and endpoint and not endpoint.startswith(("http://", "https://")):
            diags.add_error(
                "Invalid endpoint",
                f"endpoint = {endpoint!r} must be a URL such as http://127.0.0.1:8080.",
                path=["endpoint"],
            )

    def configure_provider(self, diags: Diagnostics, config: Config) -> None:
        from cdk_clone.api import POLL_INTERVAL_ENV, AlibabaCloudClient, poll_interval

        region = config.get("region")
        if not isinstance(region, str) or not region:
            diags.add_error(
                "Missing region", "Set region in the ecsclone provider block, e.g. cn-hangzhou.", ["region"]
            )
            return
        try:
            self.poll_interval = poll_interval(_DEFAULT_POLL_INTERVAL)
        except ValueError as error:
            diags.add_error(f"Invalid {POLL_INTERVAL_ENV}", f"{error}; unset it or write e.g. 0.5.")
            return
        credentials = _credentials(diags, config)
        if credentials is None:
            return
        with self._lock:
            self._region = region
            # Without a deployment name, the directory Terraform runs in (the provider's working directory)
            # tells this configuration's objects from another's.
            self.deployment = _given(config.get("deployment")) or f"dir:{os.getcwd()}"
            self._client = AlibabaCloudClient(region, credentials=credentials, endpoint=_given(config.get("endpoint")))

    def get_resources(self) -> list[type[Resource]]:
        from .image import ImageResource
        from .image_copy import ImageCopyResource
        from .instance_group import InstanceGroupResource
        from .security_group import SecurityGroupResource
        from .security_group_rule import SecurityGroupRuleResource
        from .vpc import VpcResource
        from .vswitch import VSwitchResource

        resources: list[Any] = [
            ImageResource,
            ImageCopyResource,
            VpcResource,
            VSwitchResource,
            SecurityGroupResource,
            SecurityGroupRuleResource,
            InstanceGroupResource,
        ]
        return resources

    def get_data_sources(self) -> list[type[DataSource]]:
        from .instance_data import InstanceDataSource

        data_sources: list[Any] = [InstanceDataSource]
        return data_sources

    def get_functions(self) -> list[Any]:
        return []

    def new_resource(self, klass: type[Resource]) -> Resource:
        return klass(self)

    def new_data_source(self, klass: type[DataSource]) -> DataSource:
        return klass(self)

    # ---- what resources use --------------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        """Whether ``configure_provider`` has given this plugin a client."""
        return self._client is not None

    @property
    def client(self) -> AlibabaCloudClient:
        """The configured API client; resources are only called after ``configure_provider``."""
        if self._client is None:
            raise RuntimeError("the ecsclone provider was used before Terraform configured it")
        return self._client

    @property
    def region(self) -> str:
        return self._region


def _given(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value is not Unknown else None


def _credentials(diags: Diagnostics, config: Config) -> Credentials | CredentialsSupply | None:
    """The provider's credentials: its arguments, then Alibaba's chain (see cdk_clone.credentials).

    Loaded here, not at start-up: Terraform starts the provider several times per run, and most starts
    (schema, validation) never configure it. A failure is reported naming every source tried.
    """
    from cdk_clone.api import CredentialsNotFound
    from cdk_clone.credentials import AssumeRole, CredentialSettings, resolve_credentials

    role_block = config.get("assume_role")
    if isinstance(role_block, list):  # a single block may arrive as a list of one
        role_block = role_block[0] if role_block else None
    assume_role = None
    if isinstance(role_block, dict) and _given(role_block.get("role_arn")):
        expiration = role_block.get("session_expiration")
        assume_role = AssumeRole(
            str(role_block["role_arn"]),
            session_name=_given(role_block.get("session_name")),
            session_expiration=int(expiration) if isinstance(expiration, int | float) else None,
            policy=_given(role_block.get("policy")),
            external_id=_given(role_block.get("external_id")),
        )
    settings = CredentialSettings(
        access_key=_given(config.get("access_key")),
        secret_key=_given(config.get("secret_key")),
        security_token=_given(config.get("security_token")),
        profile=_given(config.get("profile")),
        shared_credentials_file=_given(config.get("shared_credentials_file")),
        ecs_role_name=_given(config.get("ecs_role_name")),
        assume_role=assume_role,
        sts_endpoint=_given(config.get("sts_endpoint")),
    )
    try:
        return resolve_credentials(settings)
    except CredentialsNotFound as error:
        diags.add_error("No usable Alibaba Cloud credentials", str(error))
        return None
