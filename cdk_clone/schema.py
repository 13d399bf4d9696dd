"""The one description of every ``ecsclone`` Terraform type.

Both faces are derived from this module and nothing else:

* ``cdk_clone.provider`` turns each :class:`ResourceSchema` into the Terraform schema it serves;
* ``cdk_clone.bindings`` is generated from it (typed constructor arguments and attribute getters).

Adding an attribute here adds it to both; there is no second copy to drift.

Example::

    from cdk_clone.schema import RESOURCES
    image = RESOURCES["ecsclone_image"]
    [f.name for f in image.fields if f.required]   # ['instance_id']
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal

from cdk_clone._version import __version__

__all__ = [
    "DATA_SOURCES",
    "PROVIDER",
    "PROVIDER_LOCAL_NAME",
    "PROVIDER_SOURCE",
    "PROVIDER_VERSION",
    "RESOURCES",
    "TIMEOUTS",
    "Block",
    "Field",
    "ResourceSchema",
    "ValueType",
]

PROVIDER_SOURCE = "cdk-clone/ecsclone"
PROVIDER_LOCAL_NAME = "ecsclone"
PROVIDER_VERSION = __version__  # the package's own version: one number for both


class ValueType(enum.Enum):
    """Terraform value types that the ecsclone schemas use."""

    STRING = "string"
    NUMBER = "number"
    BOOL = "bool"
    LIST_OF_STRING = "list(string)"
    SET_OF_STRING = "set(string)"
    MAP_OF_STRING = "map(string)"


@dataclass(frozen=True)
class Field:
    """One attribute.

    ``required``, ``optional`` and ``computed`` follow Terraform's meaning: optional+computed means the
    user may set it, and when they do not, the provider fills it in. ``force_new`` means a change
    replaces the object, because the ECS/VPC API cannot change it in place.
    """

    name: str
    type: ValueType
    description: str
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    force_new: bool = False

    def __post_init__(self) -> None:
        if self.required and (self.optional or self.computed):
            raise ValueError(f"{self.name}: a required attribute is neither optional nor computed")
        if not (self.required or self.optional or self.computed):
            raise ValueError(f"{self.name}: say whether the attribute is required, optional or computed")


@dataclass(frozen=True)
class Block:
    """A nested block (``ingress { ... }``, ``timeouts { ... }``)."""

    name: str
    nesting: Literal["single", "list", "set"]
    fields: tuple[Field, ...]
    description: str
    min_items: int = 0
    max_items: int = 0  # 0: no limit
    force_new: bool = False


@dataclass(frozen=True)
class ResourceSchema:
    """A resource or data-source type: its attributes, its blocks, and default timeouts."""

    type_name: str
    description: str
    fields: tuple[Field, ...]
    blocks: tuple[Block, ...] = ()
    # Default timeouts in seconds, overridable per resource with a `timeouts` block.
    default_timeouts: dict[str, int] = field(default_factory=dict)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.type_name} has no attribute {name!r}")

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(f"{self.type_name} has no block {name!r}")


S, N, B = ValueType.STRING, ValueType.NUMBER, ValueType.BOOL
LIST_S, SET_S, MAP_S = ValueType.LIST_OF_STRING, ValueType.SET_OF_STRING, ValueType.MAP_OF_STRING


def _id(what: str) -> Field:
    return Field("id", S, f"The {what} ID.", computed=True)


TIMEOUTS = Block(
    "timeouts",
    "single",
    (
        Field("create", S, 'How long to wait for creation, as a duration such as "10m" or "90s".', optional=True),
        Field("update", S, "How long to wait for an update.", optional=True),
        Field("delete", S, "How long to wait for deletion.", optional=True),
    ),
    "Overrides the default waiting times of this resource.",
    max_items=1,
)


# Credentials, as the alicloud provider takes them; unset ones come from the chain of cdk_clone.credentials
# (environment, ~/.aliyun/config.json profiles, ECS instance role, OIDC).
_CREDENTIAL_FIELDS = (
    Field(
        "access_key",
        S,
        "AccessKeyId. Default: ALIBABA_CLOUD_ACCESS_KEY_ID or ALICLOUD_ACCESS_KEY, else a profile or role.",
        optional=True,
    ),
    Field(
        "secret_key",
        S,
        "AccessKeySecret. Default: ALIBABA_CLOUD_ACCESS_KEY_SECRET or ALICLOUD_SECRET_KEY.",
        optional=True,
        sensitive=True,
    ),
    Field(
        "security_token",
        S,
        "STS security token that goes with temporary keys. Default: ALIBABA_CLOUD_SECURITY_TOKEN or "
        "ALICLOUD_SECURITY_TOKEN.",
        optional=True,
        sensitive=True,
    ),
    Field(
        "profile",
        S,
        "Profile of the Alibaba Cloud CLI configuration (~/.aliyun/config.json). Default: ALIBABA_CLOUD_PROFILE "
        "or ALICLOUD_PROFILE, else the file's current profile.",
        optional=True,
    ),
    Field(
        "shared_credentials_file",
        S,
        "The CLI configuration file holding the profiles. Default: ALICLOUD_SHARED_CREDENTIALS_FILE, else "
        "~/.aliyun/config.json.",
        optional=True,
    ),
    Field(
        "ecs_role_name",
        S,
        "RAM role of the ECS instance Terraform runs on (credentials from the instance metadata service). "
        "Default: ALICLOUD_ECS_ROLE_NAME or ALIBABA_CLOUD_ECS_METADATA.",
        optional=True,
    ),
    Field(
        "sts_endpoint",
        S,
        "STS endpoint for assume_role. Default: CDK_CLONE_ENDPOINT, else ALICLOUD_STS_ENDPOINT, else "
        "sts.aliyuncs.com.",
        optional=True,
    ),
)

_ASSUME_ROLE = Block(
    "assume_role",
    "single",
    (
        Field("role_arn", S, "The RAM role to assume, e.g. acs:ram::123456789012:role/cloner.", required=True),
        Field("session_name", S, "The role session name. Default: cdk-clone-<time>.", optional=True),
        Field("session_expiration", N, "Seconds the temporary credentials last (900 to 3600). Default: 3600.", optional=True),
        Field("policy", S, "A policy (JSON) that further restricts the role's permissions.", optional=True),
        Field("external_id", S, "The role's external ID, when its trust policy asks for one.", optional=True),
    ),
    "Assume this RAM role through STS AssumeRole with the credentials found otherwise, and use its "
    "temporary credentials. Default: ALICLOUD_ASSUME_ROLE_ARN.",
    max_items=1,
)


PROVIDER = ResourceSchema(
    "ecsclone",
    "Calls the Alibaba Cloud ECS and VPC OpenAPI for one region.",
    (
        Field("region", S, "The region every resource of this provider lives in, e.g. cn-hangzhou.", required=True),
        Field(
            "endpoint",
            S,
            "Send every ECS and VPC call to this URL (e.g. a local fake). Default: CDK_CLONE_ENDPOINT, "
            "else the real regional endpoints.",
            optional=True,
        ),
        *_CREDENTIAL_FIELDS,
        Field(
            "deployment",
            S,
            "The deployment the objects of this provider belong to, unique in the account: with each resource's "
            "owner it makes the owner key objects are tagged with and found again by. cdk-clone's constructs set "
            "<stack>@<where its state lives> (or <stack>@$CDK_CLONE_DEPLOYMENT). Default: dir:<the directory "
            "Terraform runs in>. Changing it changes no resource.",
            optional=True,
        ),
    ),
    blocks=(_ASSUME_ROLE,),
)


# ---- ownership (see cdk_clone.ownership) --------------------------------------------------------------------

_OWNER = Field(
    "owner",
    S,
    "This object's name in its deployment, unique there (the constructs use the construct path). With it the "
    "object carries its owner key as a tag, its create uses a ClientToken derived from it, and a create after an "
    "interrupted run adopts the object that run made instead of making another. Unset: none of that. A change "
    "re-tags the object in place.",
    optional=True,
)


_IMAGE_COMPUTED = (
    Field("status", S, "Image status: Available once created.", computed=True),
    Field("progress", S, 'Creation progress as the API reports it, e.g. "100%".', computed=True),
    Field("size", N, "Image size in GiB.", computed=True),
    Field(
        "transient",
        B,
        "The image may be deleted by the instance group that boots from it (keep_images=False): "
        "a missing transient image is not drift.",
        optional=True,
    ),
)

IMAGE = ResourceSchema(
    "ecsclone_image",
    "A custom image made from an instance (CreateImage), waited for until Available.",
    (
        _id("image"),
        Field("instance_id", S, "The instance to image.", required=True, force_new=True),
        Field(
            "image_name",
            S,
            "Image name; default TemplateScratch-<instance>-<8 hex digits of the owner key>, or with no owner "
            "TemplateScratch-<instance>-<time>.",
            optional=True,
            computed=True,
        ),
        Field("description", S, "Image description.", optional=True),
        Field(
            "stop_instance_for_consistency",
            B,
            "Stop the instance before imaging so its data is consistent, and start it again afterwards.",
            optional=True,
        ),
        Field("source_image_id", S, "The image the instance booted from (lineage).", computed=True),
        *_IMAGE_COMPUTED,
        _OWNER,
    ),
    (TIMEOUTS,),
    {"create": 1800, "update": 300, "delete": 600},
)

IMAGE_COPY = ResourceSchema(
    "ecsclone_image_copy",
    "A copy of a custom image in the provider's region (CopyImage); unfinished copies are cancelled on destroy.",
    (
        _id("copied image"),
        Field("source_image_id", S, "The image to copy.", required=True, force_new=True),
        Field("source_region_id", S, "The region the source image lives in.", required=True, force_new=True),
        Field("image_name", S, "Name of the copy; default the source image's name.", optional=True, computed=True),
        Field("description", S, "Description of the copy.", optional=True),
        Field(
            "kms_key_id",
            S,
            "Encrypt the copy with this KMS key of the provider's region (KMS keys are regional: an image with "
            "encrypted disks needs one to be copied).",
            optional=True,
            force_new=True,
        ),
        *_IMAGE_COMPUTED,
        _OWNER,
    ),
    (TIMEOUTS,),
    {"create": 3600, "update": 300, "delete": 600},
)

VPC = ResourceSchema(
    "ecsclone_vpc",
    "A VPC (CreateVpc), waited for until Available.",
    (
        _id("VPC"),
        Field("cidr_block", S, "The VPC's IPv4 CIDR block, e.g. 172.16.0.0/12.", required=True, force_new=True),
        Field("vpc_name", S, "VPC name.", optional=True),
        Field("description", S, "VPC description.", optional=True),
        Field("status", S, "VPC status.", computed=True),
        Field("router_id", S, "The VPC's vRouter.", computed=True),
        Field("route_table_id", S, "The vRouter's system route table.", computed=True),
        _OWNER,
    ),
    (TIMEOUTS,),
    {"create": 600, "update": 300, "delete": 600},
)

VSWITCH = ResourceSchema(
    "ecsclone_vswitch",
    "A vSwitch in one zone of a VPC (CreateVSwitch), waited for until Available.",
    (
        _id("vSwitch"),
        Field("vpc_id", S, "The VPC.", required=True, force_new=True),
        Field("zone_id", S, "The zone.", required=True, force_new=True),
        Field("cidr_block", S, "CIDR block inside the VPC's, mask /16 to /29.", required=True, force_new=True),
        Field("vswitch_name", S, "vSwitch name.", optional=True),
        Field("description", S, "vSwitch description.", optional=True),
        Field("status", S, "vSwitch status.", computed=True),
        _OWNER,
    ),
    (TIMEOUTS,),
    {"create": 600, "update": 300, "delete": 600},
)


def _rule_fields(peer_group: str, peer_group_text: str) -> tuple[Field, ...]:
    return (
        Field("ip_protocol", S, "tcp, udp, icmp, gre or all (any case).", required=True),
        Field("port_range", S, 'e.g. "22/22"; "-1/-1" for every port.', optional=True),
        Field("cidr_ip", S, "The peer address range.", optional=True),
        Field(peer_group, S, peer_group_text, optional=True),
        Field(
            "peer_is_self",
            B,
            "The peer is this security group itself (e.g. allow all traffic between its members); "
            f"excludes cidr_ip and {peer_group}.",
            optional=True,
        ),
        Field("policy", S, "accept (default) or drop.", optional=True),
        Field("priority", N, "1 (default, highest) to 100.", optional=True),
        Field("nic_type", S, "intranet (the only type in a VPC).", optional=True),
        Field("description", S, "Rule description.", optional=True),
    )


SECURITY_GROUP = ResourceSchema(
    "ecsclone_security_group",
    "A security group in a VPC with its rules; an update authorizes and revokes only the difference.",
    (
        _id("security group"),
        Field("vpc_id", S, "The VPC.", required=True, force_new=True),
        Field("security_group_name", S, "Security group name.", optional=True),
        Field("description", S, "Security group description.", optional=True),
        Field(
            "manage_rules",
            B,
            "true (default): the ingress and egress blocks are the group's rules, and rules added elsewhere are "
            "drift. false: the group's rules are ecsclone_security_group_rule resources (needed when two groups "
            "name each other); this resource leaves every rule alone, and its blocks must be empty.",
            optional=True,
        ),
        _OWNER,
    ),
    (
        Block(
            "ingress",
            "set",
            _rule_fields("source_security_group_id", "Allow traffic from this security group."),
            "An inbound rule.",
        ),
        Block(
            "egress",
            "set",
            _rule_fields("dest_security_group_id", "Allow traffic to this security group."),
            "An outbound rule.",
        ),
        TIMEOUTS,
    ),
    {"create": 300, "update": 300, "delete": 600},
)

SECURITY_GROUP_RULE = ResourceSchema(
    "ecsclone_security_group_rule",
    "One rule of a security group whose rules are managed one by one (manage_rules = false on the group): "
    "two groups whose rules name each other cannot each be created with the other's ID, but their rules can "
    "be added once both exist. Import with the rule's ID as it is in the state.",
    (
        Field(
            "id",
            S,
            "<security group>:<direction>:<protocol>:<port range>:<peer>:<policy>:<priority>:<NIC type>.",
            computed=True,
        ),
        Field("security_group_id", S, "The group the rule belongs to.", required=True, force_new=True),
        Field("direction", S, "ingress or egress.", required=True, force_new=True),
        Field("ip_protocol", S, "tcp, udp, icmp, gre or all (any case).", required=True, force_new=True),
        Field("port_range", S, 'e.g. "22/22"; "-1/-1" (default) for every port.', optional=True, force_new=True),
        Field("cidr_ip", S, "The peer address range.", optional=True, force_new=True),
        Field(
            "peer_security_group_id",
            S,
            "The peer security group: the source of ingress traffic, the destination of egress traffic.",
            optional=True,
            force_new=True,
        ),
        Field("policy", S, "accept (default) or drop.", optional=True, force_new=True),
        Field("priority", N, "1 (default, highest) to 100.", optional=True, force_new=True),
        Field("nic_type", S, "intranet (the only type in a VPC).", optional=True, force_new=True),
        Field("description", S, "Rule description.", optional=True, force_new=True),
    ),
)

# -- what a clone copies from its source, beyond type, image and network (RunInstances parameters) ----------

DATA_DISK = Block(
    "data_disk",
    "list",
    (
        Field("category", S, "cloud_essd, cloud_ssd, cloud_efficiency, cloud_auto, cloud_essd_entry or cloud.", required=True),
        Field("size", N, "Size in GiB (20 to 32768).", required=True),
        Field("performance_level", S, "ESSD performance level, PL0 to PL3.", optional=True),
        Field("encrypted", B, "Encrypt the disk.", optional=True),
        Field("kms_key_id", S, "The KMS key of an encrypted disk, in the provider's region; default the ECS key.", optional=True),
        Field("delete_with_instance", B, "Release the disk with the instance (default true).", optional=True),
        Field(
            "device",
            S,
            "The image's data disk at this device (e.g. /dev/xvdb): the disk is made from the image's snapshot "
            "with the settings above. Unset: a new empty disk.",
            optional=True,
        ),
    ),
    "A data disk of every instance, in device order (RunInstances DataDisk.N).",
    max_items=16,
    force_new=True,
)

_CLONE_SETTINGS = (
    Field("system_disk_performance_level", S, "ESSD system disk performance level, PL0 to PL3.", optional=True, force_new=True),
    Field("description", S, "Instance description (2 to 256 characters).", optional=True),
    Field("key_pair_name", S, "Key pair for SSH logins, in the provider's region.", optional=True, force_new=True),
    Field("ram_role_name", S, "RAM role attached to every instance.", optional=True, force_new=True),
    Field("user_data", S, "User data, Base64-encoded.", optional=True, sensitive=True, force_new=True),
    Field(
        "deletion_protection",
        B,
        "Refuse releasing the instances by API or console; the provider lifts it itself right before it releases "
        "them (destroy, a smaller amount, a replacement).",
        optional=True,
    ),
    Field("internet_charge_type", S, "PayByTraffic (default) or PayByBandwidth.", optional=True, force_new=True),
    Field("internet_max_bandwidth_in", N, "Inbound public bandwidth in Mbit/s.", optional=True, force_new=True),
    Field("auto_renew", B, "Renew a PrePaid instance automatically.", optional=True),
    Field("auto_renew_period", N, "Months (or weeks) per automatic renewal.", optional=True),
    Field("spot_strategy", S, "NoSpot (default), SpotWithPriceLimit or SpotAsPriceGo.", optional=True, force_new=True),
    Field("spot_price_limit", N, "Highest hourly price of a SpotWithPriceLimit instance.", optional=True, force_new=True),
    Field("spot_duration", N, "Protected hours of a spot instance (0 or 1).", optional=True, force_new=True),
    Field("resource_group_id", S, "Resource group of the instances.", optional=True, force_new=True),
    Field("deployment_set_id", S, "Deployment set, in the provider's region.", optional=True, force_new=True),
    Field("credit_specification", S, "Standard or Unlimited, for burstable types.", optional=True, force_new=True),
    Field("http_tokens", S, "Metadata service tokens: optional or required (IMDSv2 only).", optional=True, force_new=True),
    Field("http_endpoint", S, "Metadata service: enabled or disabled.", optional=True, force_new=True),
    Field("ipv6_address_count", N, "IPv6 addresses per instance (the vSwitch needs an IPv6 block).", optional=True, force_new=True),
)

INSTANCE_GROUP = ResourceSchema(
    "ecsclone_instance_group",
    "N instances from one RunInstances call, with stock checks, a similar type when sold out, partial "
    "creation under quota, and the source's private IP when it can be kept.",
    (
        Field("id", S, "The group's ID.", computed=True),
        # Not force-new: an image is a means of launching, not the clones' identity. A new image_id (the image was
        # deleted and made again) is used for the instances launched from then on; the running ones stay.
        Field(
            "image_id",
            S,
            "The image instances are launched from. A change applies to instances launched later (amount raised, "
            "missing clones); the existing ones are kept (replace the group to rebuild them).",
            required=True,
        ),
        Field("instance_type", S, "The wanted instance type, e.g. ecs.g7.large.", required=True, force_new=True),
        Field(
            "allow_similar_instance_type",
            B,
            "When the type is out of stock in the zone, launch a similar type with stock (same vCPU and memory first).",
            optional=True,
            force_new=True,
        ),
        Field("vswitch_id", S, "The vSwitch the instances join.", required=True, force_new=True),
        Field("zone_id", S, "The zone; default the vSwitch's.", optional=True, computed=True, force_new=True),
        Field("security_group_ids", LIST_S, "Security groups, in the vSwitch's VPC.", required=True, force_new=True),
        Field("amount", N, "How many instances (1..100); changed in place by launching or releasing.", required=True),
        Field(
            "min_amount",
            N,
            "Accept partial success down to this many (RunInstances MinAmount); default 1.",
            optional=True,
        ),
        Field(
            "private_ip",
            S,
            "Preferred private IP (the source's): kept when amount is 1 and the address is inside the vSwitch "
            "and free, otherwise the API assigns one.",
            optional=True,
            force_new=True,
        ),
        # Charge type, bandwidth and system disk are optional+computed: left unset, the state keeps what the
        # instances have (reported on create, filled in by import), so an imported group plans no replacement.
        Field(
            "instance_charge_type",
            S,
            "PostPaid (default) or PrePaid; unset, the instances' charge type.",
            optional=True,
            computed=True,
            force_new=True,
        ),
        # The subscription period counts only when a PrePaid group is launched (RunInstances) or renewed, so a
        # change is recorded in place; DescribeInstances does not tell it, so an imported group has none.
        Field("period", N, "PrePaid period, used when instances are launched.", optional=True),
        Field("period_unit", S, "Month (default) or Week.", optional=True),
        Field("instance_name", S, "Instance name or batch pattern such as clone-[1,3].", optional=True),
        Field("host_name", S, "Host name.", optional=True),
        Field(
            "system_disk_category",
            S,
            "System disk category; unset, the image's default (filled in by import).",
            optional=True,
            computed=True,
            force_new=True,
        ),
        Field(
            "system_disk_size",
            N,
            "System disk size in GiB; unset, the image's size (filled in by import).",
            optional=True,
            computed=True,
            force_new=True,
        ),
        Field(
            "internet_max_bandwidth_out",
            N,
            "Public bandwidth in Mbit/s; >0 gives a public IP. Unset, the instances' bandwidth (0 at launch).",
            optional=True,
            computed=True,
            force_new=True,
        ),
        Field("tags", MAP_S, "Tags for every instance.", optional=True),
        *_CLONE_SETTINGS,
        Field(
            "delete_images_after_launch",
            LIST_S,
            "Transient images to delete once the instances are Running: image IDs in the provider's region, "
            'or "<region_id>:<image_id>" for an image in another region (the source image of a copy).',
            optional=True,
        ),
        Field(
            "image_source_instance_id",
            S,
            "The instance image_id was made from: when image_id no longer exists (deleted after launch, or by hand) "
            "and instances must be launched, a temporary image of it is made (and copied to this region), used, "
            "then deleted.",
            optional=True,
        ),
        Field(
            "image_source_region_id",
            S,
            "The region of image_source_instance_id; default the provider's.",
            optional=True,
        ),
        _OWNER,
        Field(
            "temporary_image_ids",
            LIST_S,
            "Images the group made of image_source_instance_id to launch instances when image_id no longer "
            "existed (deleted once the launch was done): the instances launched then boot from these.",
            computed=True,
        ),
        Field("instance_ids", LIST_S, "The instances, in launch order.", computed=True),
        Field("private_ips", LIST_S, "Their private IPs, in the same order.", computed=True),
        Field("effective_instance_type", S, "The type launched (the wanted one, or the similar one).", computed=True),
        Field("created_amount", N, "How many instances exist (fewer than amount under quota or stock).", computed=True),
    ),
    (DATA_DISK, TIMEOUTS),
    {"create": 1200, "update": 1200, "delete": 1200},
)

INSTANCE_DATA = ResourceSchema(
    "ecsclone_instance",
    "An existing instance as the API describes it: placement, type, image, network, security groups, "
    "charge type, system disk, outbound bandwidth and tags. Its data disks and other settings are not read "
    "here: the cdk_clone constructs read the whole source at synth.",
    (
        Field("id", S, "The instance ID.", computed=True),
        Field("instance_id", S, "The instance to describe.", required=True),
        Field("region_id", S, "Region.", computed=True),
        Field("zone_id", S, "Zone.", computed=True),
        Field("instance_type", S, "Instance type.", computed=True),
        Field("cpu", N, "vCPUs.", computed=True),
        Field("memory", N, "Memory in MiB.", computed=True),
        Field("image_id", S, "The image it booted from.", computed=True),
        Field("image_visible", B, "Whether that image is still visible in DescribeImages.", computed=True),
        Field("network_type", S, "vpc or classic.", computed=True),
        Field("vpc_id", S, "VPC.", computed=True),
        Field("vpc_cidr_block", S, "The VPC's CIDR.", computed=True),
        Field("vswitch_id", S, "vSwitch.", computed=True),
        Field("vswitch_cidr_block", S, "The vSwitch's CIDR.", computed=True),
        Field("private_ip", S, "Primary private IP.", computed=True),
        Field("security_group_ids", LIST_S, "Security groups.", computed=True),
        Field("instance_charge_type", S, "PostPaid or PrePaid.", computed=True),
        Field("instance_name", S, "Name.", computed=True),
        Field("host_name", S, "Host name.", computed=True),
        Field("status", S, "Status.", computed=True),
        Field("system_disk_category", S, "System disk category.", computed=True),
        Field("system_disk_size", N, "System disk size in GiB.", computed=True),
        Field("internet_max_bandwidth_out", N, "Public bandwidth in Mbit/s.", computed=True),
        Field("tags", MAP_S, "Tags.", computed=True),
    ),
)

RESOURCES: dict[str, ResourceSchema] = {
    r.type_name: r for r in (IMAGE, IMAGE_COPY, VPC, VSWITCH, SECURITY_GROUP, SECURITY_GROUP_RULE, INSTANCE_GROUP)
}
DATA_SOURCES: dict[str, ResourceSchema] = {INSTANCE_DATA.type_name: INSTANCE_DATA}
