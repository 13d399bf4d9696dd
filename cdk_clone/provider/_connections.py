"""One provider process, several provider configurations: which configuration each gRPC call belongs to.

Terraform normally starts one provider process per provider configuration (``provider "ecsclone" {
alias = "cn-shanghai" ... }``). A process started once and reattached with ``TF_REATTACH_PROVIDERS`` (what
``cdk-clone`` does, see :mod:`cdk_clone.engine._shared_provider`) serves them all: Terraform then opens one
gRPC connection per configuration, sends ``ConfigureProvider`` on it, and sends every call for that
configuration's resources on the same connection. The connection (the peer address gRPC reports) thus
tells the configuration. Configurations with the same arguments share one plugin (and its HTTP
connections).

Such a process listens on loopback TCP (a unix socket gives every peer the same empty address), so it
only answers connections of its own user: :func:`same_user_peer` checks the peer's socket owner in
``/proc/net/tcp``.

Example::

    configurations = Configurations(EcsClonePlugin())
    plugin = configurations.configure("ipv4:127.0.0.1:50718", config, diagnostics)
    configurations.plugin_for("ipv4:127.0.0.1:50718") is plugin    # True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tf.utils import Diagnostics

    from ._provider import EcsClonePlugin

__all__ = ["Configurations", "same_user_peer"]


class Configurations:
    """The plugin of each connection: the one its ``ConfigureProvider`` set up, else an unconfigured one
    (schema and validation calls come before any configuration)."""

    def __init__(self, unconfigured: EcsClonePlugin, new_plugin: Callable[[], EcsClonePlugin] | None = None) -> None:
        self.unconfigured = unconfigured
        self._new_plugin = new_plugin or type(unconfigured)
        self._by_arguments: dict[tuple[Any, ...], EcsClonePlugin] = {}
        self._by_peer: dict[str, EcsClonePlugin] = {}
        self._lock = threading.Lock()

    def plugin_for(self, peer: str) -> EcsClonePlugin:
        with self._lock:
            return self._by_peer.get(peer, self.unconfigured)

    def configure(self, peer: str, config: dict[str, Any], diags: Diagnostics) -> EcsClonePlugin:
        """The plugin for ``config`` (configured now, or earlier for the same arguments), bound to ``peer``."""
        key = tuple(sorted((name, repr(value)) for name, value in config.items()))
        with self._lock:
            plugin = self._by_arguments.get(key)
        if plugin is None:
            plugin = self._new_plugin()
            plugin.configure_provider(diags, config)
            if diags.has_errors():
                return plugin
            with self._lock:
                plugin = self._by_arguments.setdefault(key, plugin)
        with self._lock:
            new_connection = peer not in self._by_peer
            self._by_peer[peer] = plugin
        if new_connection and plugin.configured:
            # A plugin configured by an earlier connection (a shared provider serving another Terraform run, or
            # another walk) keeps its client, but not its shared answers: they held the cloud as it was then.
            # What the command listed just before this run is the cloud as it is now, though.
            from ._adoption import take_owned_listings
            from ._batching import forget_answers

            forget_answers(plugin.client)
            take_owned_listings(plugin.client)
        return plugin


def same_user_peer(peer: str, server_port: int, tables: tuple[str, ...] = ("/proc/net/tcp",)) -> bool:
    """Whether the loopback TCP peer ``ipv4:127.0.0.1:PORT`` of a server on ``server_port`` belongs to this
    process's user, from the kernel's socket table (Linux). Anything else is refused."""
    prefix = "ipv4:127.0.0.1:"
    if not peer.startswith(prefix) or not peer[len(prefix) :].isdigit():
        return False
    local = f"0100007F:{int(peer[len(prefix):]):04X}"
    remote = f"0100007F:{server_port:04X}"
    for table in tables:
        try:
            with open(table, encoding="ascii") as sockets:
                next(sockets, None)  # the header
                for line in sockets:
                    # sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
                    fields = line.split()
                    if len(fields) > 7 and fields[1] == local and fields[2] == remote:
                        return fields[7] == str(os.getuid())
        except OSError:
            return False
    return False
