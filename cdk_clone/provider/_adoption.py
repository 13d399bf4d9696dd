"""Creating objects that can be found again: ownership tags, ClientTokens by generation, adoption.

Every resource type that creates objects follows the same three steps when its configuration names an
``owner`` (see :mod:`cdk_clone.ownership`):

1. **adopt**: look for an object carrying the owner key (:func:`find_owned`); one an interrupted run made is
   taken over instead of making another. The look-up costs O(regions), not O(resources): one listing of the
   deployment's objects per region and kind, shared by the resources of the provider process asking while it
   is fresh, tells whether anything carries the owner key; only then is the owner key asked for itself;
2. **create by generation** (:func:`create_by_generation`): the ClientToken is derived from the owner key and a
   generation, so a create repeated after a crash returns the object the first call made; when the token
   answers with an object that is gone (the resource was replaced: taint, ``-replace``, a force-new change),
   the next generation's token makes a new one;
3. **tag**: the object is created with the ownership tags (``Tag.N``), so step 1 finds it next time.

Without an owner, a create sends a random ClientToken (retries inside one call stay idempotent) and no tags.

Example::

    ownership = ownership_of(self, planned)
    found = find_owned(self.client, "vpc", ownership) if ownership else []
    vpc_id = found[0]["VpcId"] if found else create_by_generation(
        ownership, "CreateVpc",
        create=lambda token: self.client.vpc("CreateVpc", {..., "ClientToken": token}, idempotent=True)["VpcId"],
        exists=lambda vpc_id: self._describe(vpc_id) is not None,
        pause=self.provider.poll_interval,
    )
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from cdk_clone.ownership import DEPLOYMENT_TAG, OWNER_TAG, OWNERSHIP_TAG_KEYS, Ownership, describe_owner

from ._batching import answers
from ._resource import ResourceError, is_known

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

    from ._resource import EcsCloneResource

__all__ = [
    "MAX_GENERATIONS",
    "OwnedKind",
    "create_by_generation",
    "deployment_owners",
    "find_owned",
    "object_tags",
    "other_owner_error",
    "ownership_of",
    "ownership_tags",
    "retag_owner",
]

OwnedKind = Literal["image", "vpc", "vswitch", "securitygroup", "instance"]

#: Replacements of one resource a create looks past before giving up (each costs one create call answered
#: from the API's token memory and one describe).
MAX_GENERATIONS = 100
# How often a create's answer is looked for before it counts as gone: a new object may take a moment to show.
_PROBES = 3

# kind -> (service, describe action, items path, extra describe parameters)
_DESCRIBE: Mapping[OwnedKind, tuple[str, str, str, Mapping[str, Any]]] = {
    "image": (
        "ecs",
        "DescribeImages",
        "Images.Image",
        {"ImageOwnerAlias": "self", "Status": "Creating,Waiting,Available,UnAvailable,CreateFailed,Deprecated"},
    ),
    "vpc": ("vpc", "DescribeVpcs", "Vpcs.Vpc", {}),
    "vswitch": ("vpc", "DescribeVSwitches", "VSwitches.VSwitch", {}),
    "securitygroup": ("ecs", "DescribeSecurityGroups", "SecurityGroups.SecurityGroup", {}),
    "instance": ("ecs", "DescribeInstances", "Instances.Instance", {}),
}
# kind -> (service, ResourceType, untag action)
_TAGGING: Mapping[OwnedKind, tuple[str, str, str]] = {
    "image": ("ecs", "image", "UntagResources"),
    "securitygroup": ("ecs", "securitygroup", "UntagResources"),
    "instance": ("ecs", "instance", "UntagResources"),
    "vpc": ("vpc", "VPC", "UnTagResources"),
    "vswitch": ("vpc", "VSWITCH", "UnTagResources"),
}
_TAG_RESOURCES_PER_CALL = 50


def ownership_of(resource: EcsCloneResource, values: Mapping[str, Any]) -> Ownership | None:
    """The ownership of the object ``values`` (a plan or a state) describe: its owner in the provider's deployment,
    or None when the configuration names no owner."""
    owner = values.get("owner")
    if not is_known(owner) or not str(owner).strip():
        return None
    return Ownership(resource.provider.deployment, str(owner))


def ownership_tags(ownership: Ownership | None) -> list[dict[str, str]]:
    """``Tag.N`` parameters of a create: the ownership tags, or none."""
    return [{"Key": k, "Value": v} for k, v in ownership.tags().items()] if ownership else []


def object_tags(described: Mapping[str, Any]) -> dict[str, str]:
    """An object's tags from a describe answer (ECS writes TagKey/TagValue, the VPC API Key/Value)."""
    tags: dict[str, str] = {}
    for tag in (described.get("Tags") or {}).get("Tag", []) or []:
        key = tag.get("TagKey", tag.get("Key"))
        if key:
            tags[str(key)] = str(tag.get("TagValue", tag.get("Value", "")) or "")
    return tags


