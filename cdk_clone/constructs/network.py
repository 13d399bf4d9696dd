"""VpcReplica and VSwitchReplica: the source's network, re-made with the same CIDRs in another region."""

from __future__ import annotations

from cdk_clone._cdktf import Construct, create_construct
from cdk_clone.bindings import EcsCloneProvider, EcscloneVpc, EcscloneVswitch

__all__ = ["VSwitchReplica", "VpcReplica"]


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
        self.source_vpc_id = source_vpc_id
        self.vpc = EcscloneVpc(
            self,
            "Vpc",
            cidr_block=cidr_block,
            vpc_name=f"clone-of-{source_vpc_id}",
            description=f"cdk-clone replica of {source_vpc_id}",
            provider=provider,
        )
        self.vpc_id: str = self.vpc.id


class VSwitchReplica(Construct):
    """A vSwitch with the same CIDR block as a source vSwitch, in a VPC replica and a chosen zone.

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
            provider=provider,
        )
        self.vswitch_id: str = self.vswitch.id
