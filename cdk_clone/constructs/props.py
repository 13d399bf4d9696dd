"""The props of the clone constructs, validated before anything else happens (before any look-up).

Every rule names the field, the value and the limit; :func:`validate` turns pydantic's error list into one
:class:`~cdk_clone.constructs.errors.CloneConfigurationError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypedDict, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from cdk_clone._cdktf import Token
from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.lookup.snapshot import SourceInstance
from cdk_clone.naming import (
    NameRuleError,
    batch_pattern,
    check_description,
    check_host_name,
    check_instance_name,
    check_tags,
)

__all__ = [
    "MAX_AMOUNT",
    "MAX_BANDWIDTH_IN",
    "MAX_BANDWIDTH_OUT",
    "MAX_SOURCES",
    "MAX_USER_DATA_BYTES",
    "CloneOptionArgs",
    "CloneOptions",
    "CloneTaskProps",
    "InstanceCloneProps",
    "validate",
]

MAX_AMOUNT = 100  # clones per source, as in the console (and RunInstances' Amount limit)
MAX_SOURCES = 20  # sources per clone task, as in the console

MAX_BANDWIDTH_OUT = 100  # Mbit/s, RunInstances InternetMaxBandwidthOut
MAX_BANDWIDTH_IN = 200  # Mbit/s, RunInstances InternetMaxBandwidthIn
MAX_USER_DATA_BYTES = 32 * 1024  # user data before Base64 encoding

InternetChargeType = Literal["PayByTraffic", "PayByBandwidth"]
InstanceChargeType = Literal["PostPaid", "PrePaid"]
PeriodUnit = Literal["Month", "Week"]
SpotStrategy = Literal["NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"]

_KEY_PAIR_NAME = re.compile(r"[^\W\d_][\w.:\-]{1,127}")
_RAM_ROLE_NAME = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_RESOURCE_GROUP_ID = re.compile(r"^rg-[A-Za-z0-9*]{4,}$")
_DEPLOYMENT_SET_ID = re.compile(r"^ds-[a-z0-9]{4,}$")
_REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)+$")
_INSTANCE_ID = re.compile(r"^i-[a-z0-9]{4,}$")
_VPC_ID = re.compile(r"^vpc-[a-z0-9]{4,}$")
_VSWITCH_ID = re.compile(r"^vsw-[a-z0-9]{4,}$")


_V = TypeVar("_V")


def _is_token(value: str) -> bool:
    # A reference to another resource's attribute (e.g. a VPC declared in the same app) is resolved by
    # Terraform; its shape cannot be checked at synth time.
    return Token.is_unresolved(value)


def _shaped(
    value: str | None, pattern: re.Pattern[str], what: str, example: str, *, token_ok: bool = False
) -> str | None:
    if value is not None and not pattern.fullmatch(value) and not (token_ok and _is_token(value)):
        raise ValueError(f"is not {what} (expected something like {example!r})")
    return value


class CloneOptionArgs(TypedDict, total=False):
    """The keyword arguments of :class:`InstanceClone` and :class:`CloneTask` that shape each clone.

    Every one is optional. The settings a clone copies from its source (name, tags, key pair, billing...)
    take the given value instead when one is given. Types are strict: ``amount="3"`` or ``amount=True``
    is refused, not converted.
    """

    destination_region: str | None
    destination_zone_id: str | None
    destination_vpc_id: str | None
    destination_vswitch_id: str | None
    amount: int
    min_amount: int | None
    include_instance_data: bool
    keep_images: bool
    stop_source_for_consistency: bool
    instance_name: str | None
    host_name: str | None
    tags: dict[str, str] | None
    allow_similar_instance_type: bool
    context_file: Path | str | None
    description: str | None
    key_pair_name: str | None
    ram_role_name: str | None
    user_data: str | None
    deletion_protection: bool | None
    internet_charge_type: InternetChargeType | None
    internet_max_bandwidth_in: int | None
    internet_max_bandwidth_out: int | None
    instance_charge_type: InstanceChargeType | None
    period: int | None
    period_unit: PeriodUnit | None
    auto_renew: bool | None
    spot_strategy: SpotStrategy | None
    spot_price_limit: float | None
    resource_group_id: str | None
    deployment_set_id: str | None
    destination_kms_key_id: str | None


class CloneOptions(BaseModel):
    """What a clone looks like, shared by :class:`InstanceCloneProps` and :class:`CloneTaskProps`.

    Strict: values are never converted (``"3"`` is not an amount, ``1`` is not a bool).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True, strict=True)

    destination_region: str | None = None
    destination_zone_id: str | None = None
    destination_vpc_id: str | None = None
    destination_vswitch_id: str | None = None
    amount: int = 1
    min_amount: int | None = None
    include_instance_data: bool = False
    keep_images: bool = True
    stop_source_for_consistency: bool = False
    instance_name: str | None = None
    host_name: str | None = None
    tags: dict[str, str] | None = None
    allow_similar_instance_type: bool = True
    context_file: Path | None = None
    # Settings copied from the source unless given here (None: the source's).
    description: str | None = None
    key_pair_name: str | None = None  # "" clones without a key pair
    ram_role_name: str | None = None  # "" clones without a RAM role
    user_data: str | None = None  # the text itself ("" for none); sent Base64-encoded
    deletion_protection: bool | None = None
    internet_charge_type: InternetChargeType | None = None
    internet_max_bandwidth_in: int | None = None
    internet_max_bandwidth_out: int | None = None
    instance_charge_type: InstanceChargeType | None = None
    period: int | None = None
    period_unit: PeriodUnit | None = None
    auto_renew: bool | None = None
    spot_strategy: SpotStrategy | None = None
    spot_price_limit: float | None = None
    resource_group_id: str | None = None
    deployment_set_id: str | None = None
    # KMS keys are regional: encrypted disks cloned to another region need a key of that region.
    destination_kms_key_id: str | None = None

    @field_validator("context_file", mode="before")
    @classmethod
    def _path(cls, value: Any) -> Any:
        # A path is the one value converted: str and Path name the same file.
        return Path(value) if isinstance(value, str) else value

    @field_validator("destination_region")
    @classmethod
    def _region_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _REGION, "a region ID", "cn-shanghai")

    @field_validator("destination_vpc_id")
    @classmethod
    def _vpc_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _VPC_ID, "a VPC ID", "vpc-uf6f7l4fg90oxcpwe8kkx", token_ok=True)

    @field_validator("destination_vswitch_id")
    @classmethod
    def _vswitch_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _VSWITCH_ID, "a vSwitch ID", "vsw-uf6f7l4fg90oxcpwe8kkx", token_ok=True)

    @field_validator("amount")
    @classmethod
    def _amount_range(cls, value: int) -> int:
        if not 1 <= value <= MAX_AMOUNT:
            raise ValueError(f"must be between 1 and {MAX_AMOUNT} (clones per source)")
        return value

    @field_validator("destination_zone_id")
    @classmethod
    def _zone_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z]{2,}(-[a-z0-9]+)+", value):
            raise ValueError("is not a zone ID (expected something like 'cn-shanghai-b')")
        return value

    @field_validator("description")
    @classmethod
    def _description_rule(cls, value: str | None) -> str | None:
        return _ruled(check_description, value)

    @field_validator("tags")
    @classmethod
    def _tag_rules(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return None if value is None else _ruled(check_tags, value)

    @field_validator("key_pair_name")
    @classmethod
    def _key_pair_shape(cls, value: str | None) -> str | None:
        if value and not _KEY_PAIR_NAME.fullmatch(value):
            raise ValueError(
                "is not a key pair name: 2 to 128 characters, starting with a letter, then letters, digits, "
                "'.', '_', ':' and '-' ('' clones without a key pair)"
            )
        return value

    @field_validator("ram_role_name")
    @classmethod
    def _ram_role_shape(cls, value: str | None) -> str | None:
        if value and not _RAM_ROLE_NAME.fullmatch(value):
            raise ValueError("is not a RAM role name: 1 to 64 letters, digits, '.', '_' or '-' ('' for none)")
        return value

    @field_validator("user_data")
    @classmethod
    def _user_data_size(cls, value: str | None) -> str | None:
        if value is not None and len(value.encode("utf-8")) > MAX_USER_DATA_BYTES:
            raise ValueError(
                f"holds {len(value.encode('utf-8'))} bytes; user data takes at most {MAX_USER_DATA_BYTES} (32 KiB)"
            )
        return value

    @field_validator("internet_max_bandwidth_out")
    @classmethod
    def _bandwidth_out_range(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= MAX_BANDWIDTH_OUT:
            raise ValueError(f"must be 0 to {MAX_BANDWIDTH_OUT} Mbit/s (0: no public IP)")
        return value

    @field_validator("internet_max_bandwidth_in")
    @classmethod
    def _bandwidth_in_range(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= MAX_BANDWIDTH_IN:
            raise ValueError(f"must be 1 to {MAX_BANDWIDTH_IN} Mbit/s")
        return value

    @field_validator("period")
    @classmethod
    def _period_range(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 60:
            raise ValueError("must be 1 to 60 (months or weeks, see period_unit)")
        return value

    @field_validator("spot_price_limit")
    @classmethod
    def _spot_price_positive(cls, value: float | None) -> float | None:
        if value is not None and not value > 0:
            raise ValueError("must be a positive hourly price")
        return value

    @field_validator("resource_group_id")
    @classmethod
    def _resource_group_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _RESOURCE_GROUP_ID, "a resource group ID", "rg-acfmzw2jz2z****")

    @field_validator("deployment_set_id")
    @classmethod
    def _deployment_set_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _DEPLOYMENT_SET_ID, "a deployment set ID", "ds-uf6f7l4fg90oxcpwe8kk")

    @model_validator(mode="after")
    def _consistent(self) -> CloneOptions:
        if (self.destination_vpc_id is None) != (self.destination_vswitch_id is None):
            given, missing = (
                ("destination_vpc_id", "destination_vswitch_id")
                if self.destination_vpc_id
                else ("destination_vswitch_id", "destination_vpc_id")
            )
            raise ValueError(
                f"{given} is given without {missing}: give both (the vSwitch must be in that VPC), or neither"
            )
        if self.min_amount is not None and not 1 <= self.min_amount <= self.amount:
            raise ValueError(f"min_amount={self.min_amount} must be between 1 and amount ({self.amount})")
        if (
            self.destination_zone_id is not None
            and self.destination_region is not None
            and not self.destination_zone_id.startswith(self.destination_region)
        ):
            raise ValueError(
                f"destination_zone_id={self.destination_zone_id!r} is not a zone of destination_region="
                f"{self.destination_region!r}"
            )
        # Names depend on the amount: every name of the batch (numbered when amount > 1) must follow the rules.
        if self.instance_name is not None:
            _named_rule("instance_name", self.instance_name, check_instance_name, amount=self.amount)
        if self.host_name is not None:
            _named_rule("host_name", self.host_name, check_host_name, amount=self.amount)
        if self.spot_price_limit is not None and self.spot_strategy not in (None, "SpotWithPriceLimit"):
            raise ValueError(
                f"spot_price_limit={self.spot_price_limit} needs spot_strategy='SpotWithPriceLimit' "
                f"(spot_strategy={self.spot_strategy!r})"
            )
        if self.instance_charge_type == "PrePaid" and self.spot_strategy not in (None, "NoSpot"):
            raise ValueError(
                f"spot_strategy={self.spot_strategy!r} is for pay-as-you-go instances; instance_charge_type="
                "'PrePaid' takes none"
            )
        return self

    def options(self) -> dict[str, Any]:
        """These options alone, as keyword arguments (what a clone task passes to each of its clones)."""
        return {name: getattr(self, name) for name in CloneOptions.model_fields}


class InstanceCloneProps(CloneOptions):
    """Props of :class:`~cdk_clone.constructs.InstanceClone`: a source (by ID or snapshot) and the options."""

    source_instance_id: str | None = None
    source_region: str | None = None
    source: SourceInstance | None = None

    @field_validator("source_instance_id")
    @classmethod
    def _instance_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _INSTANCE_ID, "an instance ID", "i-bp1d3m0s0urce00001")

    @field_validator("source_region")
    @classmethod
    def _source_region_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _REGION, "a region ID", "cn-hangzhou")

    @model_validator(mode="after")
    def _one_source(self) -> InstanceCloneProps:
        by_id = self.source_instance_id is not None or self.source_region is not None
        if self.source is not None and by_id:
            raise ValueError(
                "give either source=SourceInstance(...) or source_instance_id with source_region, not both"
            )
        if self.source is None and (self.source_instance_id is None or self.source_region is None):
            missing = "source_region" if self.source_instance_id else "source_instance_id"
            raise ValueError(
                f"{missing} is missing: give source_instance_id and source_region, or source=SourceInstance(...)"
            )
        _check_consistency_stop(self, self.source.region_id if self.source else self.source_region)
        return self

    @property
    def source_region_id(self) -> str:
        region = self.source.region_id if self.source is not None else self.source_region
        assert region is not None  # guaranteed by _one_source
        return region


