"""InstanceClone: N clones of one ECS instance, composed per the clone semantics of the ECS console."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Unpack

from cdk_clone._cdktf import Annotations, Construct, TerraformOutput, check_same_cdk, create_construct
from cdk_clone.bindings import EcscloneInstanceGroup, EcsCloneProvider
from cdk_clone.constructs._replicas import ReplicaPool
from cdk_clone.constructs._tree import adopt, logical_id, path_of, stack_of
from cdk_clone.constructs.clone_settings import copied_settings
from cdk_clone.constructs.destination_checks import check_destination
from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.constructs.image import CloneImage
from cdk_clone.constructs.network import VpcReplica, VSwitchReplica
from cdk_clone.constructs.props import CloneOptionArgs, InstanceCloneProps, validate
from cdk_clone.constructs.providers import provider_for_region
from cdk_clone.lookup.snapshot import SourceInstance

__all__ = ["OUTPUT_PREFIX", "InstanceClone", "output_name"]

OUTPUT_PREFIX = "cdk_clone_"
"""The Terraform output of a standalone clone, or of a whole CloneTask, is named
``cdk_clone_<construct path below the stack>``."""

# Set (to True) on a scope that declares one output for all the InstanceClones made directly in it
# (CloneTask): those clones then declare none of their own.
COLLECTS_CLONE_OUTPUTS = "_collects_clone_outputs"


# The instance group's construct id. Its logical ID follows from it, and the output references the group by
# that ID: overriding the group's logical ID afterwards would leave the output pointing at the old one.
_INSTANCE_GROUP_ID = "Instances"


def output_name(construct_path: str, stack_path: str) -> str:
    """The Terraform output name of the clone or task at ``construct_path``: ``cdk_clone_`` + its path below
    the stack, with every character Terraform does not allow in a name (``/``, ``.``...) turned into ``_``."""
    relative = construct_path.removeprefix(stack_path).lstrip("/")
    return OUTPUT_PREFIX + re.sub(r"[^A-Za-z0-9_-]", "_", relative)


class InstanceClone(Construct):
    """``amount`` clones of one ECS instance, as the ECS console's clone feature makes them.

    The source is looked up by ID (cached in ``cdk-clone.context.json`` beside the app, so later synths are
    offline) or given as a :class:`~cdk_clone.SourceInstance` snapshot. The props are checked first, before
    any look-up; a wrong value raises :class:`CloneConfigurationError` naming the field, value and rule.

    What is declared follows the source and the destination:

    * same region, without instance data: clones boot from the source's own image (which must still be
      visible); with ``include_instance_data=True``: from a ``TemplateScratch-...`` image of the source;
    * another region: always an image of the source, copied to the destination; clones boot from the copy;
      the source's VPC and vSwitch are replicated with the same CIDR blocks (unless
      ``destination_vpc_id`` / ``destination_vswitch_id`` are given), in ``destination_zone_id`` or the
      region's first zone;
    * another VPC or region: each source security group is replicated with its rules; same VPC: the clones
      join the source's groups;
    * the source's instance type (a similar one when sold out, at apply time), charge type and period;
      its private IP when a destination vSwitch is given and ``amount == 1``.

    It declares a Terraform output ``cdk_clone_<path below the stack>`` describing the clone group
    (:attr:`output_value`), which ``cdk-clone deploy`` prints and ``cdk-clone verify`` checks; inside a
    :class:`CloneTask` the task declares one output for all its clones instead.

    Example::

        app = App()
        stack = TerraformStack(app, "clones")
        web = InstanceClone(stack, "web", source_instance_id="i-bp1d3m0s0urce00001",
                            source_region="cn-hangzhou", destination_region="cn-shanghai", amount=2)
        TerraformOutput(stack, "ips", value=web.private_ips)
        app.synth()
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source_instance_id: str | None = None,
        source_region: str | None = None,
        source: SourceInstance | None = None,
        **options: Unpack[CloneOptionArgs],
    ) -> None:
        # Validation comes first: nothing is looked up or declared for props that cannot work.
        owner = f"InstanceClone {id!r}"
        props = validate(
            InstanceCloneProps,
            owner,
            {"source_instance_id": source_instance_id, "source_region": source_region, "source": source, **options},
        )
        # Before any look-up: an app on the other CDK package fails at once, offline.
        check_same_cdk(scope, owner)
        resolved = props.source
        if resolved is None:
            assert props.source_instance_id is not None and props.source_region is not None
            resolved = SourceInstance.lookup(
                props.source_instance_id, props.source_region, context_file=props.context_file
            )
        _check_source(owner, resolved, props)
        # Everything that can refuse the clone is decided before any construct is added.
        placement = _placement(owner, resolved, props)
        settings = copied_settings(
            owner,
            resolved,
            props,
            destination_region=placement.destination_region,
            joins_source_vswitch=placement.joins_source_vswitch,
        )
        check_destination(
            owner,
            resolved,
            props,
            destination_region=placement.destination_region,
            zone_id=placement.replica_zone_id,
            key_pair_name=settings.arguments["key_pair_name"],
        )
        create_construct(self, scope, id)
        adopt(self, scope, id)
        self.props = props
        self.source = resolved
        self.settings = settings
        """What the clones copy from the source (the instance group's arguments) and what they cannot."""
        for warning in settings.warnings:
            # In the synthesized manifest: `cdk-clone deploy` (and cdktf-cli) print them.
            Annotations.of(self).add_warning(f"{owner}: {warning}")
        pool = getattr(scope, "replica_pool", None)
        if not isinstance(pool, ReplicaPool):
            pool = ReplicaPool(self, [resolved], {resolved.instance_id: props.amount})
        self._compose(owner, resolved, props, placement, pool)
        # In a CloneTask, the task declares one output holding every clone's ``output_value``: one output
        # element instead of one per source, each a few round trips to the jsii runtime.
        self.output: TerraformOutput | None = (
            None if getattr(scope, COLLECTS_CLONE_OUTPUTS, False) is True else self._declare_output(resolved)
        )
        """This clone group's Terraform output (``cdk_clone_<path>``, value :attr:`output_value`); None for
        the clones of a CloneTask, whose :attr:`CloneTask.output` holds them all."""

    # -- composition --------------------------------------------------------------------------------------

    def _compose(
        self, owner: str, source: SourceInstance, props: InstanceCloneProps, placement: _Placement, pool: ReplicaPool
    ) -> None:
        self._stack = stack_of(self)
        self.destination_region: str = placement.destination_region
        # Set only when the source's network is replicated (another region, no destination network given).
        self.vpc_replica: VpcReplica | None = None
        self.vswitch_replica: VSwitchReplica | None = None
        same_region = self.destination_region == source.region_id
        provider = provider_for_region(self._stack, self.destination_region)

        self.image: CloneImage | None = None
        if same_region and not props.include_instance_data:
            boot_image_id = source.image_id
        else:
            self.image = CloneImage(
                self,
                "Image",
                source=source,
                destination_region=self.destination_region,
                stop_source_for_consistency=props.stop_source_for_consistency,
                keep_images=props.keep_images,
                kms_key_id=props.destination_kms_key_id if any(d.encrypted for d in source.disks) else None,
            )
            boot_image_id = self.image.image_id

        vpc_id, vswitch_id, vpc_key = self._network(owner, source, props, placement, provider, pool)
        if same_region and vpc_id == source.vpc_id:
            security_group_ids = list(source.security_group_ids)
        else:
            security_group_ids = pool.security_group_ids(source, vpc_id, vpc_key, provider)

        keeps_private_ip = props.destination_vswitch_id is not None and props.amount == 1
        self.instance_group = EcscloneInstanceGroup(
            self,
            _INSTANCE_GROUP_ID,
            image_id=boot_image_id,
            instance_type=source.instance_type,
            allow_similar_instance_type=props.allow_similar_instance_type,
            vswitch_id=vswitch_id,
            zone_id=props.destination_zone_id if props.destination_vswitch_id else None,
            security_group_ids=security_group_ids,
            amount=props.amount,
            min_amount=props.min_amount,
            private_ip=source.private_ip if keeps_private_ip else None,
            **self.settings.arguments,
            delete_images_after_launch=(self.image.transient_image_refs or None) if self.image else None,
            # The image is only a means: when it is gone and more clones are needed, the provider images the
            # source again.
            image_source_instance_id=source.instance_id if self.image else None,
            image_source_region_id=source.region_id if self.image else None,
            owner=f"{path_of(self)}/{_INSTANCE_GROUP_ID}",
            provider=provider,
        )
        self.image_id: str = boot_image_id
        self.vpc_id: str = vpc_id
        self.vswitch_id: str = vswitch_id
        self.security_group_ids: list[str] = security_group_ids
        self.security_group_id: str = security_group_ids[0] if security_group_ids else ""
        self.output_value: dict[str, Any] = self._output_value(source, props)

    # The clones' own attributes are asked of the instance group on first use only: each is a round trip
    # to the jsii runtime, and the output value does not need them (see _output_value).

    @cached_property
    def instance_ids(self) -> list[str]:
        """The clones' instance IDs (a list token)."""
        return self.instance_group.instance_ids

    @cached_property
    def private_ips(self) -> list[str]:
        """The clones' private IP addresses, in the order of ``instance_ids`` (a list token)."""
        return self.instance_group.private_ips

    @cached_property
    def effective_instance_type(self) -> str:
        """The instance type the clones were created with: the source's, or a similar one (a token)."""
        return self.instance_group.effective_instance_type

    @cached_property
    def created_amount(self) -> float:
        """How many clones were created (between ``min_amount`` and ``amount``; a token)."""
        return self.instance_group.created_amount

    def _network(
        self,
        owner: str,
        source: SourceInstance,
        props: InstanceCloneProps,
        placement: _Placement,
        provider: EcsCloneProvider,
        pool: ReplicaPool,
    ) -> tuple[str, str, str]:
        """(vpc_id, vswitch_id, key naming the destination VPC) for the clones."""
        if props.destination_vpc_id is not None and props.destination_vswitch_id is not None:
            return props.destination_vpc_id, props.destination_vswitch_id, props.destination_vpc_id
        if placement.replica_zone_id is None:  # same region: the source's own network
            assert source.vpc_id is not None and source.vswitch_id is not None  # checked in _check_source
            return source.vpc_id, source.vswitch_id, source.vpc_id
        vpc = pool.vpc(source, provider)
        try:
            vswitch = pool.vswitch(source, vpc, placement.replica_zone_id, provider, amount=props.amount)
        except CloneConfigurationError as error:
            raise CloneConfigurationError(f"{owner}: {error}") from None
        self.vpc_replica = vpc
        self.vswitch_replica = vswitch
        return vpc.vpc_id, vswitch.vswitch_id, f"replica-of-{vpc.source_vpc_id}"

    def _output_value(self, source: SourceInstance, props: InstanceCloneProps) -> dict[str, Any]:
        """The JSON-able description of this clone group that ``cdk-clone verify`` and ``deploy`` read."""
        image = self.image
        # The instance group's attributes are written as the Terraform expressions their tokens resolve to
        # ("${ecsclone_instance_group.<logical id>.instance_ids}"): the output is in the group's own stack,
        # where a token would resolve to exactly that. The logical ID follows from the group's path (cdktf's
        # default naming), which saves four attribute round trips, or one read of the ID, per clone.
        group_id = logical_id(self, _INSTANCE_GROUP_ID, self.instance_group)
        group = f"{EcscloneInstanceGroup.SCHEMA.type_name}.{group_id}"
        return {
            "source_instance_id": source.instance_id,
            "source_region": source.region_id,
            "destination_region": self.destination_region,
            "instance_ids": f"${{{group}.instance_ids}}",
            "private_ips": f"${{{group}.private_ips}}",
            "image_id": self.image_id,
            "custom_image_id": image.custom_image_id if image else "",
            "copied_image_id": (image.copy_id or "") if image else "",
            "images_kept": props.keep_images,
            "vpc_id": self.vpc_id,
            "vswitch_id": self.vswitch_id,
            "security_group_ids": self.security_group_ids,
            "instance_type": source.instance_type,
            "effective_instance_type": f"${{{group}.effective_instance_type}}",
            "amount": props.amount,
            "created_amount": f"${{{group}.created_amount}}",
        }

    def _declare_output(self, source: SourceInstance) -> TerraformOutput:
        path = path_of(self)
        output = TerraformOutput(
            self, "Output", value=self.output_value, description=f"cdk-clone: clones of {source.instance_id} ({path})"
        )
        output.override_logical_id(output_name(path, path_of(self._stack)))
        return output


