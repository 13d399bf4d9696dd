"""What every action handler receives, and the registry that maps (version, action) to a handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exceptions import InvalidInstanceIdNotFound, InvalidParameter
from .params import Params

if TYPE_CHECKING:
    from ..models import FakeCloud
    from ..models.region import RegionBackend

__all__ = [
    "ACTIONS",
    "ECS_VERSION",
    "VPC_VERSION",
    "Handler",
    "Request",
    "action",
    "encode_token",
    "page_window",
    "paged",
    "token_window",
]

ECS_VERSION = "2014-05-26"
VPC_VERSION = "2016-04-28"


@dataclass(slots=True)
class Request:
    """One call: the cloud, the caller's AccessKeyId and the parameters."""

    cloud: FakeCloud
    access_key_id: str
    action: str
    params: Params

    def backend(self, region_param: str = "RegionId") -> RegionBackend:
        return self.cloud.backend(self.access_key_id, self.params.required(region_param))

    def backend_for_instance(self) -> RegionBackend:
        """The region of ``InstanceId`` (see :meth:`backend_holding`); an unknown instance is refused."""
        backend = self.backend_holding("InstanceId", lambda b, instance_id: instance_id in b.instances)
        if backend is None:
            raise InvalidInstanceIdNotFound(f"The instance {self.params.required('InstanceId')[:80]!r} does not exist.")
        return backend

    def backend_holding(self, id_param: str, holds: Callable[[RegionBackend, str], bool]) -> RegionBackend | None:
        """The region of the resource ``id_param`` names, or None when no region holds it.

        Actions such as StartInstance or DeleteDisk take no RegionId: the endpoint is regional. The fake serves
        every region on one endpoint, so it uses RegionId when given, else looks the resource up in each region.
        """
        if "RegionId" in self.params:
            return self.backend()
        resource_id = self.params.required(id_param)
        account = self.cloud.accounts.get(self.access_key_id)
        for backend in (account.regions.values() if account else ()):
            backend.settle()  # a resource whose deletion is over is gone
            if holds(backend, resource_id):
                return backend
        return None


Handler = Callable[[Request], dict[str, Any]]

#: (version, action) -> handler; filled by the modules of this package as they are imported.
ACTIONS: dict[tuple[str, str], Handler] = {}


def action(version: str, name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ACTIONS[(version, name)] = handler
        return handler

    return register


def page_window(params: Params, *, default_size: int = 10, max_size: int = 100) -> tuple[int, int, int]:
    """(offset, PageNumber, PageSize) from PageNumber/PageSize."""
    number = params.integer("PageNumber", 1, low=1, high=10**9)
    size = params.integer("PageSize", default_size, low=1, high=max_size)
    assert number is not None and size is not None
    return (number - 1) * size, number, size


def token_window(params: Params, *, default_size: int = 10, max_size: int = 100) -> tuple[int, int] | None:
    """(offset, MaxResults) when the caller pages with NextToken/MaxResults, else None."""
    if "NextToken" not in params and "MaxResults" not in params:
        return None
    size = params.integer("MaxResults", default_size, low=1, high=max_size)
    assert size is not None
    token = params.text("NextToken")
    offset = 0
    if token is not None:
        offset = _decode_token(token)
    return offset, size


_TOKEN_PREFIX = "ntk"


def encode_token(offset: int) -> str:
    return f"{_TOKEN_PREFIX}{offset:012x}"


def _decode_token(token: str) -> int:
    body = token[len(_TOKEN_PREFIX):]
    if not token.startswith(_TOKEN_PREFIX) or len(body) != 12 or not all(c in "0123456789abcdef" for c in body):
        raise InvalidParameter(f"The NextToken {token[:40]!r} is not one this service returned: start again without it.")
    return int(body, 16)


def paged(
    params: Params,
    total: int,
    rows: Callable[[int, int], list[dict[str, Any]]],
    *,
    default_size: int = 10,
    max_size: int = 100,
    allow_token: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Apply PageNumber/PageSize (or NextToken/MaxResults) and return (rows, paging fields of the answer)."""
    window = token_window(params, default_size=default_size, max_size=max_size) if allow_token else None
    if window is not None:
        offset, size = window
        page = rows(offset, size)
        next_offset = offset + len(page)
        fields: dict[str, Any] = {
            "TotalCount": total,
            "NextToken": encode_token(next_offset) if next_offset < total else "",
            "MaxResults": size,
        }
        return page, fields
    offset, number, size = page_window(params, default_size=default_size, max_size=max_size)
    return rows(offset, size), {"TotalCount": total, "PageNumber": number, "PageSize": size}