def find_owned(
    client: AlibabaCloudClient,
    kind: OwnedKind,
    ownership: Ownership,
    *,
    region_id: str | None = None,
    within: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The objects of ``kind`` that carry ``ownership``'s owner key, oldest first (``within`` narrows the search,
    e.g. ``{"VpcId": ...}``).

    Nothing is asked for the owner key alone unless the deployment's listing (:func:`deployment_owners`) names
    it: a first deploy, where nothing is to be adopted, costs one listing per region and kind, not one describe
    per resource. When it does, the owner key is asked for afresh (the listing may be a few seconds old: the
    object it saw may have been deleted or retagged since, by a replacement in this very apply).
    """
    if ownership.key not in deployment_owners(client, kind, ownership.deployment_key, region_id=region_id):
        return []
    service, action, items, extra = _DESCRIBE[kind]
    params = {**extra, **(within or {}), "Tag": ownership.tag_filter()}
    found = client.paginate(service, action, params, items=items, region_id=region_id)
    # The filter is the API's; checking the tag again keeps a describe that ignores it from adopting strangers.
    return [o for o in found if object_tags(o).get(OWNER_TAG) == ownership.key]


def take_owned_listings(client: AlibabaCloudClient) -> int:
    """Hold, as :func:`deployment_owners`' answers, the listings the command made just before this run (see
    :mod:`cdk_clone._owned_listings`): those made for this client's account and endpoint, while fresh. How many
    were taken."""
    from pathlib import Path

    from cdk_clone._owned_listings import OWNED_LISTING_ENV, reach_digest, read_owned_listings

    path = os.environ.get(OWNED_LISTING_ENV)
    if not path:
        return 0
    shared = answers(client)
    taken = 0
    reaches: dict[str, str] = {}
    for listing in read_owned_listings(Path(path), max_age=shared.ttl):
        if listing.kind not in _DESCRIBE:
            continue
        if listing.region not in reaches:
            try:
                reaches[listing.region] = reach_digest(*client.reach("ecs", listing.region))
            except Exception:  # noqa: BLE001 - the listings only save calls: on any trouble, the provider lists itself
                return taken
        if listing.reach != reaches[listing.region]:
            continue
        shared.put(("owned", listing.kind, listing.region, listing.deployment_key), listing.owners, age=listing.age)
        taken += 1
    return taken


def deployment_owners(
    client: AlibabaCloudClient, kind: OwnedKind, deployment_key: str, *, region_id: str | None = None
) -> frozenset[str]:
    """The owner keys carried by the objects of ``kind`` that carry ``deployment_key`` in the region: one
    listing (by the deployment tag), shared by every resource of the provider process that asks while it is
    fresh (:func:`cdk_clone.provider._batching.answers`; forgotten when another
    Terraform run or walk connects: see :mod:`cdk_clone.provider._connections`).

    A listing made during a run cannot hide what an interrupted run left: that existed before this run began.
    What appears after the listing is this run's own making, under other owner keys (no two resources share
    one), or the late landing of an interrupted run's create, which the same ClientToken answers with
    (:func:`create_by_generation`).
    """
    service, action, items, extra = _DESCRIBE[kind]
    region = region_id or client.region_id

    def listing() -> frozenset[str]:
        params = {**extra, "Tag": [{"Key": DEPLOYMENT_TAG, "Value": deployment_key}]}
        found = client.paginate(service, action, params, items=items, region_id=region)
        # The filter is the API's; checking the tag again keeps a describe that ignores it from naming strangers.
        tagged = (object_tags(o) for o in found)
        return frozenset(t[OWNER_TAG] for t in tagged if t.get(DEPLOYMENT_TAG) == deployment_key and OWNER_TAG in t)

    return answers(client).get(("owned", kind, region, deployment_key), listing)


def create_by_generation(
    ownership: Ownership | None,
    purpose: str,
    *,
    create: Callable[[str | None], str],
    exists: Callable[[str], bool],
    pause: float,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """The ID of a new object: ``create(token)`` with the ClientToken of generation 0, 1, ... until its answer
    names an object that exists.

    A token the API remembers answers with the object it made then: after a crash that is the object to
    take over; after a replacement it is the object just deleted, and the next generation is tried. A token
    refused as ``IdempotentParameterMismatch`` (made for other parameters) is passed over too. Without an
    ownership, ``create(None)`` is called once (the client draws a random token).
    """
    from cdk_clone.api import ApiError

    if ownership is None:
        return create(None)
    for generation in range(MAX_GENERATIONS):
        try:
            object_id = create(ownership.client_token(purpose, generation))
        except ApiError as error:
            if error.code == "IdempotentParameterMismatch":
                continue
            raise
        if _shows_up(exists, object_id, pause, sleep):
            return object_id
    raise ResourceError(
        f"{purpose}: no free ClientToken after {MAX_GENERATIONS} generations",
        f"Each of the first {MAX_GENERATIONS} ClientTokens of {ownership.origin} answers with an object that no "
        "longer exists (the resource was replaced that many times). Give the resource another owner.",
        path=["owner"],
    )


def _shows_up(exists: Callable[[str], bool], object_id: str, pause: float, sleep: Callable[[float], None]) -> bool:
    for attempt in range(_PROBES):
        if exists(object_id):
            return True
        if attempt < _PROBES - 1:
            sleep(pause)
    return False


def other_owner_error(what: str, name: str, object_id: str, tags: Mapping[str, str], attribute: str) -> ResourceError:
    """The error for a name held by an object this resource does not own: whose it is, and what to do."""
    return ResourceError(
        f"The {what} name {name} is taken by {object_id}, which is not this resource's",
        f"{object_id} is {describe_owner(tags)}. It is never adopted. If it is a leftover of yours, delete it; if "
        "another checkout of this project deploys under the same identity, give each checkout its own (set "
        "CDK_CLONE_DEPLOYMENT, or the cdktf.json context key cdk-clone:deployment, or the provider's deployment); "
        f"or set {attribute} to another name.",
        path=[attribute],
    )


def retag_owner(
    client: AlibabaCloudClient,
    kind: OwnedKind,
    object_ids: list[str],
    ownership: Ownership | None,
    *,
    region_id: str | None = None,
) -> None:
    """Make ``object_ids`` carry ``ownership``'s tags (or, with None, none of the ownership tags): an owner
    changed in the configuration."""
    service, resource_type, untag = _TAGGING[kind]
    for start in range(0, len(object_ids), _TAG_RESOURCES_PER_CALL):
        chunk = object_ids[start : start + _TAG_RESOURCES_PER_CALL]
        if ownership is None:
            client.call(
                service,
                untag,
                {"ResourceType": resource_type, "ResourceId": chunk, "TagKey": list(OWNERSHIP_TAG_KEYS)},
                region_id=region_id,
            )
        else:
            client.call(
                service,
                "TagResources",
                {"ResourceType": resource_type, "ResourceId": chunk, "Tag": ownership_tags(ownership)},
                region_id=region_id,
            )
