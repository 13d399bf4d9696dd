"""The owner key, ownership tags and ClientTokens: derived from the configuration alone, the same on every run,
and acceptable to Alibaba (tag limits, token length)."""

from __future__ import annotations

import pytest

from cdk_clone.ownership import (
    DEPLOYMENT_TAG,
    MAX_USER_TAGS,
    ORIGIN_TAG,
    OWNER_TAG,
    RESERVED_TAG_COUNT,
    Ownership,
    deployment_key,
    describe_owner,
    is_ownership_tag,
)

STATE = "clones@local:/home/alice/app/terraform.clones.tfstate"


def test_the_same_configuration_gives_the_same_key_and_token_on_every_run() -> None:
    first = Ownership(STATE, "clones/web/Image/Image")
    again = Ownership(STATE, "clones/web/Image/Image")
    assert first.key == again.key and len(first.key) == 32
    assert first.client_token("CreateImage") == again.client_token("CreateImage", 0)
    assert first.tags()[DEPLOYMENT_TAG] == deployment_key(STATE)


def test_another_checkout_another_owner_or_another_generation_differ() -> None:
    mine = Ownership(STATE, "clones/web/Image/Image")
    other_checkout = Ownership("clones@local:/home/bob/app/terraform.clones.tfstate", "clones/web/Image/Image")
    other_resource = Ownership(STATE, "clones/web/Image/Copy")
    assert len({mine.key, other_checkout.key, other_resource.key}) == 3
    assert mine.deployment_key != other_checkout.deployment_key
    tokens = {mine.client_token("CreateImage", g) for g in range(5)} | {mine.client_token("CopyImage", 0)}
    assert len(tokens) == 6
    # Parts are separated: moving a character from one part to the other is another owner.
    assert Ownership("ab", "c").key != Ownership("a", "bc").key


def test_tokens_fit_the_api() -> None:
    token = Ownership(STATE * 10, "x" * 500).client_token("RunInstances", 7, "i-1,i-2", "5")
    assert len(token) <= 64 and token.isascii() and token.startswith("cdkc-")
    with pytest.raises(ValueError, match="generation"):
        Ownership(STATE, "a").client_token("CreateVpc", -1)


@pytest.mark.parametrize(
    ("deployment", "owner"),
    [
        (STATE, "clones/web/Instances"),
        ("aliyun-stack@prod", "aliyun/web"),
        ("acs:x@http://state.example/remote", "Acs:web"),
        ("s" * 300, "o" * 300),
    ],
)
def test_tags_are_valid_alibaba_tags(deployment: str, owner: str) -> None:
    tags = Ownership(deployment, owner).tags()
    assert list(tags) == [OWNER_TAG, DEPLOYMENT_TAG, ORIGIN_TAG] and len(tags) == RESERVED_TAG_COUNT
    for key, value in tags.items():
        assert 1 <= len(key) <= 128 and not key.lower().startswith(("aliyun", "acs:"))
        assert len(value) <= 128 and not value.lower().startswith(("aliyun", "acs:"))
        assert "http://" not in value and "https://" not in value


def test_the_origin_tag_says_whose_an_object_is() -> None:
    owned = Ownership(STATE, "clones/web/Image/Image")
    assert owned.origin == f"clones/web/Image/Image @ {STATE}"
    assert describe_owner(owned.tags()) == f"owned by clones/web/Image/Image @ {STATE}"
    assert describe_owner({OWNER_TAG: "abc"}) == "owned by cdk-clone owner key abc"
    assert "no cdk-clone owner tag" in describe_owner({"env": "prod"})


def test_the_user_keeps_seventeen_tags_and_the_ownership_tags_are_recognised() -> None:
    assert (RESERVED_TAG_COUNT, MAX_USER_TAGS) == (3, 17)
    assert all(is_ownership_tag(k) for k in Ownership(STATE, "a").tags())
    assert not is_ownership_tag("env")


def test_a_child_is_owned_by_its_parent_in_the_same_deployment() -> None:
    parent = Ownership(STATE, "clones/web/Instances")
    child = parent.child("image")
    assert child.deployment == STATE and child.owner == "clones/web/Instances#image" and child.key != parent.key


def test_an_ownership_needs_both_parts() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        Ownership("", "clones/web")
