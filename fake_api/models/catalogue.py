"""What the fake cloud sells, the same for every account: regions, zones, instance types, public images.

Several families share a (vCPU, memory) shape, so that a "similar type" exists when one is sold out:
ecs.g7.large, ecs.g6.large and ecs.g8i.large are all 2 vCPU / 8 GiB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "DISK_CATEGORIES",
    "INSTANCE_TYPES",
    "PERFORMANCE_LEVELS",
    "PUBLIC_IMAGES",
    "REGIONS",
    "STOCK_CATEGORIES",
    "InstanceTypeInfo",
    "PublicImageInfo",
    "RegionInfo",
    "distance_km",
    "region_info",
]


@dataclass(frozen=True, slots=True)
class RegionInfo:
    region_id: str
    local_name: str
    id_code: str  # the region part of resource IDs, e.g. "bp1" for cn-hangzhou ("i-bp1...")
    zones: tuple[tuple[str, str], ...]  # (ZoneId, LocalName)
    location: tuple[float, float]  # (latitude, longitude) of the region's city: copies take longer far away

    @property
    def zone_ids(self) -> tuple[str, ...]:
        return tuple(zone_id for zone_id, _ in self.zones)


@dataclass(frozen=True, slots=True)
class InstanceTypeInfo:
    instance_type: str
    family: str
    cpu: int
    memory_gib: float

    @property
    def burstable(self) -> bool:
        """Burstable (credit) families take CreditSpecification Standard or Unlimited."""
        return self.family in BURSTABLE_FAMILIES

    # Network limits per instance, as DescribeInstanceTypes reports them (the fake's figures: the real ones
    # vary by family; these are those of the 2-vCPU 7th-generation types, with more ENIs for larger sizes).
    @property
    def eni_quantity(self) -> int:
        return max(2, self.cpu)

    @property
    def eni_private_ip_quantity(self) -> int:
        return 6

    @property
    def eni_ipv6_quantity(self) -> int:
        return 1


@dataclass(frozen=True, slots=True)
class PublicImageInfo:
    image_id: str
    image_name: str
    os_name: str
    os_type: str
    platform: str
    size_gib: int
    description: str
    os_name_en: str


REGIONS: dict[str, RegionInfo] = {
    r.region_id: r
    for r in (
        RegionInfo(
            "cn-hangzhou",
            "华东1（杭州）",
            "bp1",
            (
                ("cn-hangzhou-h", "华东 1 可用区 H"),
                ("cn-hangzhou-i", "华东 1 可用区 I"),
                ("cn-hangzhou-j", "华东 1 可用区 J"),
                ("cn-hangzhou-k", "华东 1 可用区 K"),
            ),
            (30.27, 120.16),
        ),
        RegionInfo(
            "cn-shanghai",
            "华东2（上海）",
            "uf6",
            (
                ("cn-shanghai-e", "华东 2 可用区 E"),
                ("cn-shanghai-f", "华东 2 可用区 F"),
                ("cn-shanghai-g", "华东 2 可用区 G"),
                ("cn-shanghai-l", "华东 2 可用区 L"),
            ),
            (31.23, 121.47),
        ),
        RegionInfo(
            "cn-beijing",
            "华北2（北京）",
            "2ze",
            (
                ("cn-beijing-g", "华北 2 可用区 G"),
                ("cn-beijing-h", "华北 2 可用区 H"),
                ("cn-beijing-i", "华北 2 可用区 I"),
                ("cn-beijing-k", "华北 2 可用区 K"),
            ),
            (39.90, 116.41),
        ),
    )
}


def _types() -> dict[str, InstanceTypeInfo]:
    # (family, GiB per vCPU); sizes large=2, xlarge=4, 2xlarge=8 vCPU, as on the real price list.
    families = (
        ("ecs.g8i", 4),
        ("ecs.g7", 4),
        ("ecs.g6", 4),
        ("ecs.c7", 2),
        ("ecs.c6", 2),
        ("ecs.r7", 8),
        ("ecs.r6", 8),
    )
    sizes = (("large", 2), ("xlarge", 4), ("2xlarge", 8))
    out: dict[str, InstanceTypeInfo] = {}
    for family, gib_per_cpu in families:
        for size, cpu in sizes:
            name = f"{family}.{size}"
            out[name] = InstanceTypeInfo(name, family, cpu, float(cpu * gib_per_cpu))
    for name, family, cpu, memory in (
        ("ecs.t6-c1m1.large", "ecs.t6", 2, 2.0),
        ("ecs.t6-c1m2.large", "ecs.t6", 2, 4.0),
        ("ecs.e-c1m2.large", "ecs.e", 2, 4.0),
    ):
        out[name] = InstanceTypeInfo(name, family, cpu, memory)
    return out


BURSTABLE_FAMILIES: tuple[str, ...] = ("ecs.t6",)
INSTANCE_TYPES: dict[str, InstanceTypeInfo] = _types()

# Public (system) images carry the same ID in every region, as on the real cloud.
PUBLIC_IMAGES: dict[str, PublicImageInfo] = {
    i.image_id: i
    for i in (
        PublicImageInfo(
            "ubuntu_22_04_x64_20G_alibase_20240130.vhd",
            "ubuntu_22_04_x64_20G_alibase_20240130.vhd",
            "Ubuntu  22.04 64位",
            "linux",
            "Ubuntu",
            20,
            "Ubuntu 22.04 64-bit",
            "Ubuntu  22.04 64 bit",
        ),
        PublicImageInfo(
            "aliyun_3_x64_20G_alibase_20240528.vhd",
            "aliyun_3_x64_20G_alibase_20240528.vhd",
            "Alibaba Cloud Linux  3.2104 LTS 64位",
            "linux",
            "Aliyun",
            20,
            "Alibaba Cloud Linux 3.2104 LTS 64-bit",
            "Alibaba Cloud Linux  3.2104 LTS 64 bit",
        ),
        PublicImageInfo(
            "centos_7_9_x64_20G_alibase_20240403.vhd",
            "centos_7_9_x64_20G_alibase_20240403.vhd",
            "CentOS  7.9 64位",
            "linux",
            "CentOS",
            20,
            "CentOS 7.9 64-bit",
            "CentOS  7.9 64 bit",
        ),
        PublicImageInfo(
            "win2022_21H2_x64_dtc_en-us_40G_alibase_20240412.vhd",
            "win2022_21H2_x64_dtc_en-us_40G_alibase_20240412.vhd",
            "Windows Server  2022 数据中心版 64位英文版",
            "windows",
            "Windows Server 2022",
            40,
            "Windows Server 2022 Datacenter 64-bit (English)",
            "Windows Server  2022 Data Center Edition 64bit English Edition",
        ),
    )
}

# Cloud disk categories sold for system and data disks (cloud_essd_entry only with the ecs.e and ecs.u1 families),
# and the performance levels of ESSDs (cloud_essd).
DISK_CATEGORIES: tuple[str, ...] = (
    "cloud_essd",
    "cloud_efficiency",
    "cloud_ssd",
    "cloud_auto",
    "cloud",
    "cloud_essd_entry",
)
PERFORMANCE_LEVELS: tuple[str, ...] = ("PL0", "PL1", "PL2", "PL3")

# Stock levels as DescribeAvailableResource names them; the first two can be bought.
STOCK_CATEGORIES: tuple[str, ...] = ("WithStock", "ClosedWithStock", "WithoutStock", "ClosedWithoutStock")


def region_info(region_id: str) -> RegionInfo | None:
    return REGIONS.get(region_id)


def distance_km(first: RegionInfo, second: RegionInfo) -> float:
    """Great-circle distance between two regions' cities (cn-hangzhou to cn-shanghai about 165 km)."""
    lat1, lon1 = (math.radians(v) for v in first.location)
    lat2, lon2 = (math.radians(v) for v in second.location)
    haversine = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(haversine))
