"""The look-up cache: source-instance snapshots and zone lists kept in a JSON context file beside the app.

As AWS CDK keeps its look-ups in ``cdk.context.json``, cdk-clone keeps them in ``cdk-clone.context.json``
in the directory the app runs in. Once an entry is there, synth reads it without any API call, so synth
is repeatable and works offline, and a clone stays a copy of its source *as it was*: a later change to the
source does not change the clones until the entry is refreshed.

Where the file is: the ``context_file`` argument, else ``$CDK_CLONE_CONTEXT_FILE``, else
``./cdk-clone.context.json``. Refreshing: ``refresh=True``, ``CDK_CLONE_REFRESH_CONTEXT=1``
(what ``cdk-clone synth --refresh`` sets), or removing the entry (``cdk-clone context --clear KEY``).

Keys: ``source-instance:<region>:<instance-id>`` and ``zones:<region>``; the destination look-ups of
:mod:`cdk_clone.lookup.destination` add theirs.

Example::

    from cdk_clone.lookup.context import ContextFile, lookup_source_instance

    source = lookup_source_instance("i-bp1d3m0s0urce00001", "cn-hangzhou")   # API, then cached
    source = lookup_source_instance("i-bp1d3m0s0urce00001", "cn-hangzhou")   # from the file, no API call
    ContextFile().keys()     # ['source-instance:cn-hangzhou:i-bp1d3m0s0urce00001']
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cdk_clone.lookup.reader import read_source_instance, read_zone_ids
from cdk_clone.lookup.snapshot import SNAPSHOT_FORMAT, SourceInstance

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = [
    "CONTEXT_FILE_ENV",
    "DEFAULT_CONTEXT_FILE_NAME",
    "REFRESH_ENV",
    "ContextFile",
    "ContextFileError",
    "default_context_path",
    "lookup_source_instance",
    "lookup_source_instances",
    "lookup_zone_ids",
    "snapshot_entry",
    "source_from_entry",
    "source_instance_key",
    "zones_key",
]

DEFAULT_CONTEXT_FILE_NAME = "cdk-clone.context.json"
CONTEXT_FILE_ENV = "CDK_CLONE_CONTEXT_FILE"
REFRESH_ENV = "CDK_CLONE_REFRESH_CONTEXT"

_T = TypeVar("_T")

# Keys refreshed by this process: a refresh re-reads each entry once per synth, not once per construct
# that asks for it (a CloneTask and an InstanceClone of the same source share one read).
_refreshed_keys: set[tuple[str, str]] = set()
_lock = threading.Lock()


class ContextFileError(ValueError):
    """The context file exists but cannot be used (not JSON, not an object, a corrupt entry)."""


class _OutdatedEntry(ValueError):
    """A cached entry written by an older cdk-clone, which did not record everything a clone now copies."""


_FORMAT_KEY = "snapshot_format"


def snapshot_entry(source: SourceInstance) -> dict[str, Any]:
    """A source snapshot as the context file keeps it: its fields and the snapshot format."""
    return {**source.model_dump(mode="json"), _FORMAT_KEY: SNAPSHOT_FORMAT}


def source_from_entry(entry: Any) -> SourceInstance:
    """The snapshot kept in a context entry; an entry of an older format is refused (ValueError) rather than
    read with settings missing."""
    if not isinstance(entry, dict):
        raise ValueError("a source snapshot must be a JSON object")  # noqa: TRY004  # _cached catches ValueError
    found = entry.get(_FORMAT_KEY, 1)
    if found != SNAPSHOT_FORMAT:
        raise _OutdatedEntry(
            f"it was written by an older cdk-clone (snapshot format {found}, now {SNAPSHOT_FORMAT}) and lacks "
            "settings a clone now copies (data disks' encryption, key pair, RAM role, user data...)"
        )
    return SourceInstance.model_validate({k: v for k, v in entry.items() if k != _FORMAT_KEY})


def source_instance_key(region_id: str, instance_id: str) -> str:
    """The context key of a source instance's snapshot."""
    return f"source-instance:{region_id}:{instance_id}"


def zones_key(region_id: str) -> str:
    """The context key of a region's zone list."""
    return f"zones:{region_id}"


def default_context_path() -> Path:
    """``$CDK_CLONE_CONTEXT_FILE`` if set, else ``cdk-clone.context.json`` in the working directory."""
    configured = os.environ.get(CONTEXT_FILE_ENV)
    return Path(configured) if configured else Path.cwd() / DEFAULT_CONTEXT_FILE_NAME


