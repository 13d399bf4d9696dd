"""SSH key pair actions: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPairs."""

from __future__ import annotations

import json
from typing import Any

from ..exceptions import DryRunOperation, InvalidKeyPairNamesValueNotSupported
from ..models.key_pairs import KeyPair
from .base import ECS_VERSION, Request, action, paged

__all__ = ["render_key_pair"]


def render_key_pair(key: KeyPair, include_public_key: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "KeyPairName": key.name,
        "KeyPairFingerPrint": key.fingerprint,
        "CreationTime": key.creation_time,
        "ResourceGroupId": key.resource_group_id,
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in key.tags.items()]},
    }
    if include_public_key:
        body["PublicKey"] = key.public_key
    return body


@action(ECS_VERSION, "CreateKeyPair")
def create_key_pair(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    name = p.required("KeyPairName")
    if p.boolean("DryRun"):
        backend.check_new_key_pair(name, p.text("ResourceGroupId"), p.tags())
        raise DryRunOperation()
    key, private_pem = backend.create_key_pair(name, p.text("ResourceGroupId"), p.tags())
    return {
        "KeyPairId": key.key_pair_id,
        "KeyPairName": key.name,
        "KeyPairFingerPrint": key.fingerprint,
        "PrivateKeyBody": private_pem,
    }


@action(ECS_VERSION, "ImportKeyPair")
def import_key_pair(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    name, public_key = p.required("KeyPairName"), p.required("PublicKeyBody")
    if p.boolean("DryRun"):
        backend.check_new_key_pair(name, p.text("ResourceGroupId"), p.tags(), public_key)
        raise DryRunOperation()
    key = backend.import_key_pair(name, public_key, p.text("ResourceGroupId"), p.tags())
    return {"KeyPairName": key.name, "KeyPairFingerPrint": key.fingerprint}


@action(ECS_VERSION, "DescribeKeyPairs")
def describe_key_pairs(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    selection = backend.describe_key_pairs(
        name=p.text("KeyPairName"),
        fingerprint=p.text("KeyPairFingerPrint"),
        resource_group_id=p.text("ResourceGroupId"),
        tags=p.tag_filters(),
    )
    include_public_key = p.boolean("IncludePublicKey")

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        return [render_key_pair(k, include_public_key) for k in selection.page(offset, size)]

    keys, paging = paged(p, selection.total, rows, max_size=50)
    return {"KeyPairs": {"KeyPair": keys}, **paging}


@action(ECS_VERSION, "DeleteKeyPairs")
def delete_key_pairs(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    text = p.required("KeyPairNames")
    try:
        names: Any = json.loads(text)
    except (ValueError, RecursionError):
        names = [n.strip() for n in text.split(",") if n.strip()]  # the API also takes names separated by commas
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not (1 <= len(names) <= 100):
        raise InvalidKeyPairNamesValueNotSupported(
            'KeyPairNames must be a JSON array of 1 to 100 key pair names, e.g. ["deploy-key"].'
        )
    backend.delete_key_pairs(names, dry_run=p.boolean("DryRun"))
    return {}
