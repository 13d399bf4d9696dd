"""Billing rules of instances: a subscription (PrePaid) instance cannot be released before it expires, and
ModifyInstanceChargeType converts between subscription and pay-as-you-go.

As on Alibaba Cloud, a subscription instance is released by converting it to pay-as-you-go first (what
terraform-provider-alicloud does with ``force_delete``), or once it has expired with
``TerminateSubscription=true``. A conversion is an order the billing system processes for a while (the
``charge_type`` window of the time profile): a release of the instance meanwhile answers
LastTokenProcessing, as users of the real cloud report.

Example::

    order_id, fees = backend.modify_charge_type(["i-1"], "PostPaid")
    backend.delete_instances(["i-1"], force=True)      # LastTokenProcessing until the order is processed
"""

from __future__ import annotations

import calendar
import time
from typing import Any

from ..exceptions import (
    ChargeTypeViolation,
    ExpiredInstance,
    IncorrectInstanceStatus,
    InstancesIdQuotaExceed,
    InvalidInstanceChargeTypeValueNotSupported,
    InvalidPeriod,
    InvalidStatusValueNotSupported,
    LastTokenProcessing,
)
from .base import iso_time
from .instances import Instance, InstanceRules

__all__ = ["CHARGE_TYPES", "MONTH_PERIODS", "BillingRules", "expired", "subscription_end"]

CHARGE_TYPES: tuple[str, ...] = ("PrePaid", "PostPaid")
MONTH_PERIODS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60})
_MAX_INSTANCES_PER_CONVERSION = 20
_DAY = 86400.0
_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ")


def subscription_end(now: float, period: int, unit: str) -> str:
    """When a subscription of ``period`` ``unit`` (Month or Week) started ``now`` expires, as the API writes it."""
    return iso_time(now + period * (7 if unit == "Week" else 30) * _DAY)


def expired(instance: Instance, now: float) -> bool:
    """Whether a subscription instance has passed its ExpiredTime (an unreadable time counts as not expired)."""
    for layout in _TIME_FORMATS:
        try:
            return calendar.timegm(time.strptime(instance.expired_time, layout)) <= now
        except ValueError:
            continue
    return False


class BillingRules(InstanceRules):
    """The release check of subscription instances and ModifyInstanceChargeType."""

    def check_release_allowed(self, instance: Instance, terminate_subscription: bool) -> None:
        """ChargeTypeViolation for a subscription instance that has not expired (or expired, without
        TerminateSubscription); LastTokenProcessing while a conversion of its billing is being processed."""
        if self.charge_orders.get(instance.instance_id, 0.0) > self.now():
            raise LastTokenProcessing(
                f"The last token request is processing. (the change of billing method of {instance.instance_id} "
                "is still being processed: retry in a moment)"
            )
        if instance.charge_type != "PrePaid":
            return
        if not expired(instance, self.now()):
            raise ChargeTypeViolation(
                f"The operation is not permitted due to charge type of the instance. ({instance.instance_id} is a "
                f"subscription (PrePaid) instance until {instance.expired_time}: convert it to pay-as-you-go with "
                "ModifyInstanceChargeType InstanceChargeType=PostPaid first, or wait until it expires)"
            )
        if not terminate_subscription:
            raise ChargeTypeViolation(
                f"The operation is not permitted due to charge type of the instance. ({instance.instance_id} is an "
                "expired subscription instance: release it with TerminateSubscription=true)"
            )

    def modify_charge_type(
        self,
        instance_ids: list[str],
        charge_type: str,
        period: int | None = None,
        period_unit: str = "Month",
        include_data_disks: bool = False,
    ) -> tuple[str, list[dict[str, Any]]]:
        """Convert instances to ``charge_type``; (order ID, fee of each instance). All are checked first."""
        if not instance_ids:
            raise InvalidStatusValueNotSupported("InstanceIds must name at least one instance.")
        if len(instance_ids) > _MAX_INSTANCES_PER_CONVERSION:
            raise InstancesIdQuotaExceed(
                f"The maximum number of Instances is exceeded. ({len(instance_ids)} given: at most "
                f"{_MAX_INSTANCES_PER_CONVERSION} a call)"
            )
        if charge_type not in CHARGE_TYPES:
            raise InvalidInstanceChargeTypeValueNotSupported(
                f"InstanceChargeType {charge_type[:30]!r} is not supported: use PrePaid or PostPaid."
            )
        if charge_type == "PrePaid":
            _check_period(period, period_unit)
        now = self.now()
        instances = [self.get_instance(i) for i in dict.fromkeys(instance_ids)]
        for instance in instances:
            self.check_not_released(instance)
            status = self.instance_status(instance)
            if status not in ("Running", "Stopped"):
                raise InvalidStatusValueNotSupported(
                    f"The instance {instance.instance_id} is {status}: its billing method can be changed only when "
                    "it is Running or Stopped."
                )
            if instance.charge_type == charge_type:
                raise InvalidInstanceChargeTypeValueNotSupported(
                    f"The instance {instance.instance_id} is already {charge_type}."
                )
            if instance.charge_type == "PrePaid" and expired(instance, now):
                raise ExpiredInstance(f"The specified instance has expired. ({instance.instance_id})")
            if self.charge_orders.get(instance.instance_id, 0.0) > now:
                raise IncorrectInstanceStatus(
                    f"The current status of the resource does not support this operation. (a change of billing "
                    f"method of {instance.instance_id} is still being processed)"
                )
        for instance in instances:
            self.claim(instance.instance_id, "instance")
        processing = self.window("charge_type")
        for instance in instances:
            if charge_type == "PostPaid":
                instance.charge_type, instance.period, instance.period_unit, instance.expired_time = "PostPaid", 0, "", ""
            else:
                assert period is not None  # checked above
                instance.charge_type, instance.period, instance.period_unit = "PrePaid", period, period_unit
                instance.expired_time = subscription_end(now, period, period_unit)
            for disk in instance.disks:
                if disk.disk_type == "system" or include_data_disks or charge_type == "PostPaid":
                    disk.charge_type, disk.expired_time = instance.charge_type, instance.expired_time
            instance.view_cache = None
            if processing > 0:
                self.charge_orders[instance.instance_id] = now + processing
        order_id = str(200_000_000_000_000 + int(now * 1000) % 100_000_000_000_000)
        fees = [{"InstanceId": i.instance_id, "Fee": "0", "Currency": "CNY"} for i in instances]
        return order_id, fees


def _check_period(period: int | None, unit: str) -> None:
    if unit not in ("Month", "Week"):
        raise InvalidPeriod(f"The specified period is not valid. (PeriodUnit {unit[:20]!r}: use Month or Week)")
    if period is None:
        raise InvalidPeriod("The specified period is not valid. (a conversion to PrePaid needs Period)")
    valid = (1 <= period <= 4) if unit == "Week" else period in MONTH_PERIODS
    if not valid:
        allowed = "1 to 4" if unit == "Week" else "1-9, 12, 24, 36, 48 or 60"
        raise InvalidPeriod(f"The specified period is not valid. (Period {period} with PeriodUnit {unit}: use {allowed})")
