"""One ``ecsclone`` provider per region in a stack, shared by every clone construct in it."""

from __future__ import annotations

from cdk_clone._cdktf import Construct, TerraformStack
from cdk_clone.bindings import EcsCloneProvider
from cdk_clone.constructs._deployment import claim_deployment
from cdk_clone.constructs._tree import stack_of

__all__ = ["provider_for_region"]

# Attribute on the stack's Python object: the providers found or made so far, by region.
_REGISTRY_ATTRIBUTE = "_cdk_clone_providers_by_region"


def _registry(stack: TerraformStack) -> dict[str, EcsCloneProvider]:
    registry: dict[str, EcsCloneProvider] | None = getattr(stack, _REGISTRY_ATTRIBUTE, None)
    if registry is None:
        # A single walk of the tree, on first use: providers the user declared before the clones win.
        # (Walking on every call would cost a jsii round trip per construct for every clone.)
        registry = {}
        for construct in stack.node.find_all():
            if isinstance(construct, EcsCloneProvider) and construct.region not in registry:
                registry[construct.region] = construct
        setattr(stack, _REGISTRY_ATTRIBUTE, registry)
    return registry


def provider_for_region(scope: Construct, region_id: str) -> EcsCloneProvider:
    """The stack's ``ecsclone`` provider for ``region_id``, made (with alias = the region ID) if missing.

    A provider the user declared for that region (aliased or not) before the first clone is used
    instead, so endpoint or credentials set there apply to the clones too. Either way the provider names the
    stack's deployment at synth, unless it was given one (see :mod:`cdk_clone.constructs._deployment`).

    Example::

        shanghai = provider_for_region(stack, "cn-shanghai")   # EcsCloneProvider(alias="cn-shanghai")
        assert provider_for_region(stack, "cn-shanghai") is shanghai
    """
    stack = stack_of(scope)
    registry = _registry(stack)
    provider = registry.get(region_id)
    if provider is None:
        provider = EcsCloneProvider(stack, f"ecsclone-{region_id}", region=region_id, alias=region_id)
        registry[region_id] = provider
    claim_deployment(provider, stack)
    return provider
