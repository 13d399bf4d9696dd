"""CloneTask: clones of up to 20 source instances that share their network and security-group replicas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from cdk_clone._cdktf import Construct, TerraformOutput, check_same_cdk, create_construct
from cdk_clone.constructs._replicas import ReplicaPool
from cdk_clone.constructs._tree import adopt, path_of, stack_of
from cdk_clone.constructs.destination_checks import given_vswitch
from cdk_clone.constructs.instance_clone import COLLECTS_CLONE_OUTPUTS, InstanceClone, output_name
from cdk_clone.constructs.props import CloneOptionArgs, CloneTaskProps, validate
from cdk_clone.lookup.snapshot import SourceInstance

__all__ = ["CloneTask"]


class CloneTask(Construct):
    """The console's clone task: 1 to 20 sources from one region, each cloned ``amount`` times.

    Every option is :class:`InstanceClone`'s and applies to each source. Sources that share a VPC share one
    VPC replica, one vSwitch replica per source vSwitch and one replica per security group. Each source
    becomes an :class:`InstanceClone` child named after its instance ID (see ``clones``).

    The task declares ONE Terraform output, ``cdk_clone_<task path below the stack>`` (``output``), whose
    value is ``{"clones": {<source instance ID>: <that clone's output_value>}}``: the same per-clone object
    a standalone InstanceClone's own output holds. ``cdk-clone deploy`` and ``verify`` read both shapes.

    Example::

        task = CloneTask(stack, "task", sources=["i-bp1d3m0s0urce00001", "i-bp1d3m0s0urce00002"],
                         source_region="cn-hangzhou", destination_region="cn-shanghai", amount=3)
        [clone.instance_ids for clone in task.clones]
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        sources: Sequence[str | SourceInstance],
        source_region: str | None = None,
        **options: Unpack[CloneOptionArgs],
    ) -> None:
        props = validate(
            CloneTaskProps, f"CloneTask {id!r}", {"sources": sources, "source_region": source_region, **options}
        )
        # Before any look-up: an app on the other CDK package fails at once, offline.
        check_same_cdk(scope, f"CloneTask {id!r}")
        # Sources given by ID are looked up together: what they share (VPC, vSwitch, groups) is read once.
        by_id = [s for s in props.sources if not isinstance(s, SourceInstance)]
        looked_up: dict[str, SourceInstance] = {}
        if by_id:
            # Imported here: the look-up pulls in the API client, which apps giving explicit snapshots never need.
            from cdk_clone.lookup import context

            found = context.lookup_source_instances(by_id, _region(props), context_file=props.context_file)
            looked_up = dict(zip(by_id, found, strict=True))
        snapshots = [s if isinstance(s, SourceInstance) else looked_up[s] for s in props.sources]
        if props.destination_vswitch_id is not None:
            # Every source's clones go into the given vSwitch: it must have room for all of them.
            destination = props.destination_region or snapshots[0].region_id
            given_vswitch(f"CloneTask {id!r}", snapshots[0], props, destination, sources=len(snapshots))
        create_construct(self, scope, id)
        adopt(self, scope, id)
        self.props = props
        self.sources = snapshots
        # Found by each InstanceClone child through its scope: one pool, so replicas are shared; and the
        # children leave their outputs to the task's one.
        self.replica_pool = ReplicaPool(self, snapshots, {s.instance_id: props.amount for s in snapshots})
        setattr(self, COLLECTS_CLONE_OUTPUTS, True)
        self.clones: list[InstanceClone] = [
            InstanceClone(self, snapshot.instance_id, source=snapshot, **props.options()) for snapshot in snapshots
        ]
        path = path_of(self)
        self.output = TerraformOutput(
            self,
            "Output",
            value={"clones": {clone.source.instance_id: clone.output_value for clone in self.clones}},
            description=f"cdk-clone: clones of {len(self.clones)} source(s) ({path})",
        )
        """The task's Terraform output, ``cdk_clone_<path>``: ``{"clones": {<source ID>: <clone's value>}}``."""
        self.output.override_logical_id(output_name(path, path_of(stack_of(self))))


def _region(props: CloneTaskProps) -> str:
    assert props.source_region is not None  # CloneTaskProps requires it when a source is given by ID
    return props.source_region
