"""An httpx client of the Alibaba Cloud ECS and VPC RPC APIs.

It signs requests (V1 HMAC-SHA1 or V3 ACS3-HMAC-SHA256), encodes parameters, maps error answers to
:class:`ApiError`, retries transient failures with the same ``ClientToken``, follows pagination and waits
for asynchronous states.

Example::

    from cdk_clone.api import AlibabaCloudClient, ApiError

    with AlibabaCloudClient("cn-hangzhou") as client:
        try:
            client.ecs("DescribeInstanceAttribute", {"InstanceId": "i-123"})
        except ApiError as error:
            if not error.is_not_found:
                raise
"""

from __future__ import annotations

from ._client import (
    API_VERSIONS,
    ENDPOINT_ENV,
    AlibabaCloudClient,
    Credentials,
    CredentialsSupply,
    Service,
    resolve_endpoint,
)
from ._errors import ApiConnectionError, ApiError, CredentialsNotFound, WaitFailed, WaitTimeout
from ._params import encode_params
from ._retry import (
    CONFLICT_CODES,
    DELETE_DEPENDENCY_CODES,
    INSTANCE_BUSY_CODES,
    NETWORK_BUSY_CODES,
    RetryPolicy,
    retry_while_busy,
)
from ._waiters import POLL_INTERVAL_ENV, SHARED_BACKOFF, PollBackoff, next_pause, percent, poll_interval, wait_for

__all__ = [
    "API_VERSIONS",
    "CONFLICT_CODES",
    "DELETE_DEPENDENCY_CODES",
    "ENDPOINT_ENV",
    "INSTANCE_BUSY_CODES",
    "NETWORK_BUSY_CODES",
    "POLL_INTERVAL_ENV",
    "SHARED_BACKOFF",
    "AlibabaCloudClient",
    "ApiConnectionError",
    "ApiError",
    "Credentials",
    "CredentialsNotFound",
    "CredentialsSupply",
    "PollBackoff",
    "RetryPolicy",
    "Service",
    "WaitFailed",
    "WaitTimeout",
    "encode_params",
    "next_pause",
    "percent",
    "poll_interval",
    "resolve_endpoint",
    "retry_while_busy",
    "wait_for",
]
