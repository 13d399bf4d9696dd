"""Deployment set actions: CreateDeploymentSet, DescribeDeploymentSets, DeleteDeploymentSet."""

from __future__ import annotations

from typing import Any

from ..models.deployment_sets import DEPLOYMENT_STRATEGIES, INSTANCES_PER_ZONE, DeploymentSet
from ..models.region import RegionBackend
from .base import ECS_VERSION, Request, action, paged

__all__ = ["render_deployment_set"]


def render_deployment_set(backend: RegionBackend, deployment_set: DeploymentSet) -> dict[str, Any]:
    members = [i for i in backend.instances.values() if i.settings.deployment_set_id == deployment_set.deployment_set_id]
    limited = deployment_set.strategy != "LowLatency"
    per_zone = INSTANCES_PER_ZONE * deployment_set.group_count
    return {
        "DeploymentSetId": deployment_set.deployment_set_id,
        "DeploymentSetName": deployment_set.name,
        "DeploymentSetDescription": deployment_set.description,
        "DeploymentStrategy": deployment_set.strategy,
        "Strategy": deployment_set.strategy,
        "GroupCount": deployment_set.group_count,
        "Affinity": 1,
        "Type": "host",
        "Domain": "Default",
        "Granularity": "Host",
        "AccountId": "",
        "CreationTime": deployment_set.creation_time,
        "InstanceAmount": len(members),
        "InstanceIds": {"InstanceId": [i.instance_id for i in members]},
        "Capacities": {
            "Capacity": [
                {
                    "ZoneId": zone_id,
                    "UsedAmount": used,
                    "AvailableAmount": max(per_zone - used, 0) if limited else 0,
                }
                for zone_id in backend.region.zone_ids
                if (used := sum(1 for i in members if i.zone_id == zone_id)) or limited
            ]
        },
    }


@action(ECS_VERSION, "CreateDeploymentSet")
def create_deployment_set(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    arguments = (
        p.text("DeploymentSetName"),
        p.text("Description"),
        p.text("Strategy"),
        p.integer("GroupCount", None, low=0, high=100),
        p.text("OnUnableToRedeployFailedInstance"),
    )
    deployment_set = backend.create_deployment_set(*arguments, dry_run=p.boolean("DryRun"))
    return {"DeploymentSetId": deployment_set.deployment_set_id}


@action(ECS_VERSION, "DescribeDeploymentSets")
def describe_deployment_sets(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    selection = backend.describe_deployment_sets(
        p.json_list("DeploymentSetIds", high=100),
        p.text("DeploymentSetName"),
        p.choice("Strategy", DEPLOYMENT_STRATEGIES),
    )

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        return [render_deployment_set(backend, d) for d in selection.page(offset, size)]

    sets, paging = paged(p, selection.total, rows, max_size=50)
    return {"DeploymentSets": {"DeploymentSet": sets}, "RegionId": backend.region_id, **paging}


@action(ECS_VERSION, "DeleteDeploymentSet")
def delete_deployment_set(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.delete_deployment_set(p.required("DeploymentSetId"), dry_run=p.boolean("DryRun"))
    return {}