@dataclass(frozen=True)
class _Placement:
    """Where the clones go, decided before anything is declared."""

    destination_region: str
    # The zone of the vSwitch replica; None when the clones join an existing vSwitch.
    replica_zone_id: str | None
    joins_source_vswitch: bool


def _placement(owner: str, source: SourceInstance, props: InstanceCloneProps) -> _Placement:
    destination = props.destination_region or source.region_id
    if props.destination_vswitch_id is not None:
        return _Placement(destination, None, joins_source_vswitch=False)
    if destination == source.region_id:
        if props.destination_zone_id is not None and props.destination_zone_id != source.zone_id:
            raise CloneConfigurationError(
                f"{owner}: destination_zone_id={props.destination_zone_id!r} differs from the source's zone "
                f"{source.zone_id!r}; in the same region the clones join the source's vSwitch, so give "
                "destination_vpc_id and destination_vswitch_id for a vSwitch in that zone"
            )
        return _Placement(destination, None, joins_source_vswitch=True)
    zone_id = props.destination_zone_id or _first_zone(owner, destination, props.context_file)
    return _Placement(destination, zone_id, joins_source_vswitch=False)


def _check_source(owner: str, source: SourceInstance, props: InstanceCloneProps) -> None:
    """Rules that need the source itself (after the look-up)."""
    if source.network_type == "classic" or source.vpc_id is None or source.vswitch_id is None:
        raise CloneConfigurationError(
            f"{owner}: source instance {source.instance_id} ({source.region_id}) is in the classic network; only "
            "instances in a VPC can be cloned: migrate it to a VPC first"
        )
    destination = props.destination_region or source.region_id
    if destination == source.region_id and not props.include_instance_data and not source.image_visible:
        raise CloneConfigurationError(
            f"{owner}: the image {source.image_id} that source instance {source.instance_id} booted from is no "
            "longer visible in DescribeImages, so clones cannot boot from it: set include_instance_data=True to "
            "clone from a new image of the instance"
        )
    if props.destination_zone_id is not None and not props.destination_zone_id.startswith(destination):
        raise CloneConfigurationError(
            f"{owner}: destination_zone_id={props.destination_zone_id!r} is not a zone of the destination region "
            f"{destination!r}"
        )


def _first_zone(owner: str, region_id: str, context_file: Path | None) -> str:
    # Imported here: the look-up module reaches the API client, needed only when zones are not cached.
    from cdk_clone.lookup.context import lookup_zone_ids

    try:
        zones = lookup_zone_ids(region_id, context_file=context_file)
    except Exception as error:  # any failure to look up (no credentials, no endpoint, API error) ends the same way
        raise CloneConfigurationError(
            f"{owner}: could not look up the zones of {region_id} to place the replica vSwitch "
            f"({type(error).__name__}: {error}); give destination_zone_id"
        ) from error
    if not zones:
        raise CloneConfigurationError(f"{owner}: region {region_id} has no zones; give destination_zone_id")
    return zones[0]
