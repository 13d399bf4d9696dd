"""``ecsclone_vpc``: CreateVpc, wait until Available; names and descriptions change in place."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.schema import VPC

from ._adoption import create_by_generation, find_owned, ownership_of, ownership_tags, retag_owner
from ._resource import EcsCloneResource, if_exists, is_known, known_values, observed

if TYPE_CHECKING:
    from cdk_clone.ownership import Ownership

    from ._provider import EcsClonePlugin

__all__ = ["VpcResource", "check_cidr"]


def check_cidr(diags: Diagnostics, value: Any, path: str = "cidr_block") -> None:
    """Report a CIDR block that is not an IPv4 network address with a prefix, such as 172.16.0.0/12."""
    if not is_known(value):
        return
    try:
        network = ipaddress.ip_network(value, strict=True)
        if network.version != 4 or "/" not in value:
            raise ValueError("an IPv4 block with a /prefix is needed")
    except ValueError as error:
        diags.add_error(
            "Invalid CIDR block",
            f"{path} = {value!r} is not an IPv4 CIDR block ({error}); write the network address and prefix, "
            "e.g. 172.16.0.0/12 or 192.168.1.0/24.",
            path=[path],
        )


class VpcResource(EcsCloneResource):
    """``resource "ecsclone_vpc" "net" { cidr_block = "172.16.0.0/12" }``."""

    spec = VPC

    def __init__(self, provider: EcsClonePlugin) -> None:
        super().__init__(provider)
        # VPC ID -> the route table CreateVpc answered with, until create_object records it.
        self._created_route_tables: dict[str, str | None] = {}

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        check_cidr(diags, config.get("cidr_block"))

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        ownership = ownership_of(self, planned)
        # A VPC an interrupted run made with this owner and CIDR is taken over, never made twice.
        adopted = next(
            (v for v in find_owned(self.client, "vpc", ownership) if v.get("CidrBlock") == planned["cidr_block"]),
            None,
        ) if ownership else None
        vpc_id = adopted["VpcId"] if adopted else self._create(planned, ownership)
        # DescribeVpcs does not always name the route table; CreateVpc did (and a retried create answers the same).
        route_table_id = self._created_route_tables.pop(vpc_id, None)
        self.partial_state = {**known_values(planned), "id": vpc_id, "route_table_id": route_table_id}
        vpc = self._wait_available(vpc_id, self.timeout(planned, "create"))
        return self._state({**planned, "route_table_id": route_table_id}, vpc)

    def _create(self, planned: State, ownership: Ownership | None) -> str:
        params = {
            "CidrBlock": planned["cidr_block"],
            "VpcName": planned.get("vpc_name"),
            "Description": planned.get("description"),
            "Tag": ownership_tags(ownership) or None,
        }

        def create(token: str | None) -> str:
            answer = self.client.vpc("CreateVpc", {**params, "ClientToken": token}, idempotent=True)
            vpc_id = str(answer["VpcId"])
            self._created_route_tables[vpc_id] = answer.get("RouteTableId")
            return vpc_id

        return create_by_generation(
            ownership,
            "CreateVpc",
            create=create,
            exists=lambda vpc_id: self._describe(vpc_id) is not None,
            pause=self.provider.poll_interval,
        )

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        vpc = self._describe(current["id"])
        return None if vpc is None else self._state(current, vpc)

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        self.client.vpc(
            "ModifyVpcAttribute",
            {"VpcId": current["id"], "VpcName": planned.get("vpc_name"), "Description": planned.get("description")},
        )
        if planned.get("owner") != current.get("owner"):
            retag_owner(self.client, "vpc", [current["id"]], ownership_of(self, planned))
        vpc = self._wait_available(current["id"], self.timeout(planned, "update"))
        return self._state(planned, vpc)

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        from cdk_clone.api import DELETE_DEPENDENCY_CODES, NETWORK_BUSY_CODES

        vpc_id = current["id"]
        # Right after its vSwitches or security groups go, the VPC may still count them for a moment.
        if_exists(
            lambda: self.when_free(
                lambda: self.client.vpc("DeleteVpc", {"VpcId": vpc_id}),
                codes=(*DELETE_DEPENDENCY_CODES, *NETWORK_BUSY_CODES),
                state=current,
                operation="delete",
                what=f"delete VPC {vpc_id}",
            )
        )
        self.wait_gone(
            lambda: self._describe(vpc_id), timeout=self.timeout(current, "delete"), what=f"VPC {vpc_id} to be deleted"
        )

    def _describe(self, vpc_id: str) -> dict[str, Any] | None:
        answer = if_exists(self.client.vpc, "DescribeVpcs", {"VpcId": vpc_id}) or {}
        return next((v for v in answer.get("Vpcs", {}).get("Vpc", []) if v.get("VpcId") == vpc_id), None)

    def _wait_available(self, vpc_id: str, timeout: float) -> dict[str, Any]:
        return self.wait(
            lambda: self._describe(vpc_id),
            ready=lambda vpc: vpc.get("Status") == "Available",
            timeout=timeout,
            what=f"VPC {vpc_id} to become Available",
        )

    def _state(self, prior: State, vpc: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": vpc["VpcId"],
            "cidr_block": vpc.get("CidrBlock", prior.get("cidr_block")),
            "vpc_name": observed(prior.get("vpc_name"), vpc.get("VpcName"), importing=self.importing),
            "description": observed(prior.get("description"), vpc.get("Description"), importing=self.importing),
            "status": vpc.get("Status"),
            "router_id": vpc.get("VRouterId"),
            # DescribeVpcs does not always name the route table; CreateVpc did, and it never changes.
            "route_table_id": vpc.get("RouteTableId")
            or next(iter((vpc.get("RouterTableIds") or {}).get("RouterTableIds") or []), None)
            or known_values(prior).get("route_table_id"),
            "owner": prior.get("owner"),
            "timeouts": prior.get("timeouts"),
        }
