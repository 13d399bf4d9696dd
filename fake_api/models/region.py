"""One account's backend in one region: every resource family's rules over one shared state."""

from __future__ import annotations

from typing import Any

from .vpcs import VpcRules

__all__ = ["RegionBackend"]


class RegionBackend(VpcRules):
    """ECS and VPC state of one account in one region (moto style: one mixin per resource family)."""

    def load(self, record: dict[str, Any]) -> None:
        """Add the resources of a region record (the shape :meth:`dump` returns)."""
        if "instance_quota" in record:
            self.instance_quota = int(record["instance_quota"])
        for vpc in record.get("vpcs") or []:
            self.load_vpc(vpc)
        for vswitch in record.get("vswitches") or []:
            self.load_vswitch(vswitch)

    def dump(self) -> dict[str, Any]:
        return {
            "instance_quota": self.instance_quota,
            "vpcs": [v.to_record() for v in self.vpcs.values()],
            "vswitches": [v.to_record() for v in self.vswitches.values()],
        }
