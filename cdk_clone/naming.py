"""Alibaba Cloud's rules for the names, host names, descriptions and tags of instances, and batch patterns.

Pure functions with no cloud and no cdktf: the clone constructs check props with them before any look-up,
and the provider and ``cdk-clone verify`` expand batch patterns with them.

A batch pattern is Alibaba's ``prefix[begin,bits]suffix`` (RunInstances ``InstanceName`` and ``HostName``):
the i-th instance of a batch (0-based) gets ``begin + i`` written with ``bits`` digits; ``[]`` means
``[0,6]``. Each check raises :class:`NameRuleError` whose message states the rule broken.

Example::

    from cdk_clone.naming import batch_pattern, expand_name, check_instance_name
    batch_pattern("web-1", amount=3)        # 'web-1-[1,3]'
    expand_name("web-1-[1,3]", 2)           # 'web-1-003'
    check_instance_name("9lives", amount=1) # NameRuleError: ... must start with a letter ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cdk_clone.ownership import MAX_TAGS_PER_RESOURCE, RESERVED_TAG_COUNT, TAG_PREFIX, is_ownership_tag

__all__ = [
    "BATCH_SUFFIX_BITS",
    "MAX_DESCRIPTION",
    "MAX_HOST_NAME",
    "MAX_INSTANCE_NAME",
    "MAX_TAGS",
    "MAX_TAG_KEY",
    "MAX_TAG_VALUE",
    "MAX_WINDOWS_HOST_NAME",
    "RESERVED_TAG_COUNT",
    "NameRuleError",
    "batch_pattern",
    "check_description",
    "check_host_name",
    "check_instance_name",
    "check_tags",
    "expand_name",
    "follows_pattern",
    "has_pattern",
    "is_system_tag",
]

MAX_INSTANCE_NAME = 128
MAX_HOST_NAME = 64
MAX_WINDOWS_HOST_NAME = 15  # NetBIOS names
MAX_DESCRIPTION = 256
MAX_TAGS = MAX_TAGS_PER_RESOURCE  # tags per resource
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 128
# RESERVED_TAG_COUNT (from cdk_clone.ownership): the tags of the 20 a resource may carry that cdk-clone itself
# sets on every clone (its ownership tags): a clone's own tags (the source's plus the user's) may number at
# most MAX_TAGS - RESERVED_TAG_COUNT.

BATCH_SUFFIX_BITS = 3  # the default numbering of a batch: -001, -002, ... (up to 100 clones)
_PATTERN = re.compile(r"\[(\d*)(?:,(\d*))?\]")
_SYSTEM_PREFIXES = ("aliyun", "acs:")
_URL_PREFIXES = ("http://", "https://")
# A letter of any script (Alibaba accepts Chinese), then letters, digits, '.', '_', ':' and '-'.
_INSTANCE_NAME = re.compile(r"[^\W\d_][\w.:\-]*")
_HOST_LABEL = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


class NameRuleError(ValueError):
    """A name, host name, description or tag breaks one of Alibaba's rules; the message says which."""


def has_pattern(name: str) -> bool:
    """Whether ``name`` holds a batch pattern ``[begin,bits]``."""
    return _PATTERN.search(name) is not None


def _pattern_parts(name: str) -> tuple[int, int] | None:
    match = _PATTERN.search(name)
    if match is None:
        return None
    return int(match.group(1) or 0), int(match.group(2) or 6)


def expand_name(pattern: str, index: int) -> str:
    """The name of the ``index``-th instance (0-based) of a batch named ``pattern``; a plain name as is."""

    def number(match: re.Match[str]) -> str:
        return str(int(match.group(1) or 0) + index).zfill(int(match.group(2) or 6))

    return _PATTERN.sub(number, pattern, count=1)


def follows_pattern(pattern: str, name: str | None) -> bool:
    """Whether ``name`` is a name the batch ``pattern`` gives to some instance (any index)."""
    if name is None:
        return False
    match = _PATTERN.search(pattern)
    if match is None:
        return name == pattern
    digits = int(match.group(2) or 6)
    expected = re.escape(pattern[: match.start()]) + rf"\d{{{digits},}}" + re.escape(pattern[match.end() :])
    return re.fullmatch(expected, name) is not None


def batch_pattern(name: str, amount: int, *, max_length: int | None = MAX_INSTANCE_NAME) -> str:
    """The name a batch of ``amount`` clones is given from ``name``: the name itself for one clone, else
    ``<name>-[1,3]`` (``<name>-001``, ``-002``, ...). A name that already holds a pattern is kept.

    With ``max_length`` (a source's name), the name is shortened so that every expansion fits; without
    (a name the user gave), it is kept whole and the rules judge the result.
    """
    if amount <= 1 or has_pattern(name):
        return name
    suffix = f"-[1,{BATCH_SUFFIX_BITS}]"
    if max_length is None:
        return name + suffix
    room = max_length - 1 - BATCH_SUFFIX_BITS
    return name[:room].rstrip("-.") + suffix


def _longest_expansions(name: str, amount: int) -> list[str]:
    """The names a batch of ``amount`` actually gets that matter for length rules: the first and the last."""
    return [expand_name(name, 0), expand_name(name, max(amount - 1, 0))]


