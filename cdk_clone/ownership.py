"""Who made an object: the owner key every object cdk-clone creates carries, and the ClientTokens derived from it.

Terraform records an object in its state only once the provider's create returns, and it saves its state
only from time to time during an apply: a process killed mid-apply (CI job cancelled, ``kill -9``, a laptop
asleep) can leave objects in the cloud that no state names. So what identifies an object must be known
before any state exists, from the configuration alone:

* the **deployment**: one deployment of one stack (cdk-clone's constructs name it ``<stack>@<where its state
  lives>``, or ``<stack>@$CDK_CLONE_DEPLOYMENT``; see :mod:`cdk_clone.constructs` and docs);
* the **owner**: the object's name inside its deployment (the constructs use the construct path).

From the two come the **owner key**, carried by the object as a tag and used to find it again, and the
**ClientToken** of its create (one per generation: a replacement creates generation 1, 2, ...), so a create
repeated after a crash returns the object the first call made instead of making another.

Example::

    owned = Ownership(deployment="clones@local:/src/app/terraform.clones.tfstate", owner="clones/web/Image/Image")
    owned.tags()                   # {'cdk-clone:owner': '<32 hex>', 'cdk-clone:deployment': '<32 hex>',
                                   #  'cdk-clone:origin': 'clones/web/Image/Image @ clones@local:/src/...'}
    owned.client_token("CreateImage", generation=0)   # 'cdkc-<40 hex>', the same on every run
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "DEPLOYMENT_ENV",
    "DEPLOYMENT_TAG",
    "MAX_TAGS_PER_RESOURCE",
    "MAX_USER_TAGS",
    "ORIGIN_TAG",
    "OWNERSHIP_TAG_KEYS",
    "OWNER_TAG",
    "RESERVED_TAG_COUNT",
    "TAG_PREFIX",
    "Ownership",
    "deployment_key",
    "describe_owner",
    "is_ownership_tag",
]

#: The environment variable that names a deployment explicitly (read at synth by the constructs).
DEPLOYMENT_ENV = "CDK_CLONE_DEPLOYMENT"

#: Every tag key cdk-clone sets starts with this; the prefix is reserved.
TAG_PREFIX = "cdk-clone:"
OWNER_TAG = TAG_PREFIX + "owner"
"""Tag holding the owner key (32 hex digits): what a create looks for before making an object."""
DEPLOYMENT_TAG = TAG_PREFIX + "deployment"
"""Tag holding the deployment key (32 hex digits): what ``cdk-clone destroy`` sweeps for orphans."""
ORIGIN_TAG = TAG_PREFIX + "origin"
"""Tag holding ``<owner> @ <deployment>`` for people (and error messages): whose object this is."""
OWNERSHIP_TAG_KEYS: tuple[str, ...] = (OWNER_TAG, DEPLOYMENT_TAG, ORIGIN_TAG)

MAX_TAGS_PER_RESOURCE = 20
"""Alibaba's limit of tags on one resource."""
RESERVED_TAG_COUNT = len(OWNERSHIP_TAG_KEYS)
"""How many of those the ownership tags take on every object cdk-clone makes."""
MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - RESERVED_TAG_COUNT
"""How many tags a user may give a clone (or any object cdk-clone makes)."""

_KEY_DIGITS = 32
_TOKEN_PREFIX = "cdkc-"
_TOKEN_DIGITS = 40  # "cdkc-" + 40 = 45 characters: within the API's 64
_MAX_TAG_VALUE = 128
# Alibaba refuses tag values that start with these, or that hold a URL scheme.
_FORBIDDEN_VALUE_PREFIXES = ("aliyun", "acs:")
_URL_SCHEME = re.compile(r"(?i)https?://")


def _digest(*parts: str) -> str:
    # NUL separates parts: no owner path or deployment holds one, so ("a", "bc") and ("ab", "c") differ.
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def deployment_key(deployment: str) -> str:
    """The value of the deployment tag for ``deployment``: what every object of that deployment carries."""
    return _digest("deployment", deployment)[:_KEY_DIGITS]


def _tag_value(text: str) -> str:
    """``text`` made acceptable as a tag value: no URL scheme, no reserved prefix, at most 128 characters
    (the end is kept: the path's leaf and the state's file name say the most)."""
    value = _URL_SCHEME.sub("", text)
    if value.lower().startswith(_FORBIDDEN_VALUE_PREFIXES):
        value = "/" + value
    if len(value) > _MAX_TAG_VALUE:
        value = "..." + value[-(_MAX_TAG_VALUE - 3) :]
    return value


@dataclass(frozen=True)
class Ownership:
    """One object's owner: ``owner`` (its name in the deployment) in ``deployment``.

    Both must be non-empty; :attr:`key` and every token follow from them alone.
    """

    deployment: str
    owner: str

    def __post_init__(self) -> None:
        if not self.deployment or not self.owner:
            raise ValueError("an Ownership needs a non-empty deployment and owner")

    @property
    def key(self) -> str:
        """The owner key: 32 hex digits, the value of the owner tag."""
        return _digest("owner", self.deployment, self.owner)[:_KEY_DIGITS]

    @property
    def short_key(self) -> str:
        """8 hex digits of the owner key, for names (``TemplateScratch-<source>-<short key>``)."""
        return self.key[:8]

    @property
    def deployment_key(self) -> str:
        return deployment_key(self.deployment)

    @property
    def origin(self) -> str:
        """``<owner> @ <deployment>``, as the origin tag holds it (shortened to fit a tag value)."""
        return _tag_value(f"{self.owner} @ {self.deployment}")

    def tags(self) -> dict[str, str]:
        """The ownership tags the object is created with."""
        return {OWNER_TAG: self.key, DEPLOYMENT_TAG: self.deployment_key, ORIGIN_TAG: self.origin}

    def tag_filter(self) -> list[dict[str, str]]:
        """``Tag.N`` describe filters that find the objects carrying this owner key."""
        return [{"Key": OWNER_TAG, "Value": self.key}]

    def client_token(self, purpose: str, generation: int = 0, *details: str) -> str:
        """The ClientToken of a create: the same for the same owner, purpose (the action, or a finer part such
        as one launch of an instance group), generation and details, on every run."""
        if generation < 0:
            raise ValueError(f"a generation is 0 or more, got {generation}")
        return _TOKEN_PREFIX + _digest("token", self.key, purpose, str(generation), *details)[:_TOKEN_DIGITS]

    def child(self, part: str) -> Ownership:
        """The ownership of an object made on behalf of this one (e.g. a temporary image of an instance group)."""
        return Ownership(self.deployment, f"{self.owner}#{part}")


def is_ownership_tag(key: str) -> bool:
    """Whether a tag key is cdk-clone's own (the ownership tags, and any other ``cdk-clone:`` key it sets for a
    while), not the user's: a clone of a clone does not copy them, and a user may not set them."""
    return key.startswith(TAG_PREFIX)


def describe_owner(tags: Mapping[str, str]) -> str:
    """Whose an object is, from its tags, as an error message says it."""
    origin = tags.get(ORIGIN_TAG)
    if origin:
        return f"owned by {origin}"
    if tags.get(OWNER_TAG):
        return f"owned by cdk-clone owner key {tags[OWNER_TAG]}"
    return "carrying no cdk-clone owner tag (made by hand or by another tool)"
