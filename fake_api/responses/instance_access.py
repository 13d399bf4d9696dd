"""What an instance is given beyond its launch answer: user data, RAM role, renewal settings.

DescribeUserData, DescribeInstanceRamRole, AttachInstanceRamRole, DetachInstanceRamRole,
DescribeInstanceAutoRenewAttribute.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidInstanceIdsMalformed, InvalidParameter, MissingParameter
from ..models.instances import RoleResult
from .base import ECS_VERSION, Request, action, paged

__all__: list[str] = []


@action(ECS_VERSION, "DescribeUserData")
def describe_user_data(request: Request) -> dict[str, Any]:
    backend = request.backend_for_instance()
    instance = backend.get_instance(request.params.required("InstanceId"))
    return {"InstanceId": instance.instance_id, "RegionId": backend.region_id, "UserData": instance.settings.user_data}


def _instance_ids(request: Request, required: bool) -> list[str] | None:
    ids = request.params.json_list("InstanceIds", high=100)
    if ids is None and required:
        raise InvalidInstanceIdsMalformed("InstanceIds is required: a JSON array of 1 to 100 instance IDs.")
    return ids


@action(ECS_VERSION, "DescribeInstanceRamRole")
def describe_instance_ram_role(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    pairs = backend.instance_ram_roles(_instance_ids(request, required=False), p.text("RamRoleName"))

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        return [{"InstanceId": i, "RamRoleName": r} for i, r in pairs[offset : offset + size]]

    sets, paging = paged(p, len(pairs), rows, max_size=50)
    return {
        "InstanceRamRoleSets": {"InstanceRamRoleSet": sets},
        "RegionId": backend.region_id,
        "TotalCount": paging["TotalCount"],
    }


def _results(results: list[RoleResult], role_name: str, detach: bool) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for result in results:
        row: dict[str, Any] = {
            "InstanceId": result.instance_id,
            "Success": result.success,
            "Code": result.code,
            "Message": result.message,
        }
        if detach:
            detached = [{"InstanceId": result.instance_id, "RamRoleName": result.role_name}] if result.success else []
            row["InstanceRamRoleSets"] = {"InstanceRamRoleSet": detached}
        rows.append(row)
    kind = "DetachInstanceRamRoleResult" if detach else "AttachInstanceRamRoleResult"
    return {
        f"{kind}s": {kind: rows},
        "TotalCount": len(results),
        "FailCount": sum(1 for r in results if not r.success),
        "RamRoleName": role_name,
    }


@action(ECS_VERSION, "AttachInstanceRamRole")
def attach_instance_ram_role(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    role_name = p.required("RamRoleName")
    ids = _instance_ids(request, required=True)
    assert ids is not None
    policy = p.text("Policy")
    if policy is not None and not (1 <= len(policy) <= 1024):
        raise InvalidParameter("Policy must be 1 to 1,024 characters long.")
    return _results(backend.attach_ram_role(ids, role_name), role_name, detach=False)


@action(ECS_VERSION, "DetachInstanceRamRole")
def detach_instance_ram_role(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    ids = _instance_ids(request, required=True)
    assert ids is not None
    role_name = p.text("RamRoleName")
    results = backend.detach_ram_role(ids, role_name)
    detached = role_name or next((r.role_name for r in results if r.success), "")
    return _results(results, detached, detach=True)


@action(ECS_VERSION, "DescribeInstanceAutoRenewAttribute")
def describe_instance_auto_renew_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    ids = p.comma_list("InstanceId", high=100)
    status = p.choice("RenewalStatus", ("AutoRenewal", "Normal", "NotRenewal"))
    if ids is None and status is None:
        raise MissingParameter("DescribeInstanceAutoRenewAttribute needs InstanceId (comma-separated) or RenewalStatus.")
    instances = [backend.get_instance(i) for i in dict.fromkeys(ids)] if ids is not None else list(
        backend.instances.values()
    )
    rows = []
    for instance in instances:
        renewal = "AutoRenewal" if instance.settings.auto_renew else "Normal"
        if status is not None and renewal != status:
            continue
        rows.append(
            {
                "InstanceId": instance.instance_id,
                "AutoRenewEnabled": instance.settings.auto_renew,
                "Duration": instance.settings.auto_renew_period,
                "PeriodUnit": instance.period_unit or "Month",
                "RenewalStatus": renewal,
                "EnableExpectedRenewDay": False,
            }
        )

    def page(offset: int, size: int) -> list[dict[str, Any]]:
        return rows[offset : offset + size]

    attributes, paging = paged(p, len(rows), page, max_size=100)
    return {"InstanceRenewAttributes": {"InstanceRenewAttribute": attributes}, **paging}
