"""Settings an instance is launched with beyond its type, image and network: spot bidding, instance metadata
access (IMDSv2), burstable credit mode, inbound bandwidth, automatic release and renewal, and the secondary
network interfaces. Each is checked here with Alibaba's rules (RunInstances, 2026 API reference) and kept on
the instance as it is shown by DescribeInstances.

Example::

    SpotOptions.checked("SpotWithPriceLimit", 0.5, None, None, "PostPaid")
    # SpotOptions(strategy='SpotWithPriceLimit', price_limit=0.5, duration=1, interruption_behavior='Terminate')
    MetadataOptions.checked(None, "required", None)     # IMDSv2 only
"""

from __future__ import annotations

import base64
import binascii
import calendar
import time
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import (
    InvalidAutoReleaseTimeMalformed,
    InvalidAutoRenewPeriodValueNotSupported,
    InvalidHttpEndpointNotSupported,
    InvalidHttpPutResponseHopLimitNotSupported,
    InvalidHttpTokensNotSupported,
    InvalidInternetMaxBandwidthInMalformed,
    InvalidParameterCreditSpecification,
    InvalidPasswordMalformed,
    InvalidSpotDuration,
    InvalidSpotInterruptionBehavior,
    InvalidSpotPrepaid,
    InvalidSpotPriceLimit,
    InvalidSpotStrategy,
    InvalidUserDataBase64FormatInvalid,
    InvalidUserDataSizeExceeded,
)
from .catalogue import InstanceTypeInfo

__all__ = [
    "CREDIT_SPECIFICATIONS",
    "SPOT_STRATEGIES",
    "USER_DATA_LIMIT",
    "InstanceSettings",
    "MetadataOptions",
    "NetworkInterface",
    "SpotOptions",
    "auto_release_time",
    "auto_renew_period",
    "check_password",
    "check_user_data",
    "credit_specification",
    "inbound_bandwidth",
    "minute_time",
]

SPOT_STRATEGIES: tuple[str, ...] = ("NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo")
SPOT_INTERRUPTION_BEHAVIORS: tuple[str, ...] = ("Terminate", "Stop")
CREDIT_SPECIFICATIONS: tuple[str, ...] = ("Standard", "Unlimited")
_RENEW_PERIODS = {"Week": (1, 2, 3), "Month": (1, 2, 3, 6, 12, 24, 36, 48, 60)}
_MINUTE, _YEAR = 60.0, 365 * 86400.0
USER_DATA_LIMIT = 32 * 1024  # bytes before Base64 encoding
_PASSWORD_SPECIALS = set("()`~!@#$%^&*-_+=|{}[]:;'<>,.?/\\\"")


def minute_time(epoch: float) -> str:
    """A time as DescribeInstances shows StartTime, ExpiredTime and AutoReleaseTime: UTC to the minute."""
    return time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(epoch))