class CloneTaskProps(CloneOptions):
    """Props of :class:`~cdk_clone.constructs.CloneTask`: 1 to 20 sources and the options for each clone."""

    sources: tuple[str | SourceInstance, ...]
    source_region: str | None = None

    @field_validator("source_region")
    @classmethod
    def _source_region_shape(cls, value: str | None) -> str | None:
        return _shaped(value, _REGION, "a region ID", "cn-hangzhou")

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_count(cls, value: Any) -> Any:
        if isinstance(value, str | SourceInstance):
            # ValueError, not TypeError: pydantic reports only ValueError as a validation error.
            raise ValueError("must be a list of instance IDs or SourceInstance snapshots")  # noqa: TRY004
        items = list(value)
        if not 1 <= len(items) <= MAX_SOURCES:
            raise ValueError(f"has {len(items)} entries: a clone task takes 1 to {MAX_SOURCES} sources")
        for item in items:
            if isinstance(item, str):
                _shaped(item, _INSTANCE_ID, "an instance ID", "i-bp1d3m0s0urce00001")
        return tuple(items)

    @model_validator(mode="after")
    def _regions(self) -> CloneTaskProps:
        ids = [s if isinstance(s, str) else s.instance_id for s in self.sources]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"sources lists {', '.join(twice)} more than once: give each source once")
        if any(isinstance(s, str) for s in self.sources) and self.source_region is None:
            raise ValueError("source_region is missing: sources given by ID need the region they are in")
        regions = {s.region_id for s in self.sources if isinstance(s, SourceInstance)}
        if self.source_region is not None:
            regions.add(self.source_region)
        if len(regions) > 1:
            raise ValueError(
                f"the sources are in several regions ({', '.join(sorted(regions))}): one task, one source region"
            )
        _check_consistency_stop(self, next(iter(regions)))
        return self


