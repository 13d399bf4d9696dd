"""Where ``tf`` 1.2 falls short of plugin protocol 6, and how this package makes up for it.

``tf`` announces the ``plan_destroy`` capability, so Terraform asks the provider to plan every destroy
(PlanResourceChange with a null proposed state), but ``tf`` answers that call with the error "DELETE should
never be sent to PlanResourceChange", which makes every ``terraform destroy`` fail. The servicer below
answers it the way the protocol expects: the planned state of a destroy is null.

:func:`cdk_clone.provider.main` serves :class:`EcsCloneServicer` directly. ``tf.runner.run_provider`` builds
``tf.provider.ProviderServicer`` by name when it starts, so :func:`install_servicer` makes it serve the
subclass too.
"""

from __future__ import annotations

from typing import Any

import tf.provider
from tf.gen import tfplugin_pb2 as pb
from tf.utils import read_dynamic_value

__all__ = ["EcsCloneServicer", "install_servicer"]


class EcsCloneServicer(tf.provider.ProviderServicer):  # type: ignore[misc]
    """``tf``'s servicer, plus destroy plans."""

    def PlanResourceChange(self, request: pb.PlanResourceChange.Request, context: Any) -> Any:
        prior = read_dynamic_value(request.prior_state)
        proposed = read_dynamic_value(request.proposed_new_state)
        if proposed is None and prior is not None:
            # Destroying needs no preparation: plan the null state Terraform proposed.
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        return super().PlanResourceChange(request, context)


def install_servicer() -> None:
    """Make ``tf.runner.run_provider`` serve :class:`EcsCloneServicer`."""
    tf.provider.ProviderServicer = EcsCloneServicer
