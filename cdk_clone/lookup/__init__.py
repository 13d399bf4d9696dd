"""Source instances for cloning: snapshots, reading them over the API, and the context-file cache.

Example::

    from cdk_clone.lookup import SourceInstance, ContextFile
    source = SourceInstance.lookup("i-bp1d3m0s0urce00001", "cn-hangzhou")   # cached in cdk-clone.context.json
    ContextFile().keys()
"""

from __future__ import annotations

from cdk_clone.lookup.context import (
    ContextFile,
    ContextFileError,
    default_context_path,
    lookup_source_instance,
    lookup_zone_ids,
    snapshot_entry,
    source_from_entry,
    source_instance_key,
    zones_key,
)
from cdk_clone.lookup.reader import SourceInstanceNotFound, read_source_instance, read_zone_ids
from cdk_clone.lookup.snapshot import DiskSnapshot, SecurityGroupRule, SecurityGroupSnapshot, SourceInstance

__all__ = [
    "ContextFile",
    "ContextFileError",
    "DiskSnapshot",
    "SecurityGroupRule",
    "SecurityGroupSnapshot",
    "SourceInstance",
    "SourceInstanceNotFound",
    "default_context_path",
    "lookup_source_instance",
    "lookup_zone_ids",
    "read_source_instance",
    "read_zone_ids",
    "snapshot_entry",
    "source_from_entry",
    "source_instance_key",
    "zones_key",
]
