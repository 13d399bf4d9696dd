"""Terraform for cdk-clone: finding it, making the ecsclone provider findable offline, and running it.

Example::

    from cdk_clone.engine import Terraform, env_exports, find_terraform

    find_terraform()                      # TerraformLocation(path=..., kind='PATH' | 'TERRAFORM_BIN' | 'bundled')
    print(env_exports())                  # what `cdk-clone env` prints
    tf = Terraform(workdir)
    tf.init()
    tf.apply(on_event=print)
"""

from __future__ import annotations

from ._environment import env_exports, terraform_environment
from ._installation import ProviderInstallation, cache_directory, terraform_platform
from ._locate import TerraformLocation, TerraformNotFound, bundled_engine_path, find_terraform
from ._runner import (
    ApplyResult,
    Diagnostic,
    EventCallback,
    PlanResult,
    StateLocationChanged,
    Terraform,
    TerraformError,
)
from ._shared_provider import SharedProvider, SharedProviderFailed
from .bundled import BundledEngineUnavailable

__all__ = [
    "ApplyResult",
    "BundledEngineUnavailable",
    "Diagnostic",
    "EventCallback",
    "PlanResult",
    "ProviderInstallation",
    "SharedProvider",
    "SharedProviderFailed",
    "StateLocationChanged",
    "Terraform",
    "TerraformError",
    "TerraformLocation",
    "TerraformNotFound",
    "bundled_engine_path",
    "cache_directory",
    "env_exports",
    "find_terraform",
    "terraform_environment",
    "terraform_platform",
]
