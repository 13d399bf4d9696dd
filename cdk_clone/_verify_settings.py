"""The rows of ``cdk-clone verify`` for what a clone copies beyond type, image, network and groups: names,
settings, and every disk, of each clone against its source.

What a clone should have is what its instance group was configured with (the Terraform state): the source's
settings, or the props the user gave instead, or the decision for a setting that cannot be carried (see
:mod:`cdk_clone.constructs.clone_settings`). Each row shows the source's value and the clones' values; a
clone whose value is not the configured one is DIFFERS, naming the clone. A row whose configured value is
not the source's says so in its note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cdk_clone.lookup.reader import instance_settings, read_disks_of, read_ram_roles, read_user_data
from cdk_clone.lookup.snapshot import DiskSnapshot, SourceInstance
from cdk_clone.naming import follows_pattern, is_system_tag

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = ["SettingRow", "group_of", "setting_rows"]

# (aspect, outcome, source value, clone value, note)
SettingRow = tuple[str, str, str, str, str]

_SKIP = object()

# Settings read from DescribeInstances, compared with the group's configured value. When the group left one
# unset: compared with the value RunInstances gives (a default), or not compared at all (None: the cloud
# picks, e.g. the default resource group).
_SETTINGS: tuple[tuple[str, str, Any], ...] = (
    ("description", "description", ""),
    ("key pair", "key_pair_name", None),
    ("deletion protection", "deletion_protection", False),
    ("internet charge type", "internet_charge_type", "PayByTraffic"),
    ("bandwidth in", "internet_max_bandwidth_in", _SKIP),
    ("spot strategy", "spot_strategy", "NoSpot"),
    ("spot price limit", "spot_price_limit", None),
    ("resource group", "resource_group_id", _SKIP),
    ("deployment set", "deployment_set_id", None),
    ("credit specification", "credit_specification", _SKIP),
    ("metadata tokens", "http_tokens", _SKIP),
    ("IPv6 addresses", "ipv6_address_count", 0),
)


def group_of(resources: Iterable[dict[str, Any]], instance_ids: Iterable[str]) -> dict[str, Any] | None:
    """The state values of the ``ecsclone_instance_group`` holding these instances."""
    wanted = set(instance_ids)
    for resource in resources:
        values = resource.get("values") or {}
        if resource.get("type") == "ecsclone_instance_group" and wanted & set(values.get("instance_ids") or []):
            return dict(values)
    return None


def _show(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, int | float) and isinstance(actual, int | float) and not isinstance(expected, bool):
        return float(expected) == float(actual)
    return bool(expected == actual)


def _compare(
    aspect: str, source_value: Any, expected: Any, actual: dict[str, Any], note_if_given: str = ""
) -> SettingRow:
    """One row: every clone's ``actual`` value (by instance ID) against ``expected``."""
    wrong = {i: v for i, v in actual.items() if not _same(expected, v)}
    values = sorted({_show(v) for v in actual.values()}) or ["-"]
    if wrong:
        detail = "; ".join(f"{i}: {_show(v)}" for i, v in sorted(wrong.items()))
        return (aspect, "DIFFERS", _show(source_value), ", ".join(values), f"expected {_show(expected)}: {detail}")
    note = "" if _same(expected, source_value) else (note_if_given or f"as configured: {_show(expected)}")
    return (aspect, "ok, note" if note else "ok", _show(source_value), ", ".join(values), note)


def _names_row(aspect: str, source_value: str | None, pattern: str | None, names: dict[str, str | None]) -> SettingRow:
    shown = ", ".join(_show(n) for _, n in sorted(names.items()))
    if pattern is None:
        return (aspect, "ok", _show(source_value), shown, "left to the cloud")
    off = sorted(i for i, n in names.items() if not follows_pattern(pattern, n))
    repeated = sorted({n for n in names.values() if n is not None and list(names.values()).count(n) > 1})
    if off:
        return (aspect, "DIFFERS", _show(source_value), shown, f"not named {pattern}: {', '.join(off)}")
    if repeated and aspect == "instance names":
        return (aspect, "DIFFERS", _show(source_value), shown, f"not distinct: {', '.join(repeated)}")
    return (aspect, "ok", _show(source_value), shown, f"pattern {pattern}" if pattern != source_value else "")


def _disk_text(disk: DiskSnapshot | dict[str, Any]) -> str:
    if isinstance(disk, DiskSnapshot):
        parts = [disk.category, f"{disk.size_gib} GiB", disk.performance_level or "", "encrypted" if disk.encrypted else ""]
    else:
        parts = [str(disk.get("category")), f"{_show(disk.get('size'))} GiB", disk.get("performance_level") or "",
                 "encrypted" if disk.get("encrypted") else ""]
    return " ".join(p for p in parts if p)


def _disk_differences(expected: dict[str, Any], actual: DiskSnapshot) -> list[str]:
    found = []
    if expected.get("category") and actual.category != expected["category"]:
        found.append(f"category {actual.category}")
    if expected.get("size") is not None and actual.size_gib != int(expected["size"]):
        found.append(f"{actual.size_gib} GiB")
    if expected.get("performance_level") and actual.performance_level != expected["performance_level"]:
        found.append(f"performance level {actual.performance_level or '-'}")
    if bool(expected.get("encrypted")) != actual.encrypted:
        found.append("encrypted" if actual.encrypted else "not encrypted")
    if expected.get("kms_key_id") and actual.kms_key_id != expected["kms_key_id"]:
        found.append(f"KMS key {actual.kms_key_id or '-'}")
    wanted_delete = expected.get("delete_with_instance")
    if wanted_delete is not None and actual.delete_with_instance != wanted_delete:
        found.append("released with the instance" if actual.delete_with_instance else "kept on release")
    return found


