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
    from cdk_clone.api import AlibabaCloudClient

__all__ = ["FULL_NAME", "EcsClonePlugin"]

FULL_NAME = f"registry.terraform.io/{PROVIDER_SOURCE}"

_ACCESS_KEY_ENV = "ALIBABA_CLOUD_ACCESS_KEY_ID"
_SECRET_KEY_ENV = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
_TOKEN_ENV = "ALIBABA_CLOUD_SECURITY_TOKEN"
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
        endpoint = config.get("endpoint")
        if isinstance(endpoint, str) and endpoint and not endpoint.startswith(("http://", "https://")):
            diags.add_error(
                "Invalid endpoint",
                f"endpoint = {endpoint!r} must be a URL such as http://127.0.0.1:8080.",
                path=["endpoint"],
            )

    def configure_provider(self, diags: Diagnostics, config: Config) -> None:
        from cdk_clone.api import POLL_INTERVAL_ENV, AlibabaCloudClient, Credentials, poll_interval

        region = config.get("region")
        if not isinstance(region, str) or not region:
            diags.add_error(
                "Missing region", "Set region in the ecsclone provider block, e.g. cn-hangzhou.", ["region"]
            )
            return
        access_key = _given(config.get("access_key")) or os.environ.get(_ACCESS_KEY_ENV)
        secret_key = _given(config.get("secret_key")) or os.environ.get(_SECRET_KEY_ENV)
        if not access_key or not secret_key:
            missing = [name for name, value in (("access_key", access_key), ("secret_key", secret_key)) if not value]
            diags.add_error(
                "Missing Alibaba Cloud credentials",
                f"No {' or '.join(missing)} for the ecsclone provider: set {_ACCESS_KEY_ENV} and "
                f"{_SECRET_KEY_ENV} in the environment, or access_key and secret_key in the provider block.",
                path=[missing[0]],
            )
            return
        try:
            self.poll_interval = poll_interval(_DEFAULT_POLL_INTERVAL)
        except ValueError as error:
            diags.add_error(f"Invalid {POLL_INTERVAL_ENV}", f"{error}; unset it or write e.g. 0.5.")
            return
        credentials = Credentials(access_key, secret_key, os.environ.get(_TOKEN_ENV) or None)
        with self._lock:
            self._region = region
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
