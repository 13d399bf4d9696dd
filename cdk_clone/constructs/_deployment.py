"""The deployment a stack's objects belong to, named at synth time (see :mod:`cdk_clone.ownership`).

Every ``ecsclone`` provider of a stack gets ``deployment = "<stack>@<where>"``, unless it was given one:

* ``<where>`` is ``$CDK_CLONE_DEPLOYMENT`` when set, else the cdktf.json context key ``cdk-clone:deployment``:
  a name the user gives (``prod``, ``staging``, ``alice``), the same wherever the project is checked out;
* otherwise it is where the stack's state lives, read from the stack's backend once the app is built:
  ``local:<absolute path of the state file>`` for cdktf's default local backend (each checkout has its own),
  ``s3:bucket=...,key=...`` and the like for a remote one (every checkout sharing that state shares it).

So two checkouts that keep their own state never adopt each other's objects, and a run that resumes a
deployment (a CI job run again, a laptop after sleep) finds what an interrupted run made.

Example::

    provider = provider_for_region(stack, "cn-shanghai")
    claim_deployment(provider, stack)      # deployment filled in at synth, unless set on the provider
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cdk_clone._cdktf import TerraformBackend, TerraformStack
from cdk_clone.bindings import EcsCloneProvider
from cdk_clone.ownership import DEPLOYMENT_ENV

__all__ = ["CONTEXT_KEY", "claim_deployment", "deployment_of", "state_location"]

CONTEXT_KEY = "cdk-clone:deployment"
"""The cdktf.json context key naming a deployment (``"context": {"cdk-clone:deployment": "prod"}``)."""

# The settings of a backend that say where its state is (never credentials, which may rotate).
_LOCATION_SETTINGS = frozenset(
    {
        "address",
        "bucket",
        "container_name",
        "hostname",
        "key",
        "namespace",
        "organization",
        "path",
        "prefix",
        "region",
        "schema_name",
        "secret_suffix",
        "storage_account_name",
        "workspace_dir",
        "workspace_key_prefix",
        "workspaces",
    }
)
_CLAIMED = "_cdk_clone_deployment_claimed"


def claim_deployment(provider: EcsCloneProvider, stack: TerraformStack) -> None:
    """Have ``provider`` name the stack's deployment at synth, unless it names one already (once per provider)."""
    if getattr(provider, _CLAIMED, False):
        return
    known: list[str] = []

    def produce() -> str:
        if not known:  # asked on each synth pass; the answer cannot change once the app is built
            known.append(deployment_of(stack))
        return known[0]

    provider.default_attribute("deployment", produce)
    setattr(provider, _CLAIMED, True)


def deployment_of(stack: TerraformStack) -> str:
    """``<stack>@<where>`` for ``stack`` (see the module docstring)."""
    name = stack.node.id
    explicit = os.environ.get(DEPLOYMENT_ENV, "").strip() or _context(stack)
    return f"{name}@{explicit}" if explicit else f"{name}@{state_location(stack)}"


def _context(stack: TerraformStack) -> str:
    value: Any = stack.node.try_get_context(CONTEXT_KEY)
    return value.strip() if isinstance(value, str) else ""


def state_location(stack: TerraformStack) -> str:
    """Where the stack's state lives, from its backend: ``local:<absolute path>`` or ``<type>:<location settings>``.

    A stack with no backend (before synth adds cdktf's default) is placed where cdktf would put its state.
    """
    for child in stack.node.children:
        if isinstance(child, TerraformBackend):
            document: Any = child.to_terraform()
            for kind, settings in (document.get("terraform", {}).get("backend") or {}).items():
                return _location(str(kind), settings if isinstance(settings, dict) else {})
    return _location("local", {"path": f"terraform.{stack.node.id}.tfstate"})


def _location(kind: str, settings: dict[str, Any]) -> str:
    if kind == "local":
        return f"local:{Path(str(settings.get('path') or 'terraform.tfstate')).absolute()}"
    parts = [
        f"{name}={value if isinstance(value, str) else json.dumps(value, sort_keys=True)}"
        for name, value in sorted(settings.items())
        if name in _LOCATION_SETTINGS and value is not None
    ]
    return f"{kind}:{','.join(parts)}"
