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

from ._provider import FULL_NAME, EcsClonePlugin

__all__ = ["FULL_NAME", "EcsClonePlugin", "main"]


def main(argv: list[str] | None = None) -> None:
    """Serve the provider to Terraform over the plugin protocol until Terraform stops it."""
    from ._runner import serve
    from ._servicer import EcsCloneServicer

    serve(EcsCloneServicer(EcsClonePlugin()), full_name=FULL_NAME, argv=argv if argv is not None else sys.argv)
