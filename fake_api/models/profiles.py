"""How long things take in the fake cloud: named time profiles.

A profile gives every timed kind a duration in seconds, scaled by ``time_scale``:

* ``instant``: everything finishes when the call returns (for unit tests that ask for it);
* ``fast`` (the default): every asynchronous object shows its intermediate statuses for a few hundred
  milliseconds to a few seconds, short enough for a demo and a test suite;
* ``realistic``: minutes, as on Alibaba Cloud (an image 10 minutes, a copy to a nearby region 15 minutes,
  a launch 4 minutes); ``time_scale=1/60`` turns those into 10 s, 15 s and 4 s.

The kinds (:data:`TIMED_KINDS`):

==================  ========================================================================================
``instance``        a launch: Pending, then Starting, then Running
``instance_start``  StartInstance: Starting, then Running
``instance_stop``   StopInstance: Stopping, then Stopped
``disk``            a disk RunInstances makes: Creating, Attaching, then In_use (before its instance runs)
``image``           CreateImage: Creating with a rising Progress, then Available
``image_copy``      CopyImage to a nearby region (under 500 km); farther regions take 2x, overseas 3x
``vpc``             CreateVpc: Pending, then Available
``vswitch``         CreateVSwitch: Pending, then Available
==================  ========================================================================================

and the kinds that keep an object busy for a while, during which what Alibaba refuses is refused:

====================  ======================================================================================
``instance_release``  DeleteInstance(s): the instance is still shown (Stopping) until it is gone
``network_release``   then its network interface still holds its vSwitch and security groups (so deleting
                      them answers DependencyViolation)
``vswitch_delete``    DeleteVSwitch: the vSwitch is still shown (Pending) until it is gone
``vpc_delete``        DeleteVpc: the VPC is still shown (Pending) until it is gone
``request``           a change (authorize a rule, modify, delete...) keeps its object busy until it is
                      answered: another change of the object meanwhile answers OperationConflict
``client_token``      a call with a ClientToken is processed this long: the same token meanwhile answers
                      LastTokenProcessing, then the first call's answer
``charge_type``       ModifyInstanceChargeType: the billing order is processed this long
====================  ======================================================================================

A per-kind setting (``FakeCloud.set_transition``) overrides the profile for that kind. An object keeps the
duration it started with: changing the profile does not disturb objects in flight.

Example::

    profile = TimeProfile.checked("realistic", 1 / 60)
    profile.seconds("image")                                   # 10.0
    profile.copy_seconds(REGIONS["cn-hangzhou"], REGIONS["cn-beijing"])   # 30.0: a far region
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .catalogue import RegionInfo, distance_km

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILE_NAMES",
    "PROFILE_SECONDS",
    "TIMED_KINDS",
    "WINDOW_KINDS",
    "TimeProfile",
    "copy_distance_factor",
    "parse_time_scale",
]

TIMED_KINDS: tuple[str, ...] = (
    "instance",
    "instance_start",
    "instance_stop",
    "disk",
    "image",
    "image_copy",
    "vpc",
    "vswitch",
    "instance_release",
    "network_release",
    "vswitch_delete",
    "vpc_delete",
    "request",
    "client_token",
    "charge_type",
)
# Kinds that are windows of time rather than statuses a describe shows: they take seconds, not describes.
WINDOW_KINDS: frozenset[str] = frozenset(
    {"instance_release", "network_release", "vswitch_delete", "vpc_delete", "request", "client_token", "charge_type"}
)

# Seconds per kind before time_scale. Realistic figures are what Alibaba Cloud takes for a small system
# disk: a launch about 4 minutes to Running, an image about 10 minutes, a copy between neighbouring regions
# about 15 minutes; VPCs and vSwitches some seconds; a released instance's network interface a minute.
PROFILE_SECONDS: dict[str, dict[str, float]] = {
    "instant": {kind: 0.0 for kind in TIMED_KINDS},
    "fast": {
        "instance": 1.0,
        "instance_start": 0.5,
        "instance_stop": 0.5,
        "disk": 0.5,
        "image": 1.0,
        "image_copy": 1.5,
        "vpc": 0.3,
        "vswitch": 0.3,
        "instance_release": 0.3,
        "network_release": 0.5,
        "vswitch_delete": 0.2,
        "vpc_delete": 0.2,
        "request": 0.05,
        "client_token": 0.3,
        "charge_type": 0.3,
    },
    "realistic": {
        "instance": 240.0,
        "instance_start": 60.0,
        "instance_stop": 60.0,
        "disk": 120.0,
        "image": 600.0,
        "image_copy": 900.0,
        "vpc": 10.0,
        "vswitch": 10.0,
        "instance_release": 30.0,
        "network_release": 60.0,
        "vswitch_delete": 5.0,
        "vpc_delete": 5.0,
        "request": 0.5,
        "client_token": 5.0,
        "charge_type": 10.0,
    },
}
PROFILE_NAMES: tuple[str, ...] = tuple(PROFILE_SECONDS)
DEFAULT_PROFILE = "fast"

# An image copy to a region farther than this takes longer: the data crosses more of the network.
_NEAR_KM = 500.0
_OVERSEAS_KM = 3000.0


def copy_distance_factor(source: RegionInfo, destination: RegionInfo) -> float:
    """How much longer than a nearby copy a copy between these regions takes: 1, 2 (far) or 3 (overseas)."""
    distance = distance_km(source, destination)
    if distance <= _NEAR_KM:
        return 1.0
    return 2.0 if distance <= _OVERSEAS_KM else 3.0


def parse_time_scale(text: str) -> float:
    """A time scale written as a number or a fraction: ``"1/60"``, ``"0.5"``, ``"2"``; ValueError otherwise."""
    try:
        value = float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"a time scale is a positive number or fraction such as 1/60 or 0.5, got {text!r}") from None
    return value


@dataclass(frozen=True, slots=True)
class TimeProfile:
    """A named set of durations, scaled by ``time_scale`` (see the module docstring)."""

    name: str = DEFAULT_PROFILE
    time_scale: float = 1.0

    @classmethod
    def checked(cls, name: object, time_scale: object = 1.0) -> TimeProfile:
        """The profile, or ValueError naming what is wrong (an unknown name, a scale that is not > 0)."""
        if name not in PROFILE_SECONDS:
            raise ValueError(f"unknown time profile {name!r}: use one of {', '.join(PROFILE_NAMES)}")
        if isinstance(time_scale, str):
            time_scale = parse_time_scale(time_scale)
        if (
            isinstance(time_scale, bool)
            or not isinstance(time_scale, int | float)
            or not math.isfinite(time_scale)
            or time_scale <= 0
        ):
            raise ValueError(f"time_scale must be a number > 0 (1/60 makes minutes seconds), got {time_scale!r}")
        return cls(str(name), float(time_scale))

    def seconds(self, kind: str) -> float:
        """How long ``kind`` takes under this profile."""
        return PROFILE_SECONDS[self.name][kind] * self.time_scale

    def copy_seconds(self, source: RegionInfo, destination: RegionInfo) -> float:
        """How long an image copy between two regions takes."""
        return self.seconds("image_copy") * copy_distance_factor(source, destination)

    def durations(self) -> dict[str, float]:
        """Every kind's duration in seconds, as the control API shows it."""
        return {kind: self.seconds(kind) for kind in TIMED_KINDS}

    def to_record(self) -> dict[str, Any]:
        return {"name": self.name, "time_scale": self.time_scale}
