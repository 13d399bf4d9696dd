"""The error a clone construct raises when its configuration cannot work."""

from __future__ import annotations

__all__ = ["CloneConfigurationError"]


class CloneConfigurationError(ValueError):
    """A clone's props, or its source, rule out the clone; the message says what to change.

    Raised at synth time, before any resource is declared (and, for bad props, before any look-up)::

        try:
            InstanceClone(stack, "web", source_instance_id="i-bp1web", source_region="cn-hangzhou", amount=500)
        except CloneConfigurationError as error:
            print(error)   # InstanceClone 'web': amount=500: ... must be between 1 and 100 ...
    """
