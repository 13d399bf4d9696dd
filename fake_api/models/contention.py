"""What keeps objects busy for a while, so that a client meets the conflicts Alibaba answers with.

* Deletions take time: a released instance, a vSwitch or a VPC being deleted is still shown until it is
  gone (:meth:`ContentionRules.depart`); an instance's network interface outlives it a little longer and
  still holds its vSwitch and security groups (:class:`NetworkHold`), so deleting those answers
  ``DependencyViolation`` meanwhile.
* A change keeps its object busy until it is answered (:meth:`ContentionRules.claim`): a second change of
  the same object at the same time answers ``OperationConflict``.

How long each lasts comes from the cloud's time profile (:mod:`fake_api.models.profiles`). Example::

    backend.depart("vswitch", "vsw-1", backend.window("vswitch_delete"))
    backend.departing("vsw-1")     # True until the window has passed; then settle() removes it
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exceptions import FakeApiError, IncorrectVpcStatus, OperationConflict
from .base import RegionState
from .transitions import current_status

if TYPE_CHECKING:
    from .vpcs import Vpc

__all__ = ["DEPARTING_KINDS", "ContentionRules", "NetworkHold"]

# The objects whose deletion takes time, and the status they show until they are gone.
DEPARTING_KINDS: dict[str, str] = {"instance": "Stopping", "vswitch": "Pending", "vpc": "Pending"}


@dataclass(frozen=True, slots=True)
class NetworkHold:
    """The network interface of a released instance, still attached to its vSwitch and groups until ``until``."""

    instance_id: str
    vpc_id: str
    vswitch_id: str
    group_ids: tuple[str, ...]
    until: float

    def to_record(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "vpc_id": self.vpc_id,
            "vswitch_id": self.vswitch_id,
            "group_ids": list(self.group_ids),
            "until": self.until,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> NetworkHold:
        return cls(
            record["instance_id"],
            record.get("vpc_id", ""),
            record.get("vswitch_id", ""),
            tuple(record.get("group_ids") or ()),
            float(record["until"]),
        )


class ContentionRules(RegionState):
    """Departures, network holds and busy objects of one account in one region."""

    def window(self, kind: str) -> float:
        """How long a window ``kind`` (``request``, ``client_token``, ``vpc_delete``...) lasts from now."""
        return self.cloud.window(kind)

    # Departures -------------------------------------------------------------------------------------------
    def depart(self, kind: str, object_id: str, seconds: float) -> None:
        """``object_id`` (an instance, vSwitch or VPC) goes away ``seconds`` from now; at once when 0."""
        if seconds <= 0:
            self.finish_departure(kind, object_id, self.now())
        else:
            self.departures[object_id] = (kind, self.now() + seconds)

    def departing(self, object_id: str) -> bool:
        return object_id in self.departures

    def settle(self) -> None:
        """Remove the objects whose deletion is over and forget the holds that have ended."""
        if not self.departures and not self.network_holds:
            return
        now = self.now()
        due = sorted((gone_at, object_id, kind) for object_id, (kind, gone_at) in self.departures.items() if gone_at <= now)
        for gone_at, object_id, kind in due:
            del self.departures[object_id]
            self.finish_departure(kind, object_id, gone_at)
        self.network_holds = [hold for hold in self.network_holds if hold.until > now]

    def finish_departure(self, kind: str, object_id: str, gone_at: float) -> None:
        """Remove an object whose deletion ended at ``gone_at`` (the region's backend knows how, per kind)."""
        raise NotImplementedError

    def hold_network(self, instance_id: str, vpc_id: str, vswitch_id: str, group_ids: list[str], since: float) -> None:
        """The network interface of an instance gone at ``since`` holds its vSwitch and groups a while longer."""
        seconds = self.window("network_release")
        if seconds > 0 and vswitch_id:
            self.network_holds.append(NetworkHold(instance_id, vpc_id, vswitch_id, tuple(group_ids), since + seconds))

    def network_hold(
        self, *, vpc_id: str | None = None, vswitch_id: str | None = None, group_id: str | None = None
    ) -> NetworkHold | None:
        """A hold still on the VPC, vSwitch or security group, if any."""
        now = self.now()
        for hold in self.network_holds:
            if hold.until > now and (
                (vpc_id is not None and hold.vpc_id == vpc_id)
                or (vswitch_id is not None and hold.vswitch_id == vswitch_id)
                or (group_id is not None and group_id in hold.group_ids)
            ):
                return hold
        return None

    def check_not_deleted(self, object_id: str, what: str, error: type[FakeApiError]) -> None:
        if self.departing(object_id):
            raise error(f"{error.default_message} (the {what} {object_id} is being deleted)")

    def check_vpc_available(self, vpc: Vpc) -> None:
        """IncorrectVpcStatus for a VPC that is still Pending, or being deleted."""
        self.check_not_deleted(vpc.vpc_id, "VPC", IncorrectVpcStatus)
        status = current_status(vpc, self.now())
        if status != "Available":
            raise IncorrectVpcStatus(
                f"Current VPC status does not support this operation. (the VPC {vpc.vpc_id} is {status}: retry "
                "when it is Available)"
            )

    # Busy objects -----------------------------------------------------------------------------------------
    def claim(self, object_id: str, what: str) -> None:
        """A change of ``object_id`` starts: OperationConflict while another change of it is being processed.

        The object stays busy for the ``request`` window, which is also how long the wire layer takes to
        answer a change: a client that waits for its answers never meets the conflict, two at once do.
        """
        now = self.now()
        if self.busy_until.get(object_id, 0.0) > now:
            raise OperationConflict(
                f"Request was denied due to conflict with a previous request. (another change of {what} "
                f"{object_id} is being processed: retry when it has been answered)"
            )
        seconds = self.window("request")
        if seconds > 0:
            self.busy_until[object_id] = now + seconds
            if len(self.busy_until) > 1000:  # forget the windows that have passed
                self.busy_until = {k: v for k, v in self.busy_until.items() if v > now}

    # World records ----------------------------------------------------------------------------------------
    def dump_contention(self) -> dict[str, Any]:
        return {
            "departures": [
                {"id": object_id, "kind": kind, "gone_at": gone_at} for object_id, (kind, gone_at) in self.departures.items()
            ],
            "network_holds": [hold.to_record() for hold in self.network_holds],
        }

    def load_contention(self, record: dict[str, Any]) -> None:
        for entry in record.get("departures") or []:
            if entry.get("kind") not in DEPARTING_KINDS:
                raise ValueError(f"a departure's kind is one of {', '.join(DEPARTING_KINDS)}, got {entry.get('kind')!r}")
            self.departures[str(entry["id"])] = (entry["kind"], float(entry["gone_at"]))
        self.network_holds.extend(NetworkHold.from_record(hold) for hold in record.get("network_holds") or [])
