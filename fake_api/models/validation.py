"""Value rules shared by several resource families: names, descriptions, tags, CIDR blocks."""

from __future__ import annotations

import ipaddress
import re

from ..exceptions import (
    FakeApiError,
    InvalidDescriptionMalformed,
    InvalidHostNameMalformed,
    InvalidImageNameMalformed,
    InvalidInstanceNameMalformed,
    InvalidParameter,
    InvalidSecurityGroupNameMalformed,
    InvalidTagKeyMalformed,
    InvalidTagValueMalformed,
    InvalidVpcNameMalformed,
    InvalidVSwitchNameMalformed,
)

__all__ = [
    "MAX_TAGS",
    "check_description",
    "check_disk_name",
    "check_host_name",
    "check_image_name",
    "check_instance_name",
    "check_resource_tags",
    "check_security_group_name",
    "check_tags",
    "check_vpc_name",
    "check_vswitch_name",
    "letter_name",
    "parse_network",
]

MAX_TAGS = 20

# Letters (any script, as the API accepts Chinese), digits and : _ - . after a leading letter.
_LETTER_NAME = re.compile(r"^[^\W\d_][\w:.\-]*$")
_HOST_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*$")


def _is_url(value: str) -> bool:
    lowered = value.lower()
    return lowered.startswith(("http://", "https://"))


def letter_name(value: str, what: str, error: type[FakeApiError], low: int = 2, high: int = 128) -> None:
    if not (low <= len(value) <= high) or _is_url(value) or not _LETTER_NAME.match(value):
        raise error(
            f"The {what} {value!r} is not valid: it must be {low} to {high} characters long, start with a letter, "
            "contain only letters, digits, colons (:), underscores (_), hyphens (-) and periods (.), "
            "and not start with http:// or https://."
        )


def check_image_name(name: str, *, for_copy: bool = False) -> None:
    letter_name(name, "image name", InvalidImageNameMalformed)
    if for_copy and (name.lower().startswith("acs:") or name.lower().startswith("aliyun")):
        raise InvalidImageNameMalformed(f"The image name {name!r} is not valid: it must not start with acs: or aliyun.")


def check_instance_name(name: str) -> None:
    letter_name(name, "instance name", InvalidInstanceNameMalformed)


def check_disk_name(name: str, error: type[FakeApiError]) -> None:
    letter_name(name, "disk name", error)


def check_security_group_name(name: str) -> None:
    letter_name(name, "security group name", InvalidSecurityGroupNameMalformed)


def check_host_name(name: str, *, windows: bool = False) -> None:
    """Host names: Linux 2 to 64 characters in dot-separated segments; Windows 2 to 15, no periods, not all digits.

    Neither may start or end with a period or hyphen, or repeat one.
    """
    if windows:
        valid = (
            2 <= len(name) <= 15
            and re.fullmatch(r"[A-Za-z0-9\-]+", name) is not None
            and not name.isdigit()
            and not name.startswith("-")
            and not name.endswith("-")
            and "--" not in name
        )
        if not valid:
            raise InvalidHostNameMalformed(
                f"The host name {name!r} is not valid for Windows: it must be 2 to 15 letters, digits and hyphens (-), "
                "not only digits, with no periods, and must not start or end with a hyphen or repeat it."
            )
        return
    if not (2 <= len(name) <= 64) or not _HOST_NAME.match(name) or "--" in name:
        raise InvalidHostNameMalformed(
            f"The host name {name!r} is not valid: it must be 2 to 64 characters of letters, digits, hyphens (-) "
            "and periods (.), and must not start or end with a period or hyphen or repeat them."
        )


def check_description(description: str, error: type[FakeApiError] = InvalidDescriptionMalformed) -> None:
    if not (2 <= len(description) <= 256) or _is_url(description):
        raise error(
            f"The description {description[:40]!r} is not valid: it must be 2 to 256 characters long "
            "and not start with http:// or https://."
        )


def _free_name(name: str, what: str, error: type[FakeApiError]) -> None:
    if not (1 <= len(name) <= 128) or _is_url(name):
        raise error(f"The {what} {name[:40]!r} is not valid: it must be 1 to 128 characters long "
                    "and not start with http:// or https://.")


def check_vpc_name(name: str) -> None:
    _free_name(name, "VPC name", InvalidVpcNameMalformed)


def check_vswitch_name(name: str) -> None:
    _free_name(name, "vSwitch name", InvalidVSwitchNameMalformed)


def _reserved_tag_text(text: str) -> bool:
    lowered = text.lower()
    return lowered.startswith(("aliyun", "acs:"))


def check_tags(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not (1 <= len(key) <= 128) or _reserved_tag_text(key) or _is_url(key):
            raise InvalidTagKeyMalformed(
                f"The tag key {key[:40]!r} is not valid: it must be 1 to 128 characters long and not start with "
                "aliyun, acs:, http:// or https://."
            )
        if len(value) > 128 or _reserved_tag_text(value) or _is_url(value):
            raise InvalidTagValueMalformed(
                f"The value of tag {key!r} is not valid: it must be at most 128 characters long and not start "
                "with aliyun, acs:, http:// or https://."
            )


def check_resource_tags(tags: dict[str, str]) -> None:
    """The tags one resource is created with: at most MAX_TAGS, each valid (``check_tags``)."""
    if len(tags) > MAX_TAGS:
        raise InvalidParameter(f"A resource takes at most {MAX_TAGS} tags; {len(tags)} were given.")
    check_tags(tags)


def parse_network(text: str, error: type[FakeApiError], what: str) -> ipaddress.IPv4Network:
    """An IPv4 CIDR block written exactly (no host bits), or ``error`` naming ``what``."""
    try:
        network = ipaddress.IPv4Network(text, strict=True)
    except (ValueError, TypeError):
        raise error(f"The {what} {text[:60]!r} is not a valid IPv4 CIDR block such as 192.168.0.0/16.") from None
    if "/" not in text:
        raise error(f"The {what} {text[:60]!r} has no mask length: write it as address/mask, e.g. 192.168.0.0/16.")
    return network
