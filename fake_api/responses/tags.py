"""Tag actions of both APIs: TagResources, UntagResources (ECS) / UnTagResources (VPC), ListTagResources.

ECS tags instances, images and security groups; the VPC API tags VPCs and vSwitches (its ResourceType is
case-insensitive: ``VPC``, ``VSWITCH``). ListTagResources lists one row per (resource, tag), paged with
NextToken, for the resources named by ``ResourceId.N`` or found by ``Tag.N`` (at least one is needed).
"""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidParameter, MissingParameter
from ..models.region import ECS_TAGGABLE_TYPES, VPC_TAGGABLE_TYPES
from .base import ECS_VERSION, VPC_VERSION, Request, action, encode_token, token_window

__all__: list[str] = []

_MAX_RESOURCES_PER_CALL = 50
_PAGE_SIZE = 50


def _resource_type(request: Request, accepted: tuple[str, ...]) -> str:
    resource_type = request.params.required("ResourceType").lower()
    if resource_type not in accepted:
        raise InvalidParameter(
            f"ResourceType {resource_type[:30]!r} is not supported by {request.action} here: use one of "
            f"{', '.join(accepted)}."
        )
    return resource_type


def _tag(request: Request, accepted: tuple[str, ...]) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    resource_type = _resource_type(request, accepted)
    ids = p.indexed("ResourceId", high=_MAX_RESOURCES_PER_CALL)
    if not ids:
        raise MissingParameter(f"{request.action} needs ResourceId.N.")
    tags = p.tags()
    if not tags:
        raise MissingParameter(f"{request.action} needs Tag.N.Key (and Tag.N.Value).")
    backend.tag_resources(resource_type, ids, tags)
    return {}


def _untag(request: Request, accepted: tuple[str, ...]) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    resource_type = _resource_type(request, accepted)
    ids = p.indexed("ResourceId", high=_MAX_RESOURCES_PER_CALL)
    if not ids:
        raise MissingParameter(f"{request.action} needs ResourceId.N.")
    keys = p.indexed("TagKey", high=20)
    remove_all = p.boolean("All")
    if not keys and not remove_all:
        raise MissingParameter(f"{request.action} needs TagKey.N, or All=true.")
    backend.untag_resources(resource_type, ids, keys, remove_all)
    return {}


def _list(request: Request, accepted: tuple[str, ...], *, type_name: dict[str, str]) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    resource_type = _resource_type(request, accepted)
    ids = p.indexed("ResourceId", high=_MAX_RESOURCES_PER_CALL)
    filters = p.tag_filters()
    if not ids and not filters:
        raise MissingParameter(f"{request.action} needs ResourceId.N or Tag.N.Key.")
    rows = backend.list_tag_resources(resource_type, ids or None, filters)

    # Both APIs page with NextToken only (50 rows a page; the VPC API also takes MaxResults up to 50).
    offset, size = token_window(p, default_size=_PAGE_SIZE, max_size=_PAGE_SIZE) or (0, _PAGE_SIZE)
    found = [
        {"ResourceId": rid, "ResourceType": type_name[rtype], "TagKey": key, "TagValue": value}
        for rid, rtype, key, value in rows[offset : offset + size]
    ]
    next_offset = offset + len(found)
    return {
        "TagResources": {"TagResource": found},
        "NextToken": encode_token(next_offset) if next_offset < len(rows) else "",
    }


@action(ECS_VERSION, "TagResources")
def ecs_tag_resources(request: Request) -> dict[str, Any]:
    return _tag(request, ECS_TAGGABLE_TYPES)


@action(ECS_VERSION, "UntagResources")
def ecs_untag_resources(request: Request) -> dict[str, Any]:
    return _untag(request, ECS_TAGGABLE_TYPES)


@action(ECS_VERSION, "ListTagResources")
def ecs_list_tag_resources(request: Request) -> dict[str, Any]:
    return _list(request, ECS_TAGGABLE_TYPES, type_name={t: t for t in ECS_TAGGABLE_TYPES})


@action(VPC_VERSION, "TagResources")
def vpc_tag_resources(request: Request) -> dict[str, Any]:
    return _tag(request, VPC_TAGGABLE_TYPES)


@action(VPC_VERSION, "UnTagResources")
def vpc_untag_resources(request: Request) -> dict[str, Any]:
    return _untag(request, VPC_TAGGABLE_TYPES)


@action(VPC_VERSION, "ListTagResources")
def vpc_list_tag_resources(request: Request) -> dict[str, Any]:
    return _list(request, VPC_TAGGABLE_TYPES, type_name={t: t.upper() for t in VPC_TAGGABLE_TYPES})
