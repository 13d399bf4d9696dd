"""Alibaba's naming rules and batch patterns, as the constructs, the provider and verify use them."""

from __future__ import annotations

import pytest

from cdk_clone.naming import (
    NameRuleError,
    batch_pattern,
    check_host_name,
    check_instance_name,
    check_tags,
    expand_name,
    follows_pattern,
)


def test_one_clone_keeps_the_sources_name_and_a_batch_numbers_it() -> None:
    assert batch_pattern("web-1", amount=1) == "web-1"
    pattern = batch_pattern("web-1", amount=3)
    assert pattern == "web-1-[1,3]"
    assert [expand_name(pattern, i) for i in range(3)] == ["web-1-001", "web-1-002", "web-1-003"]
    assert all(follows_pattern(pattern, expand_name(pattern, i)) for i in range(3))
    assert not follows_pattern(pattern, "web-1")


def test_a_name_with_a_pattern_is_kept() -> None:
    assert batch_pattern("node-[6,4]", amount=3) == "node-[6,4]"
    assert expand_name("node-[6,4]", 1) == "node-0007"
    assert expand_name("n[]", 0) == "n000000"


def test_a_long_source_name_is_shortened_so_every_clone_name_fits() -> None:
    pattern = batch_pattern("w" * 128, amount=100)
    check_instance_name(pattern, amount=100)
    assert len(expand_name(pattern, 99)) == 128
    windows = batch_pattern("WEB-SERVER-0001", amount=3, max_length=15)
    assert windows == "WEB-SERVER-[1,3]" and len(expand_name(windows, 2)) == 14
    check_host_name(windows, amount=3, windows=True)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("web.example.com", r"no period"),
        ("webserver-production", r"of 20 characters; a Windows host name has 2 to 15"),
        ("123456", r"cannot be all digits"),
        ("web--1", r"single hyphens"),
    ],
)
def test_windows_host_names(name: str, message: str) -> None:
    check_host_name("web.example.com", amount=1)  # fine for Linux
    with pytest.raises(NameRuleError, match=message):
        check_host_name(name, amount=1, windows=True)


def test_a_pattern_is_checked_for_its_longest_name() -> None:
    check_host_name("web-[1,2]", amount=99, windows=True)
    check_host_name("web-server-[1,3]", amount=100, windows=True)  # web-server-100: 14 characters
    with pytest.raises(NameRuleError, match=r"'web-servers-0001' of 16 characters"):
        check_host_name("web-servers-[1,4]", amount=100, windows=True)


def test_reserved_tags_come_off_alibabas_twenty() -> None:
    tags = {f"k{n}": "v" for n in range(19)}
    check_tags(tags, reserved=1)
    with pytest.raises(NameRuleError, match=r"has 19 tags; an instance takes at most 18 \(2 of Alibaba's 20"):
        check_tags(tags, reserved=2)
    # By default the ownership tags cdk-clone sets on every clone are reserved (cdk_clone.ownership).
    check_tags({f"k{n}": "v" for n in range(17)})
    with pytest.raises(NameRuleError, match=r"has 19 tags; an instance takes at most 17 \(3 of Alibaba's 20"):
        check_tags(tags)
    with pytest.raises(NameRuleError, match=r"key 'cdk-clone:owner' starts with a reserved prefix"):
        check_tags({"cdk-clone:owner": "mine"})
