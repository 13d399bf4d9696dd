"""``ecsclone_vswitch``: CreateVSwitch (one at a time per VPC), wait until Available."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.schema import VSWITCH

from ._adoption import create_by_generation, find_owned, ownership_of, ownership_tags, retag_owner
from ._resource import EcsCloneResource, if_exists, is_known, known_values, observed, vpc_lock

if TYPE_CHECKING:
    from cdk_clone.ownership import Ownership
from .vpc import check_cidr

__all__ = ["VSwitchResource"]


class VSwitchResource(EcsCloneResource):
    """``resource "ecsclone_vswitch" "a" { vpc_id = ..., zone_id = "cn-hangzhou-h", cidr_block = "172.16.1.0/24" }``."""

    spec = VSWITCH

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        cidr = config.get("cidr_block")
        check_cidr(diags, cidr)
        if is_known(cidr):
            try:
                prefix = ipaddress.ip_network(cidr, strict=True).prefixlen
            except ValueError:
                return
            if not 16 <= prefix <= 29:
                diags.add_error(
                    "Invalid vSwitch CIDR block",
                    f"cidr_block = {cidr!r} has a /{prefix} mask; a vSwitch needs a mask from /16 to /29.",
                    path=["cidr_block"],
                )

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        vpc_id = planned["vpc_id"]
        ownership = ownership_of(self, planned)
        params = {
            "VpcId": vpc_id,
            "ZoneId": planned["zone_id"],
            "CidrBlock": planned["cidr_block"],
            "VSwitchName": planned.get("vswitch_name"),
            "Description": planned.get("description"),
            "Tag": ownership_tags(ownership) or None,
        }
        from cdk_clone.api import NETWORK_BUSY_CODES

        # The lock serialises this process's creates in one VPC; the retry covers everyone else's (and a VPC
        # still Pending). The VPC API refuses a second vSwitch operation in a VPC while one is running.
        with vpc_lock(vpc_id):
            adopted = self._adoptable(planned, ownership) if ownership else None
            vswitch_id = adopted["VSwitchId"] if adopted else create_by_generation(
                ownership,
                "CreateVSwitch",
                create=lambda token: str(
                    self.when_free(
                        lambda: self.client.vpc("CreateVSwitch", {**params, "ClientToken": token}, idempotent=True),
                        codes=NETWORK_BUSY_CODES,
                        state=planned,
                        operation="create",
                        what=f"create a vSwitch in VPC {vpc_id}",
                    )["VSwitchId"]
                ),
                exists=lambda vswitch_id: self._describe(vswitch_id) is not None,
                pause=self.provider.poll_interval,
            )
            self.partial_state = {**known_values(planned), "id": vswitch_id}
            vswitch = self._wait_available(vswitch_id, self.timeout(planned, "create"))
        return self._state(planned, vswitch)

    def _adoptable(self, planned: State, ownership: Ownership) -> dict[str, Any] | None:
        """The vSwitch an interrupted run made for this owner, with this zone and CIDR, if there is one."""
        found = find_owned(self.client, "vswitch", ownership, within={"VpcId": planned["vpc_id"]})
        return next(
            (
                v
                for v in found
                if v.get("ZoneId") == planned["zone_id"] and v.get("CidrBlock") == planned["cidr_block"]
            ),
            None,
        )

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        vswitch = self._describe(current["id"])
        return None if vswitch is None else self._state(current, vswitch)

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        self.client.vpc(
            "ModifyVSwitchAttribute",
            {
                "VSwitchId": current["id"],
                "VSwitchName": planned.get("vswitch_name"),
                "Description": planned.get("description"),
            },
        )
        if planned.get("owner") != current.get("owner"):
            retag_owner(self.client, "vswitch", [current["id"]], ownership_of(self, planned))
        vswitch = self._wait_available(current["id"], self.timeout(planned, "update"))
        return self._state(planned, vswitch)

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        from cdk_clone.api import DELETE_DEPENDENCY_CODES, NETWORK_BUSY_CODES

        vswitch_id = current["id"]
        # Instances released a moment ago may still hold the vSwitch; another vSwitch of the VPC may be going.
        if_exists(
            lambda: self.when_free(
                lambda: self.client.vpc("DeleteVSwitch", {"VSwitchId": vswitch_id}),
                codes=(*DELETE_DEPENDENCY_CODES, *NETWORK_BUSY_CODES),
                state=current,
                operation="delete",
                what=f"delete vSwitch {vswitch_id}",
            )
        )
        self.wait_gone(
            lambda: self._describe(vswitch_id),
            timeout=self.timeout(current, "delete"),
            what=f"vSwitch {vswitch_id} to be deleted",
        )

    def _describe(self, vswitch_id: str) -> dict[str, Any] | None:
        answer = if_exists(self.client.vpc, "DescribeVSwitches", {"VSwitchId": vswitch_id}) or {}
        vswitches = answer.get("VSwitches", {}).get("VSwitch", [])
        return next((v for v in vswitches if v.get("VSwitchId") == vswitch_id), None)

    def _wait_available(self, vswitch_id: str, timeout: float) -> dict[str, Any]:
        return self.wait(
            lambda: self._describe(vswitch_id),
            ready=lambda vswitch: vswitch.get("Status") == "Available",
            timeout=timeout,
            what=f"vSwitch {vswitch_id} to become Available",
        )

    def _state(self, prior: State, vswitch: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": vswitch["VSwitchId"],
            "vpc_id": vswitch.get("VpcId", prior.get("vpc_id")),
            "zone_id": vswitch.get("ZoneId", prior.get("zone_id")),
            "cidr_block": vswitch.get("CidrBlock", prior.get("cidr_block")),
            "vswitch_name": observed(prior.get("vswitch_name"), vswitch.get("VSwitchName"), importing=self.importing),
            "description": observed(prior.get("description"), vswitch.get("Description"), importing=self.importing),
            "status": vswitch.get("Status"),
            "owner": prior.get("owner"),
            "timeouts": prior.get("timeouts"),
        }
