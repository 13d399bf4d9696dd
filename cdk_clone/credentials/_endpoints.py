"""Where STS and the instance metadata service are: the fake's endpoint when CDK_CLONE_ENDPOINT is set."""

from __future__ import annotations

from collections.abc import Mapping

from cdk_clone.api import ENDPOINT_ENV

__all__ = ["METADATA_URL", "STS_ENDPOINT_ENV", "metadata_endpoint", "sts_endpoint"]

STS_ENDPOINT_ENV = "ALICLOUD_STS_ENDPOINT"
METADATA_URL = "http://100.100.100.200"


def _url(endpoint: str) -> str:
    text = endpoint.strip().rstrip("/")
    return text if "://" in text else f"https://{text}"


def sts_endpoint(explicit: str | None, environ: Mapping[str, str]) -> str:
    """The STS endpoint: ``CDK_CLONE_ENDPOINT`` (every call goes there, STS included), else ``explicit`` (the
    provider's ``sts_endpoint``), else ``ALICLOUD_STS_ENDPOINT``, else the one of ``ALIBABA_CLOUD_STS_REGION``
    (``sts-vpc`` with ``ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true``), else ``https://sts.aliyuncs.com``."""
    for candidate in (environ.get(ENDPOINT_ENV), explicit, environ.get(STS_ENDPOINT_ENV)):
        if candidate:
            return _url(candidate)
    region = environ.get("ALIBABA_CLOUD_STS_REGION")
    if region:
        prefix = "sts-vpc" if environ.get("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "").lower() == "true" else "sts"
        return f"https://{prefix}.{region}.aliyuncs.com"
    return "https://sts.aliyuncs.com"


def metadata_endpoint(environ: Mapping[str, str]) -> str:
    """The instance metadata service: ``CDK_CLONE_ENDPOINT`` (the fake serves its RAM-role paths), else
    ``http://100.100.100.200``."""
    override = environ.get(ENDPOINT_ENV)
    return _url(override) if override else METADATA_URL
