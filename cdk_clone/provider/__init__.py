"""The ``ecsclone`` Terraform provider, written in Python on the plugin protocol (PyPI ``tf``).

Terraform starts it as ``terraform-provider-ecsclone`` (or ``python -m cdk_clone.provider``); users never
call it directly. Resource types: ``ecsclone_image``, ``ecsclone_image_copy``, ``ecsclone_vpc``,
``ecsclone_vswitch``, ``ecsclone_security_group``, ``ecsclone_instance_group``; data source
``ecsclone_instance``.

Example (a Terraform configuration)::

    provider "ecsclone" { region = "cn-hangzhou" }
    resource "ecsclone_vpc" "net" { cidr_block = "172.16.0.0/12" }
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._provider import FULL_NAME, EcsClonePlugin

__all__ = ["FULL_NAME", "EcsClonePlugin", "main"]


def main(argv: list[str] | None = None) -> None:
    """Serve the provider to Terraform over the plugin protocol until Terraform stops it."""
    import gc

    # Terraform waits for every start (about four per apply), and starting is almost all imports: objects
    # that live as long as the process. Collecting garbage among them only costs time, so collection is
    # paused while they load, and they are then set apart from later collections (the gc.freeze pattern).
    gc.disable()
    try:
        from ._provider import FULL_NAME, EcsClonePlugin
        from ._runner import serve
        from ._servicer import EcsCloneServicer

        servicer = EcsCloneServicer(EcsClonePlugin())
        gc.freeze()
    finally:
        gc.enable()
    serve(servicer, full_name=FULL_NAME, argv=argv if argv is not None else sys.argv)


def __getattr__(name: str) -> Any:
    # Loaded on first use: `python -m cdk_clone.provider` imports this package before main() runs, and
    # main() loads the provider itself (see above).
    if name in ("FULL_NAME", "EcsClonePlugin"):
        from . import _provider

        return getattr(_provider, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