def _check_consistency_stop(props: CloneOptions, source_region: str | None) -> None:
    destination = props.destination_region or source_region
    makes_image = props.include_instance_data or destination != source_region
    if props.stop_source_for_consistency and not makes_image:
        raise ValueError(
            "stop_source_for_consistency=True needs an image of the source: set include_instance_data=True "
            "(a same-region clone without instance data boots from the source's own image)"
        )


def _ruled(rule: Callable[[_V], None], value: _V | None) -> _V | None:
    """Apply a rule of :mod:`cdk_clone.naming` to a field (pydantic reports only ValueError)."""
    if value is not None:
        try:
            rule(value)
        except NameRuleError as error:
            raise ValueError(str(error)) from None
    return value


def _named_rule(field: str, value: str, rule: Callable[..., None], *, amount: int) -> None:
    """A name rule, for the names a batch of ``amount`` gets (the message names the field and value itself)."""
    try:
        rule(batch_pattern(value, amount, max_length=None), amount=amount)
    except NameRuleError as error:
        raise ValueError(f"{field}={_render_value(value)}: {error}") from None


_Props = TypeVar("_Props", bound=BaseModel)


# pydantic's strict type errors, said in Python's words.
_TYPE_NAMES = {
    "int_type": "an int",
    "bool_type": "a bool (True or False)",
    "string_type": "a str",
    "float_type": "a number",
    "dict_type": "a dict",
    "is_instance_of": "a SourceInstance",
}


def _render_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def validate(model: type[_Props], owner: str, values: Mapping[str, Any]) -> _Props:
    """Build ``model`` from ``values`` or raise one CloneConfigurationError listing every problem."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as error:
        problems = []
        for item in error.errors():
            message = str(item["msg"]).removeprefix("Value error, ")
            wanted = _TYPE_NAMES.get(item["type"])
            if wanted is not None:
                message = f"must be {wanted}, not {type(item['input']).__name__} (values are not converted)"
            field = ".".join(str(part) for part in item["loc"])
            if field:
                problems.append(f"{field}={_render_value(item['input'])}: {message}")
            else:  # a rule across several fields names them itself
                problems.append(message)
        raise CloneConfigurationError(f"{owner}: " + "; ".join(problems)) from None
