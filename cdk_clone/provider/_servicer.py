"""Where ``tf`` 1.2 falls short of plugin protocol 6, and how this package makes up for it.

``tf`` announces the ``plan_destroy`` capability, so Terraform asks the provider to plan every destroy
(PlanResourceChange with a null proposed state), but ``tf`` answers that call with the error "DELETE should
never be sent to PlanResourceChange", which makes every ``terraform destroy`` fail. The servicer below
answers it the way the protocol expects: the planned state of a destroy is null.

``tf`` also assumes one provider configuration per process. A process reattached by ``cdk-clone`` serves
every configuration of a run (one per region), each on its own gRPC connection: the servicer gives each call
the plugin its connection configured (see :mod:`cdk_clone.provider._connections`).

:func:`cdk_clone.provider.main` serves :class:`EcsCloneServicer` directly. ``tf.runner.run_provider`` builds
``tf.provider.ProviderServicer`` by name when it starts, so :func:`install_servicer` makes it serve the
subclass too.

``tf`` also marks only attributes as forcing replacement; a block whose schema says ``force_new`` (the
instance group's ``data_disk``: disks are made at launch) is added to ``requires_replace`` here when it changes.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import tf.provider
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc
from tf.utils import Diagnostics, _to_attribute_path, read_dynamic_value

from cdk_clone.schema import RESOURCES

from ._connections import Configurations

if TYPE_CHECKING:
    from ._provider import EcsClonePlugin

__all__ = ["EcsCloneServicer", "install_servicer"]

# Every call of the Terraform plugin protocol, as the generated servicer names them.
_RPC_NAMES = tuple(name for name in vars(rpc.ProviderServicer) if name[:1].isupper())


class EcsCloneServicer(tf.provider.ProviderServicer):  # type: ignore[misc]
    """``tf``'s servicer, plus destroy plans, blocks that force replacement, and one plugin per provider
    configuration.

    ``admit(peer)``, when given, decides which connections are served at all (a shared process on loopback
    TCP serves only its own user's); the others get PERMISSION_DENIED.
    """

    def __init__(self, app: EcsClonePlugin, *, admit: Callable[[str], bool] | None = None) -> None:
        self._current = threading.local()
        self._configurations = Configurations(app)
        self.admit = admit
        super().__init__(app)
        # gRPC registers the bound methods: wrap each so that ``self.app`` is the caller's plugin.
        for name in _RPC_NAMES:
            setattr(self, name, self._for_connection(getattr(self, name)))

    @property
    def app(self) -> EcsClonePlugin:
        return getattr(self._current, "plugin", None) or self._configurations.unconfigured

    @app.setter
    def app(self, plugin: EcsClonePlugin) -> None:
        self._configurations.unconfigured = plugin

    def _for_connection(self, method: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        @functools.wraps(method)
        def serve(request: Any, context: Any) -> Any:
            import grpc

            peer = context.peer()
            if self.admit is not None and not self.admit(peer):
                context.abort(grpc.StatusCode.PERMISSION_DENIED, "this provider serves its own user only")
            self._current.plugin = self._configurations.plugin_for(peer)
            self._current.peer = peer
            try:
                return method(request, context)
            finally:
                self._current.plugin = None

        return serve

    def ConfigureProvider(self, request: pb.ConfigureProvider.Request, context: Any) -> Any:
        diags = Diagnostics()
        config = read_dynamic_value(request.config)
        self._current.plugin = self._configurations.configure(self._current.peer, config, diags)
        return pb.ConfigureProvider.Response(diagnostics=diags.to_pb())

    def PlanResourceChange(self, request: pb.PlanResourceChange.Request, context: Any) -> Any:
        prior = read_dynamic_value(request.prior_state)
        proposed = read_dynamic_value(request.proposed_new_state)
        if proposed is None and prior is not None:
            # Destroying needs no preparation: plan the null state Terraform proposed.
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        response = super().PlanResourceChange(request, context)
        schema = RESOURCES.get(request.type_name)
        if prior is not None and proposed is not None and schema is not None:
            for block in schema.blocks:
                if block.force_new and prior.get(block.name) != proposed.get(block.name):
                    response.requires_replace.append(_to_attribute_path([block.name]))
        return response


def install_servicer() -> None:
    """Make ``tf.runner.run_provider`` serve :class:`EcsCloneServicer`."""
    tf.provider.ProviderServicer = EcsCloneServicer