@dataclass(frozen=True, slots=True)
class SpotOptions:
    """How a pay-as-you-go instance bids: ``NoSpot`` (a normal instance) or a spot instance."""

    strategy: str = "NoSpot"
    price_limit: float = 0.0  # highest hourly price, for SpotWithPriceLimit only
    duration: int = 0  # protection period in hours (0 or 1) of a spot instance
    interruption_behavior: str = ""  # Terminate or Stop, for spot instances

    @property
    def is_spot(self) -> bool:
        return self.strategy != "NoSpot"

    @classmethod
    def checked(
        cls,
        strategy: str | None,
        price_limit: float | None,
        duration: int | None,
        interruption_behavior: str | None,
        charge_type: str,
    ) -> SpotOptions:
        strategy = strategy or "NoSpot"
        if strategy not in SPOT_STRATEGIES:
            raise InvalidSpotStrategy(f"SpotStrategy {strategy[:40]!r} is not valid: use {', '.join(SPOT_STRATEGIES)}.")
        if strategy == "NoSpot":
            return cls()
        if charge_type != "PostPaid":
            raise InvalidSpotPrepaid(
                f"SpotStrategy {strategy} needs InstanceChargeType PostPaid: spot instances are pay-as-you-go only."
            )
        if strategy == "SpotWithPriceLimit":
            if price_limit is None or price_limit <= 0:
                raise InvalidSpotPriceLimit(
                    "SpotStrategy SpotWithPriceLimit needs SpotPriceLimit, the highest hourly price (> 0, three decimals)."
                )
        else:
            price_limit = 0.0  # SpotPriceLimit only counts with SpotWithPriceLimit
        duration = 1 if duration is None else duration
        if duration not in (0, 1):
            raise InvalidSpotDuration(f"SpotDuration is {duration}; it must be 0 or 1 (hours of protection).")
        behavior = interruption_behavior or "Terminate"
        if behavior not in SPOT_INTERRUPTION_BEHAVIORS:
            raise InvalidSpotInterruptionBehavior(
                f"SpotInterruptionBehavior {behavior[:40]!r} is not valid: use {', '.join(SPOT_INTERRUPTION_BEHAVIORS)}."
            )
        return cls(strategy, round(float(price_limit), 3), duration, behavior)

    def to_record(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "price_limit": self.price_limit,
            "duration": self.duration,
            "interruption_behavior": self.interruption_behavior,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> SpotOptions:
        record = record or {}
        return cls(
            record.get("strategy", "NoSpot"),
            float(record.get("price_limit") or 0.0),
            int(record.get("duration") or 0),
            record.get("interruption_behavior", ""),
        )


@dataclass(frozen=True, slots=True)
class MetadataOptions:
    """Access to the instance metadata service: ``http_tokens="required"`` is IMDSv2 (security-enhanced mode)."""

    http_endpoint: str = "enabled"
    http_tokens: str = "optional"
    hop_limit: int = 1

    @classmethod
    def checked(cls, http_endpoint: str | None, http_tokens: str | None, hop_limit: int | None) -> MetadataOptions:
        endpoint = http_endpoint or "enabled"
        if endpoint not in ("enabled", "disabled"):
            raise InvalidHttpEndpointNotSupported(
                f"HttpEndpoint {endpoint[:30]!r} is not supported: use enabled (the default) or disabled."
            )
        tokens = http_tokens or "optional"
        if tokens not in ("optional", "required"):
            raise InvalidHttpTokensNotSupported(
                f"HttpTokens {tokens[:30]!r} is not supported: use optional (the default) or required (IMDSv2)."
            )
        hops = 1 if hop_limit is None else hop_limit
        if not (1 <= hops <= 64):
            raise InvalidHttpPutResponseHopLimitNotSupported(
                f"HttpPutResponseHopLimit is {hops}; it must be from 1 to 64."
            )
        return cls(endpoint, tokens, hops)

    def to_record(self) -> dict[str, Any]:
        return {"http_endpoint": self.http_endpoint, "http_tokens": self.http_tokens, "hop_limit": self.hop_limit}

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> MetadataOptions:
        record = record or {}
        return cls(record.get("http_endpoint", "enabled"), record.get("http_tokens", "optional"),
                   int(record.get("hop_limit") or 1))


@dataclass(slots=True)
class NetworkInterface:
    """A secondary network interface (ENI) attached to an instance (the primary one is the instance's own)."""

    eni_id: str
    vswitch_id: str
    security_group_ids: list[str]
    primary_ip: str
    secondary_ips: list[str] = field(default_factory=list)
    name: str = ""
    description: str = ""
    delete_on_release: bool = True

    def to_record(self) -> dict[str, Any]:
        return {
            "eni_id": self.eni_id,
            "vswitch_id": self.vswitch_id,
            "security_group_ids": list(self.security_group_ids),
            "primary_ip": self.primary_ip,
            "secondary_ips": list(self.secondary_ips),
            "name": self.name,
            "description": self.description,
            "delete_on_release": self.delete_on_release,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> NetworkInterface:
        return cls(
            eni_id=record["eni_id"],
            vswitch_id=record["vswitch_id"],
            security_group_ids=list(record.get("security_group_ids") or []),
            primary_ip=record["primary_ip"],
            secondary_ips=list(record.get("secondary_ips") or []),
            name=record.get("name", ""),
            description=record.get("description", ""),
            delete_on_release=bool(record.get("delete_on_release", True)),
        )


@dataclass(slots=True)
class InstanceSettings:
    """What an instance was launched with beyond type, image and network, as DescribeInstances shows it.

    Each instance of a batch holds its own copy (ModifyInstanceAttribute changes one instance).
    """

    os_name: str = "Linux"
    os_name_en: str = "Linux"
    os_type: str = "linux"
    key_pair_name: str = ""
    ram_role_name: str = ""
    user_data: str = ""  # as given, Base64
    deletion_protection: bool = False
    resource_group_id: str = ""
    spot: SpotOptions = field(default_factory=SpotOptions)
    metadata: MetadataOptions = field(default_factory=MetadataOptions)
    credit_specification: str = ""
    internet_max_bandwidth_in: int = 10
    auto_release_time: str = ""
    auto_renew: bool = False
    auto_renew_period: int = 0
    deployment_set_id: str = ""
    deployment_set_group_no: int = 0
    enable_jumbo_frame: bool = False

    def to_record(self) -> dict[str, Any]:
        return {
            "os_name": self.os_name,
            "os_name_en": self.os_name_en,
            "os_type": self.os_type,
            "key_pair_name": self.key_pair_name,
            "ram_role_name": self.ram_role_name,
            "user_data": self.user_data,
            "deletion_protection": self.deletion_protection,
            "resource_group_id": self.resource_group_id,
            "spot": self.spot.to_record(),
            "metadata": self.metadata.to_record(),
            "credit_specification": self.credit_specification,
            "internet_max_bandwidth_in": self.internet_max_bandwidth_in,
            "auto_release_time": self.auto_release_time,
            "auto_renew": self.auto_renew,
            "auto_renew_period": self.auto_renew_period,
            "deployment_set_id": self.deployment_set_id,
            "deployment_set_group_no": self.deployment_set_group_no,
            "enable_jumbo_frame": self.enable_jumbo_frame,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> InstanceSettings:
        """Settings from an instance record (every key optional, defaults as a plain launch gives them)."""
        return cls(
            os_name=record.get("os_name") or "Linux",
            os_name_en=record.get("os_name_en") or record.get("os_name") or "Linux",
            os_type=record.get("os_type") or "linux",
            key_pair_name=record.get("key_pair_name", ""),
            ram_role_name=record.get("ram_role_name", ""),
            user_data=record.get("user_data", ""),
            deletion_protection=bool(record.get("deletion_protection", False)),
            resource_group_id=record.get("resource_group_id", ""),
            spot=SpotOptions.from_record(record.get("spot")),
            metadata=MetadataOptions.from_record(record.get("metadata")),
            credit_specification=record.get("credit_specification", ""),
            internet_max_bandwidth_in=int(record.get("internet_max_bandwidth_in") or 10),
            auto_release_time=record.get("auto_release_time", ""),
            auto_renew=bool(record.get("auto_renew", False)),
            auto_renew_period=int(record.get("auto_renew_period") or 0),
            deployment_set_id=record.get("deployment_set_id", ""),
            deployment_set_group_no=int(record.get("deployment_set_group_no") or 0),
            enable_jumbo_frame=bool(record.get("enable_jumbo_frame", False)),
        )


def check_user_data(text: str) -> str:
    """UserData: Base64 of at most 32 KiB; returned as given."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidUserDataBase64FormatInvalid(
            "UserData must be Base64-encoded (encode the script or cloud-config before sending it)."
        ) from None
    if len(raw) > USER_DATA_LIMIT:
        raise InvalidUserDataSizeExceeded(
            f"UserData holds {len(raw)} bytes before Base64 encoding; at most {USER_DATA_LIMIT} are allowed."
        )
    return text


def check_password(password: str, os_type: str) -> None:
    """Password: 8 to 30 characters of at least three kinds (upper, lower, digit, special)."""
    kinds = (
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(c in _PASSWORD_SPECIALS for c in password),
    )
    allowed = all(c.isascii() and (c.isalnum() or c in _PASSWORD_SPECIALS) for c in password)
    if not (8 <= len(password) <= 30) or sum(kinds) < 3 or not allowed or (os_type == "windows" and password[0] == "/"):
        raise InvalidPasswordMalformed(
            "Password must be 8 to 30 characters with at least three of: uppercase letters, lowercase letters, "
            "digits, special characters ()`~!@#$%^&*-_+=|{}[]:;'<>,.?/ (Windows: not starting with /)."
        )


def credit_specification(value: str | None, type_info: InstanceTypeInfo) -> str:
    """The credit mode of a burstable type (Standard by default); other types take none."""
    if not type_info.burstable:
        if value:
            raise InvalidParameterCreditSpecification(
                f"CreditSpecification {value[:30]!r} is given, but {type_info.instance_type} is not a burstable "
                "instance type: leave it out (it applies to burstable families such as ecs.t6 only)."
            )
        return ""
    credit = value or "Standard"
    if credit not in CREDIT_SPECIFICATIONS:
        raise InvalidParameterCreditSpecification(
            f"CreditSpecification {credit[:30]!r} is not valid: use {', '.join(CREDIT_SPECIFICATIONS)}."
        )
    return credit


def inbound_bandwidth(value: int | None, outbound: int) -> int:
    """InternetMaxBandwidthIn: 1 to 10 (default 10) while outbound is at most 10, else 1 to outbound (default it)."""
    high = max(10, outbound)
    if value is None:
        return high
    if not (1 <= value <= high):
        raise InvalidInternetMaxBandwidthInMalformed(
            f"InternetMaxBandwidthIn is {value}; with InternetMaxBandwidthOut {outbound} it must be from 1 to {high}."
        )
    return value


def auto_release_time(text: str | None, now: float) -> str:
    """AutoReleaseTime (``yyyy-MM-ddTHH:mm:ssZ``, UTC), 30 minutes to 3 years ahead, rounded to the minute."""
    if not text:
        return ""
    try:
        epoch = float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        raise InvalidAutoReleaseTimeMalformed(
            f"AutoReleaseTime {text[:40]!r} is not a UTC time written yyyy-MM-ddTHH:mm:ssZ."
        ) from None
    epoch = round(epoch / _MINUTE) * _MINUTE
    if not (now + 30 * _MINUTE <= epoch <= now + 3 * _YEAR):
        raise InvalidAutoReleaseTimeMalformed(
            f"AutoReleaseTime {text} must be at least 30 minutes and at most three years from now ({minute_time(now)})."
        )
    return minute_time(epoch)


def auto_renew_period(value: int | None, period_unit: str) -> int:
    """AutoRenewPeriod of a subscription that renews itself (default 1)."""
    allowed = _RENEW_PERIODS.get(period_unit, _RENEW_PERIODS["Month"])
    period = 1 if value is None else value
    if period not in allowed:
        raise InvalidAutoRenewPeriodValueNotSupported(
            f"AutoRenewPeriod is {period}; with PeriodUnit {period_unit} it must be one of "
            f"{', '.join(str(p) for p in allowed)}."
        )
    return period