def _check_pattern(name: str, amount: int, what: str) -> None:
    if len(_PATTERN.findall(name)) > 1:
        raise NameRuleError(f"holds more than one [begin,bits] pattern; a {what} takes one")
    parts = _pattern_parts(name)
    if parts is None:
        if "[" in name or "]" in name:
            raise NameRuleError(f"has a bracket that is not a [begin,bits] pattern (e.g. {what}-[1,3])")
        return
    begin, bits = parts
    if not 0 <= begin <= 999999 or not 1 <= bits <= 6:
        raise NameRuleError("has a pattern [begin,bits] outside begin 0..999999, bits 1..6")
    if begin + amount - 1 >= 10**bits:
        raise NameRuleError(
            f"numbers {amount} instance(s) from {begin} with {bits} digit(s), which overflows: use more digits"
        )


def check_instance_name(name: str, *, amount: int) -> None:
    """Alibaba's instance-name rule, for every name a batch of ``amount`` gets from ``name``: 2 to 128
    characters, starting with a letter, then letters, digits, '.', '_', ':' and '-'; not a URL."""
    _check_pattern(name, amount, "name")
    for expanded in _longest_expansions(name, amount):
        if not 2 <= len(expanded) <= MAX_INSTANCE_NAME:
            raise NameRuleError(f"gives the name {_short(expanded)} of {len(expanded)} characters; 2 to 128 allowed")
        if expanded.lower().startswith(_URL_PREFIXES):
            raise NameRuleError("must not start with http:// or https://")
        if not _INSTANCE_NAME.fullmatch(expanded):
            raise NameRuleError(
                f"gives the name {_short(expanded)}: an instance name must start with a letter and hold only "
                "letters, digits, '.', '_', ':' and '-'"
            )


def check_host_name(name: str, *, amount: int, windows: bool = False) -> None:
    """Alibaba's host-name rule, for every host name a batch of ``amount`` gets from ``name``.

    Linux and others: 2 to 64 characters, labels of letters, digits and single hyphens separated by single
    periods, neither starting nor ending with a period or hyphen. Windows: 2 to 15 characters of letters,
    digits and single hyphens, no period, not only digits.
    """
    _check_pattern(name, amount, "host name")
    for expanded in _longest_expansions(name, amount):
        if windows:
            if not 2 <= len(expanded) <= MAX_WINDOWS_HOST_NAME:
                raise NameRuleError(
                    f"gives the host name {_short(expanded)} of {len(expanded)} characters; a Windows host name "
                    "has 2 to 15"
                )
            if "." in expanded or not _HOST_LABEL.fullmatch(expanded):
                raise NameRuleError(
                    f"gives the host name {_short(expanded)}: a Windows host name holds only letters, digits and "
                    "single hyphens (no period), not at either end"
                )
            if expanded.isdigit():
                raise NameRuleError(f"gives the host name {_short(expanded)}: a Windows host name cannot be all digits")
            continue
        if not 2 <= len(expanded) <= MAX_HOST_NAME:
            raise NameRuleError(f"gives the host name {_short(expanded)} of {len(expanded)} characters; 2 to 64 allowed")
        if not all(_HOST_LABEL.fullmatch(label) for label in expanded.split(".")):
            raise NameRuleError(
                f"gives the host name {_short(expanded)}: a host name is letters, digits, single hyphens and single "
                "periods, neither starting nor ending with a period or hyphen"
            )


def check_description(description: str) -> None:
    """2 to 256 characters, not starting with http:// or https://."""
    if not 2 <= len(description) <= MAX_DESCRIPTION:
        raise NameRuleError(f"has {len(description)} characters; a description has 2 to {MAX_DESCRIPTION}")
    if description.lower().startswith(_URL_PREFIXES):
        raise NameRuleError("must not start with http:// or https://")


def is_system_tag(key: str) -> bool:
    """Tags whose key starts with ``aliyun`` or ``acs:`` are the cloud's own, and those starting with
    ``cdk-clone:`` cdk-clone's (its ownership tags, see :mod:`cdk_clone.ownership`): no user sets or copies them."""
    return key.lower().startswith(_SYSTEM_PREFIXES) or is_ownership_tag(key)


def check_tags(tags: Mapping[str, str], *, reserved: int = RESERVED_TAG_COUNT) -> None:
    """At most ``20 - reserved`` tags; keys 1 to 128 characters, values at most 128; neither starting with
    ``aliyun``, ``acs:``, ``http://`` or ``https://``."""
    limit = MAX_TAGS - reserved
    if len(tags) > limit:
        spent = f" ({reserved} of Alibaba's {MAX_TAGS} are cdk-clone's own)" if reserved else ""
        raise NameRuleError(f"has {len(tags)} tags; an instance takes at most {limit}{spent}")
    for key, value in tags.items():
        if not 1 <= len(key) <= MAX_TAG_KEY:
            raise NameRuleError(f"key {_short(key)} has {len(key)} characters; a tag key has 1 to {MAX_TAG_KEY}")
        if is_system_tag(key) or key.lower().startswith(_URL_PREFIXES):
            raise NameRuleError(
                f"key {_short(key)} starts with a reserved prefix (aliyun, acs:, {TAG_PREFIX}, http://, https://)"
            )
        if len(value) > MAX_TAG_VALUE:
            raise NameRuleError(f"value of {_short(key)} has {len(value)} characters; at most {MAX_TAG_VALUE}")
        if value.lower().startswith((*_SYSTEM_PREFIXES, *_URL_PREFIXES)):
            raise NameRuleError(
                f"value of {_short(key)} starts with a reserved prefix (aliyun, acs:, http://, https://)"
            )


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
