"""Deployment sets: regional groups that spread their instances over distinct physical hosts.

Modelled as far as a clone needs: CreateDeploymentSet, DescribeDeploymentSets, DeleteDeploymentSet (refused
while it holds instances), and ``DeploymentSetId`` / ``DeploymentSetGroupNo`` on RunInstances. The
``Availability`` strategy takes at most 20 instances per zone; ``AvailabilityGroup`` spreads instances over
its groups (1 to 7, ``GroupCount``) with at most 20 per group and zone; ``LowLatency`` has no such limit in
the fake.

Example::

    backend = FakeCloud("demo").backend("testid", "cn-hangzhou")
    ds = backend.create_deployment_set("web-spread")
    ds.strategy, ds.group_count                           # ('Availability', 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..exceptions import (
    DependencyViolationNotEmpty,
    DeploymentSetNotFound,
    DryRunOperation,
    InvalidDeploymentSetNameMalformed,
    InvalidParameter,
    InvalidParameterStrategy,
    QuotaExceedDeploymentSetInstanceQuotaFull,
)
from .base import RegionState, Selection, iso_time
from .validation import check_description, letter_name

__all__ = ["DEPLOYMENT_STRATEGIES", "INSTANCES_PER_ZONE", "DeploymentSet", "DeploymentSetRules"]

DEPLOYMENT_STRATEGIES: tuple[str, ...] = ("Availability", "AvailabilityGroup", "LowLatency")
INSTANCES_PER_ZONE = 20  # per zone (and per group, for AvailabilityGroup)


@dataclass(slots=True)
class DeploymentSet:
    deployment_set_id: str
    name: str
    description: str
    strategy: str
    group_count: int
    creation_time: str
    on_unable_to_redeploy: str = "CancelMembershipAndStart"

    def to_record(self) -> dict[str, Any]:
        return {
            "deployment_set_id": self.deployment_set_id,
            "name": self.name,
            "description": self.description,
            "strategy": self.strategy,
            "group_count": self.group_count,
            "creation_time": self.creation_time,
            "on_unable_to_redeploy": self.on_unable_to_redeploy,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], default_id: str, now_text: str) -> DeploymentSet:
        strategy = record.get("strategy", "Availability")
        if strategy not in DEPLOYMENT_STRATEGIES:
            raise ValueError(f"deployment set strategy {strategy!r} is not one of {', '.join(DEPLOYMENT_STRATEGIES)}")
        return cls(
            deployment_set_id=record.get("deployment_set_id") or default_id,
            name=record.get("name", ""),
            description=record.get("description", ""),
            strategy=strategy,
            group_count=int(record.get("group_count") or 1),
            creation_time=record.get("creation_time") or now_text,
            on_unable_to_redeploy=record.get("on_unable_to_redeploy", "CancelMembershipAndStart"),
        )


class DeploymentSetRules(RegionState):
    """CreateDeploymentSet, DescribeDeploymentSets, DeleteDeploymentSet, and placing launches in a set."""

    def get_deployment_set(self, deployment_set_id: str) -> DeploymentSet:
        found = self.deployment_sets.get(deployment_set_id)
        if found is None:
            raise DeploymentSetNotFound(
                f"The deployment set {deployment_set_id[:60]!r} does not exist in {self.region_id}: deployment "
                "sets are regional."
            )
        return found

    def create_deployment_set(
        self,
        name: str | None = None,
        description: str | None = None,
        strategy: str | None = None,
        group_count: int | None = None,
        on_unable_to_redeploy: str | None = None,
        *,
        dry_run: bool = False,
    ) -> DeploymentSet:
        if name is not None:
            letter_name(name, "deployment set name", InvalidDeploymentSetNameMalformed)
        if description is not None:
            check_description(description)
        strategy = strategy or "Availability"
        if strategy not in DEPLOYMENT_STRATEGIES:
            raise InvalidParameterStrategy(f"Strategy {strategy[:40]!r} is not valid: use {', '.join(DEPLOYMENT_STRATEGIES)}.")
        groups = 1
        if strategy == "AvailabilityGroup":
            groups = 3 if group_count is None else group_count
            if not (1 <= groups <= 7):
                raise InvalidParameter(f"GroupCount is {groups}; it must be from 1 to 7.")
        policy = on_unable_to_redeploy or "CancelMembershipAndStart"
        if policy not in ("CancelMembershipAndStart", "KeepStopped"):
            raise InvalidParameter(
                f"OnUnableToRedeployFailedInstance {policy[:40]!r} is not valid: use CancelMembershipAndStart or KeepStopped."
            )
        if dry_run:
            raise DryRunOperation()
        deployment_set = DeploymentSet(
            deployment_set_id=self.new_id("ds", self.deployment_sets),
            name=name or "",
            description=description or "",
            strategy=strategy,
            group_count=groups,
            creation_time=iso_time(self.now()),
            on_unable_to_redeploy=policy,
        )
        self.deployment_sets[deployment_set.deployment_set_id] = deployment_set
        return deployment_set

    def deployment_set_members(self, deployment_set_id: str) -> list[str]:
        return [i.instance_id for i in self.instances.values() if i.settings.deployment_set_id == deployment_set_id]

    def place_in_deployment_set(
        self, deployment_set_id: str, zone_id: str, count: int, group_no: int | None
    ) -> list[int]:
        """The group number of each of ``count`` new instances (0 outside AvailabilityGroup), or a refusal."""
        deployment_set = self.get_deployment_set(deployment_set_id)
        members = [i for i in self.instances.values() if i.settings.deployment_set_id == deployment_set_id and i.zone_id == zone_id]
        if deployment_set.strategy == "LowLatency":
            return [0] * count
        if deployment_set.strategy == "Availability":
            if len(members) + count > INSTANCES_PER_ZONE:
                raise QuotaExceedDeploymentSetInstanceQuotaFull(
                    f"The deployment set {deployment_set_id} holds {len(members)} instances in {zone_id}; "
                    f"{count} more would pass its limit of {INSTANCES_PER_ZONE} per zone."
                )
            return [0] * count
        if group_no is not None and not (1 <= group_no <= deployment_set.group_count):
            raise InvalidParameter(
                f"DeploymentSetGroupNo is {group_no}; deployment set {deployment_set_id} has groups 1 to "
                f"{deployment_set.group_count}."
            )
        used = {n: sum(1 for m in members if m.settings.deployment_set_group_no == n) for n in range(1, deployment_set.group_count + 1)}
        placed: list[int] = []
        for _ in range(count):
            number = group_no if group_no is not None else min(used, key=lambda n: (used[n], n))
            if used[number] >= INSTANCES_PER_ZONE:
                raise QuotaExceedDeploymentSetInstanceQuotaFull(
                    f"Group {number} of deployment set {deployment_set_id} is full in {zone_id} "
                    f"({INSTANCES_PER_ZONE} instances)."
                )
            used[number] += 1
            placed.append(number)
        return placed

    def describe_deployment_sets(
        self, ids: list[str] | None = None, name: str | None = None, strategy: str | None = None
    ) -> Selection[DeploymentSet]:
        pool = [self.deployment_sets[i] for i in dict.fromkeys(ids) if i in self.deployment_sets] if ids is not None else list(
            self.deployment_sets.values()
        )
        matches = [d for d in pool if (name is None or d.name == name) and (strategy is None or d.strategy == strategy)]
        return Selection(len(matches), matches)

    def delete_deployment_set(self, deployment_set_id: str, *, dry_run: bool = False) -> None:
        self.get_deployment_set(deployment_set_id)
        members = self.deployment_set_members(deployment_set_id)
        if members:
            raise DependencyViolationNotEmpty(
                f"The deployment set {deployment_set_id} still holds instance(s) {', '.join(members[:5])}: release "
                "them first."
            )
        if dry_run:
            raise DryRunOperation()
        del self.deployment_sets[deployment_set_id]

    def load_deployment_set(self, record: dict[str, Any]) -> DeploymentSet:
        deployment_set = DeploymentSet.from_record(record, self.new_id("ds", self.deployment_sets), iso_time(self.now()))
        self.deployment_sets[deployment_set.deployment_set_id] = deployment_set
        return deployment_set
