"""A deployment's objects, listed once by the command and handed to the provider of the same run.

Before a deploy, ``cdk-clone`` lists every object carrying the stack's deployment tag, per region and kind
(to say what an interrupted run left, see :mod:`cdk_clone.cli._untracked`). The provider's adoption look-up
(:func:`cdk_clone.provider._adoption.deployment_owners`) makes the very same listings a moment later. So the
command writes the owner keys it found to a file named by ``CDK_CLONE_OWNED_LISTING`` in the provider's
environment, just before Terraform runs, and the provider takes them instead of listing again.

The provider takes a listing only when it is fresh (younger than its shared answers' lifetime) and was made
for the same account at the same endpoint, by a digest of both; anything else, and it lists by itself, as it
always can. The command removes the file once its run ends.

Example::

    write_owned_listings(path, [OwnedListing("cn-shanghai", reach, deployment_key, "instance", frozenset())])
    read_owned_listings(path, max_age=30.0)      # the same listings, with their age; [] when stale or unreadable
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OWNED_LISTING_ENV", "OwnedListing", "reach_digest", "read_owned_listings", "write_owned_listings"]

#: The environment variable naming the file (set by ``cdk-clone`` for the provider it starts).
OWNED_LISTING_ENV = "CDK_CLONE_OWNED_LISTING"


@dataclass(frozen=True)
class OwnedListing:
    """The owner keys carried by a deployment's objects of one kind in one region (the provider's kind names:
    ``instance``, ``image``, ``securitygroup``, ``vswitch``, ``vpc``); ``reach`` is :func:`reach_digest`."""

    region: str
    reach: str
    deployment_key: str
    kind: str
    owners: frozenset[str]
    age: float = 0.0


def reach_digest(endpoint: str, access_key_id: str) -> str:
    """Which account at which endpoint a listing was made for, without writing the access key to disk."""
    return hashlib.sha256(f"{endpoint}\n{access_key_id}".encode()).hexdigest()


def write_owned_listings(path: Path, listings: Iterable[OwnedListing], *, clock: float | None = None) -> None:
    """Write ``listings`` (made just now) to ``path``, replacing it at once: a reader never sees half a file."""
    document = {
        "taken": time.time() if clock is None else clock,
        "listings": [
            {"region": o.region, "reach": o.reach, "deployment": o.deployment_key, "kind": o.kind, "owners": sorted(o.owners)}
            for o in listings
        ],
    }
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document))
    os.replace(partial, path)


def read_owned_listings(path: Path, *, max_age: float, clock: float | None = None) -> list[OwnedListing]:
    """The listings in ``path`` younger than ``max_age`` seconds, each with its age; none when the file is
    missing, unreadable or stale."""
    try:
        document = json.loads(path.read_text())
        age = (time.time() if clock is None else clock) - float(document["taken"])
        entries = document["listings"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if not 0 <= age < max_age or not isinstance(entries, list):
        return []
    listings = []
    for entry in entries:
        try:
            owners = entry["owners"]
            if not isinstance(owners, list):
                continue
            listings.append(
                OwnedListing(
                    str(entry["region"]), str(entry["reach"]), str(entry["deployment"]), str(entry["kind"]),
                    frozenset(str(o) for o in owners), age,
                )
            )
        except (KeyError, TypeError):
            continue
    return listings
