"""VpcReplica and VSwitchReplica: the source's network, re-made with the same CIDRs in another region.

Capacity: a vSwitch reserves its first address and its last three, so a /24 holds 252 instances. A vSwitch
replica keeps the source vSwitch's CIDR block when the clones placed in it fit there. When they do not (a
task of 20 sources x 100 clones in one /24), the replica is widened to the smallest block that contains the
source's and holds them all (/21 for 2,000 clones), as long as that block lies inside the VPC replica (the
source VPC's CIDR) and overlaps no other vSwitch replica there; otherwise synth stops with the figures
(:func:`replica_vswitch_cidr`). One wider vSwitch rather than more vSwitches: it is one create (vSwitches of
a VPC are created one at a time), every clone group keeps a single vSwitch, and it still contains the source
vSwitch's block, so the source's addresses mean the same in the replica.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from cdk_clone._cdktf import Construct, create_construct
from cdk_clone.bindings import EcsCloneProvider, EcscloneVpc, EcscloneVswitch
from cdk_clone.constructs._tree import adopt, path_of
from cdk_clone.constructs.errors import CloneConfigurationError

__all__ = ["VSwitchReplica", "VpcReplica", "replica_vswitch_cidr", "vswitch_capacity"]

# A vSwitch's CIDR mask is /16 to /29; it reserves its first address and its last three.
_WIDEST_VSWITCH = 16
_RESERVED_ADDRESSES = 4


def vswitch_capacity(cidr_block: str) -> int:
    """How many instances a vSwitch with ``cidr_block`` can hold (its addresses but the 4 reserved)."""
    return max(ipaddress.ip_network(cidr_block, strict=False).num_addresses - _RESERVED_ADDRESSES, 0)


def replica_vswitch_cidr(
    *,
    source_vswitch_id: str,
    source_cidr: str,
    vpc_cidr: str,
    clones: int,
    others: Iterable[tuple[str, str]] = (),
) -> str:
    """The CIDR block of the replica of ``source_vswitch_id`` that must hold ``clones`` instances: the source's
    own when they fit, else the smallest block containing it that holds them, inside ``vpc_cidr`` and clear
    of the ``others`` ((vSwitch ID, CIDR) of the other replicas in the VPC replica).

    Raises :class:`CloneConfigurationError` with the figures when no such block exists.
    """
    source = ipaddress.ip_network(source_cidr, strict=False)
    vpc = ipaddress.ip_network(vpc_cidr, strict=False)
    if vswitch_capacity(str(source)) >= clones:
        return source_cidr
    needed = clones + _RESERVED_ADDRESSES
    prefix = source.max_prefixlen - max((needed - 1).bit_length(), 0)
    wanted = f"{clones} clones need a vSwitch of at least {needed} addresses (/{prefix})"
    keeps = (
        f"the replica of {source_vswitch_id} keeps its CIDR block {source_cidr} "
        f"({vswitch_capacity(source_cidr)} usable addresses) or widens it"
    )
    what_to_do = (
        "give destination_vpc_id and destination_vswitch_id (a vSwitch with room for them), "
        "or clone fewer instances into this network"
    )
    if prefix < max(_WIDEST_VSWITCH, vpc.prefixlen):
        limit = "vSwitches are at most /16" if prefix < _WIDEST_VSWITCH else f"the VPC replica is {vpc_cidr}"
        raise CloneConfigurationError(f"{wanted}, but {keeps}, and {limit}: {what_to_do}")
    block = source.supernet(new_prefix=prefix)
    if not block.subnet_of(vpc):  # type: ignore[arg-type]
        raise CloneConfigurationError(
            f"{wanted}, but {keeps}: the block {block} that would hold them lies outside the VPC replica "
            f"{vpc_cidr}: {what_to_do}"
        )
    for other_id, other_cidr in others:
        if block.overlaps(ipaddress.ip_network(other_cidr, strict=False)):
            raise CloneConfigurationError(
                f"{wanted}, but {keeps}: the block {block} that would hold them overlaps the replica of "
                f"{other_id} ({other_cidr}) in the same VPC replica: {what_to_do}"
            )
    return str(block)


class VpcReplica(Construct):
    """A VPC with the same CIDR block as a source VPC.

    Example::

        vpc = VpcReplica(stack, "vpc", source_vpc_id="vpc-bp1main", cidr_block="172.16.0.0/12", provider=shanghai)
        vpc.vpc_id   # token
    """

    def __init__(
        self, scope: Construct, id: str, *, source_vpc_id: str, cidr_block: str, provider: EcsCloneProvider
    ) -> None:
        create_construct(self, scope, id)
        adopt(self, scope, id)
        self.source_vpc_id = source_vpc_id
        self.vpc = EcscloneVpc(
            self,
            "Vpc",
            cidr_block=cidr_block,
            vpc_name=f"clone-of-{source_vpc_id}",
            description=f"cdk-clone replica of {source_vpc_id}",
            owner=f"{path_of(self)}/Vpc",
            provider=provider,
        )
        self.vpc_id: str = self.vpc.id


class VSwitchReplica(Construct):
    """A vSwitch with the same CIDR block as a source vSwitch (or a wider one that contains it, to hold the
    clones: see the module doc and :func:`replica_vswitch_cidr`), in a VPC replica and a chosen zone.

    Example::

        vsw = VSwitchReplica(stack, "vsw", source_vswitch_id="vsw-bp1main", cidr_block="172.16.1.0/24",
                             vpc_id=vpc.vpc_id, zone_id="cn-shanghai-b", provider=shanghai)
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source_vswitch_id: str,
        cidr_block: str,
        vpc_id: str,
        zone_id: str,
        provider: EcsCloneProvider,
    ) -> None:
        create_construct(self, scope, id)
        adopt(self, scope, id)
        self.source_vswitch_id = source_vswitch_id
        self.zone_id = zone_id
        self.vswitch = EcscloneVswitch(
            self,
            "VSwitch",
            vpc_id=vpc_id,
            zone_id=zone_id,
            cidr_block=cidr_block,
            vswitch_name=f"clone-of-{source_vswitch_id}",
            description=f"cdk-clone replica of {source_vswitch_id}",
            owner=f"{path_of(self)}/VSwitch",
            provider=provider,
        )
        self.vswitch_id: str = self.vswitch.id