def _disk_rows(
    source: SourceInstance,
    group: dict[str, Any],
    disks: dict[str, tuple[DiskSnapshot, ...]],
    copy_kms_key_id: str | None,
) -> list[SettingRow]:
    rows: list[SettingRow] = []
    # An encrypted image copy encrypts every disk, the system disk too, with its key.
    expected_system = {
        "category": group.get("system_disk_category"),
        "size": group.get("system_disk_size"),
        "performance_level": group.get("system_disk_performance_level"),
        "encrypted": bool(copy_kms_key_id or (source.system_disk and source.system_disk.encrypted)),
        "kms_key_id": copy_kms_key_id,
    }
    expected_data = list(group.get("data_disk") or [])
    source_data = source.data_disks
    for instance_id, found in sorted(disks.items()):
        system = next((d for d in found if d.kind == "system"), None)
        data = [d for d in found if d.kind == "data"]
        problems = []
        if system is None:
            problems.append("no system disk")
        else:
            problems += [f"system disk {p}" for p in _disk_differences(expected_system, system)]
        for index, wanted in enumerate(expected_data):
            origin = source_data[index] if index < len(source_data) else None
            name = f"data disk {index + 1}" + (f" ({origin.disk_id} {origin.device})" if origin else "")
            if index >= len(data):
                problems.append(f"missing {name}: {_disk_text(wanted)}")
                continue
            problems += [f"{name}: {p}" for p in _disk_differences(wanted, data[index])]
        problems += [f"extra data disk {d.disk_id} ({_disk_text(d)})" for d in data[len(expected_data) :]]
        source_text = " + ".join(_disk_text(d) for d in source.disks) or "-"
        clone_text = " + ".join(_disk_text(d) for d in found) or "-"
        if problems:
            rows.append((f"disks {instance_id}", "DIFFERS", source_text, clone_text, "; ".join(problems)))
        else:
            rows.append((f"disks {instance_id}", "ok", source_text, clone_text, ""))
    return rows


def setting_rows(
    source: SourceInstance,
    group: dict[str, Any] | None,
    instances: list[dict[str, Any]],
    client: AlibabaCloudClient,
    region: str,
    *,
    copy_kms_key_id: str | None = None,
    region_disks: Callable[[], Mapping[str, tuple[DiskSnapshot, ...]]] | None = None,
) -> list[SettingRow]:
    """Names, settings and disks of the clones (DescribeInstances ``instances``) against the source.
    ``copy_kms_key_id``: the key of the encrypted image copy the clones boot from, if any; ``region_disks``:
    the region's disks listed once for every group of a run (see :func:`read_disks_of`)."""
    if group is None or not instances:
        return []
    ids = [str(i.get("InstanceId")) for i in instances]
    by_id = dict(zip(ids, instances, strict=True))
    settings = {i: instance_settings(row) for i, row in by_id.items()}
    rows: list[SettingRow] = [
        _names_row("instance names", source.instance_name, group.get("instance_name"),
                   {i: r.get("InstanceName") for i, r in by_id.items()}),
        _names_row("host names", source.host_name, group.get("host_name"), {i: r.get("HostName") for i, r in by_id.items()}),
    ]

    def each(read: Callable[[str], Any]) -> dict[str, Any]:
        return {i: read(i) for i in ids}

    for aspect, name, default in _SETTINGS:
        expected = group.get(name)
        if expected is None:
            if default is _SKIP or (name == "spot_price_limit" and source.spot_price_limit is None):
                continue
            expected = default
        rows.append(_compare(aspect, getattr(source, name), expected, {i: settings[i][name] for i in ids}))
    rows.append(
        _compare("bandwidth out", source.internet_max_bandwidth_out, group.get("internet_max_bandwidth_out") or 0,
                 each(lambda i: int(by_id[i].get("InternetMaxBandwidthOut") or 0)))
    )
    tags = {i: {str(t["TagKey"]): str(t.get("TagValue") or "") for t in ((r.get("Tags") or {}).get("Tag")) or []
                if t.get("TagKey") and not is_system_tag(str(t["TagKey"]))} for i, r in by_id.items()}
    rows.append(_compare("tags", _tag_text(source.tags), _tag_text(group.get("tags") or {}),
                         {i: _tag_text(t) for i, t in tags.items()}))
    # RAM role and user data have their own actions; asked only where the source or the group has one.
    if group.get("ram_role_name") or source.ram_role_name:
        rows.append(
            _compare("RAM role", source.ram_role_name, group.get("ram_role_name"), read_ram_roles(client, region, ids))
        )
    if group.get("user_data") or source.user_data:
        user_data = {i: read_user_data(client, region, i) for i in ids}
        rows.append(
            _compare("user data", _digest(source.user_data), _digest(group.get("user_data")),
                     {i: _digest(v) for i, v in user_data.items()})
        )
    rows += _disk_rows(source, group, read_disks_of(client, region, ids, region_disks=region_disks), copy_kms_key_id)
    return rows


def _tag_text(tags: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) or "-"


def _digest(user_data: str | None) -> str | None:
    # User data may hold secrets: the table shows its size and a digest, never the text.
    if not user_data:
        return None
    import hashlib

    return f"{len(user_data)} bytes, sha256 {hashlib.sha256(user_data.encode()).hexdigest()[:12]}"