class ContextFile:
    """The JSON context file: a flat object from key to cached value, rewritten atomically on change.

    Example::

        context = ContextFile(Path("cdk-clone.context.json"))
        context.keys()                 # ['source-instance:cn-hangzhou:i-...', 'zones:cn-shanghai']
        context.remove("zones:cn-shanghai")
        context.clear()
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_context_path()

    def read(self) -> dict[str, Any]:
        """Every entry; an absent file is an empty context."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise ContextFileError(
                f"context file {self.path} is not valid JSON ({exc.msg} at line {exc.lineno}): fix it, or delete "
                "it to look everything up again"
            ) from None
        if not isinstance(data, dict):
            raise ContextFileError(f"context file {self.path} must hold a JSON object; delete it to start afresh")
        return data

    def keys(self) -> list[str]:
        """The cached keys, sorted."""
        return sorted(self.read())

    def get(self, key: str) -> Any | None:
        """The cached value of ``key``, or None."""
        return self.read().get(key)

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (read-modify-write, then an atomic replace of the file)."""
        with _lock:
            data = self.read()
            data[key] = value
            self._write(data)

    def put_many(self, entries: dict[str, Any]) -> None:
        """Store every entry of ``entries`` in one rewrite of the file."""
        with _lock:
            data = self.read()
            data.update(entries)
            self._write(data)

    def remove(self, key: str) -> bool:
        """Remove ``key``; True when it was there."""
        with _lock:
            data = self.read()
            if key not in data:
                return False
            del data[key]
            self._write(data)
            return True

    def clear(self) -> int:
        """Remove every entry; returns how many there were."""
        with _lock:
            data = self.read()
            if data:
                self._write({})
            return len(data)

    def _write(self, data: dict[str, Any]) -> None:
        # Write beside the target and rename over it: a crash or a concurrent reader never sees half a file.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.write("\n")
            os.replace(temp_name, self.path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise


def _refresh_from_environment() -> bool:
    return os.environ.get(REFRESH_ENV, "").strip().lower() in {"1", "true", "yes"}


def _cached(
    context: ContextFile,
    key: str,
    refresh: bool,
    parse: Callable[[Any], _T],
    fetch: Callable[[], _T],
    dump: Callable[[_T], Any],
) -> _T:
    refresh_key = (str(context.path.resolve()), key)
    # An explicit refresh always asks again; the environment's (set for a whole synth) asks once per
    # process, so constructs sharing a source do not each re-read it.
    must_refresh = refresh or (_refresh_from_environment() and refresh_key not in _refreshed_keys)
    if not must_refresh:
        cached = context.get(key)
        if cached is not None:
            try:
                return parse(cached)
            except ValueError as exc:
                reason = str(exc) if isinstance(exc, _OutdatedEntry) else exc.__class__.__name__
                raise ContextFileError(
                    f"context entry {key!r} in {context.path} is not usable ({reason}): remove it "
                    f"with `cdk-clone context --clear {key}` and synth again"
                ) from None
    value = fetch()
    context.put(key, dump(value))
    _refreshed_keys.add(refresh_key)
    return value


def _client(region_id: str, client: AlibabaCloudClient | None) -> AlibabaCloudClient:
    if client is not None:
        return client
    # Imported here: an app whose look-ups are all cached never loads the HTTP client.
    from cdk_clone.api import AlibabaCloudClient

    return AlibabaCloudClient(region_id)


def lookup_source_instance(
    instance_id: str,
    region_id: str,
    *,
    context_file: Path | None = None,
    refresh: bool = False,
    client: AlibabaCloudClient | None = None,
) -> SourceInstance:
    """The snapshot of ``instance_id``: from the context file when cached, else over the API (then cached).

    ``client`` defaults to an :class:`~cdk_clone.api.AlibabaCloudClient` for ``region_id`` built from the
    environment (credentials, ``CDK_CLONE_ENDPOINT``).
    """
    return _cached(
        ContextFile(context_file),
        source_instance_key(region_id, instance_id),
        refresh,
        parse=source_from_entry,
        fetch=lambda: read_source_instance(_client(region_id, client), region_id, instance_id),
        dump=snapshot_entry,
    )


def lookup_source_instances(
    instance_ids: list[str],
    region_id: str,
    *,
    context_file: Path | None = None,
    refresh: bool = False,
    client: AlibabaCloudClient | None = None,
) -> list[SourceInstance]:
    """The snapshots of several sources of one region, in order: as :func:`lookup_source_instance`, but the
    ones not cached are read together (one DescribeInstances per 100, and each VPC, vSwitch, security group
    and image they share read once: see :class:`~cdk_clone.lookup.reader.SourceReader`), then cached in one
    write of the context file."""
    from cdk_clone.lookup.reader import SourceReader

    context = ContextFile(context_file)
    keys = {instance_id: source_instance_key(region_id, instance_id) for instance_id in instance_ids}
    found: dict[str, SourceInstance] = {}
    cached = context.read()
    for instance_id, key in keys.items():
        refresh_key = (str(context.path.resolve()), key)
        if refresh or (_refresh_from_environment() and refresh_key not in _refreshed_keys):
            continue
        if cached.get(key) is not None:
            try:
                found[instance_id] = source_from_entry(cached[key])
            except ValueError as exc:
                reason = f" ({exc})" if isinstance(exc, _OutdatedEntry) else ""
                raise ContextFileError(
                    f"context entry {key!r} in {context.path} is not usable{reason}: remove it with "
                    f"`cdk-clone context --clear {key}` and synth again"
                ) from None
    missing = [instance_id for instance_id in keys if instance_id not in found]
    if missing:
        read = SourceReader(_client(region_id, client), region_id).read(missing)
        context.put_many({keys[i]: snapshot_entry(read[i]) for i in missing})
        _refreshed_keys.update((str(context.path.resolve()), keys[i]) for i in missing)
        found.update(read)
    return [found[instance_id] for instance_id in instance_ids]


def _zone_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(z, str) for z in value):
        raise ValueError("a zone list must be a list of strings")
    return list(value)


def lookup_zone_ids(
    region_id: str,
    *,
    context_file: Path | None = None,
    refresh: bool = False,
    client: AlibabaCloudClient | None = None,
) -> list[str]:
    """The zones of ``region_id``, sorted: from the context file when cached, else DescribeZones (then cached)."""
    return _cached(
        ContextFile(context_file),
        zones_key(region_id),
        refresh,
        parse=_zone_list,
        fetch=lambda: read_zone_ids(_client(region_id, client), region_id),
        dump=list,
    )
