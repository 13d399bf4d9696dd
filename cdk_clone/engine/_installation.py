"""Where cdk-clone keeps its Terraform files, and the provider mirror plus CLI configuration it writes there."""

from __future__ import annotations

import hashlib
import os
import platform
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cdk_clone.schema import PROVIDER_LOCAL_NAME, PROVIDER_SOURCE, PROVIDER_VERSION

from ._cli_config import UserCliConfig, implicit_plugin_directories

__all__ = ["REGISTRY_HOST", "ProviderInstallation", "cache_directory", "terraform_platform"]

REGISTRY_HOST = "registry.terraform.io"

_ARCHITECTURES = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "386",
    "i686": "386",
    "armv7l": "arm",
    "armv6l": "arm",
}


def terraform_platform() -> str:
    """This machine as Terraform names platforms: ``linux_amd64``, ``linux_arm64``, ``darwin_arm64`` ..."""
    machine = platform.machine().lower()
    return f"{platform.system().lower()}_{_ARCHITECTURES.get(machine, machine)}"


def cache_directory(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_CACHE_HOME/cdk-clone/<interpreter>`` (default ``~/.cache``).

    One directory per Python environment (a hash of ``sys.prefix``): the provider launcher written there
    runs this environment's interpreter, so two virtual environments never overwrite each other's.
    """
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".cache")
    interpreter = hashlib.sha256(sys.prefix.encode()).hexdigest()[:12]
    return Path(base) / "cdk-clone" / interpreter


def _write_if_changed(path: Path, content: str, *, executable: bool = False) -> None:
    """Write ``content`` atomically, and only when it differs.

    Two processes may install at the same time: each writes a private temporary file and renames it into
    place, so a reader never sees half a file. An unchanged file is not touched at all.
    """
    try:
        if path.read_text() == content and (not executable or os.access(path, os.X_OK)):
            return
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(content)
        os.chmod(temporary, 0o755 if executable else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _hcl_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'


@dataclass(frozen=True)
class ProviderInstallation:
    """The ``ecsclone`` provider made findable by Terraform with no network.

    It writes, under ``root``:

    * ``mirror/registry.terraform.io/cdk-clone/ecsclone/<version>/<platform>/terraform-provider-ecsclone_v<version>``:
      a launcher running ``python -m cdk_clone.provider`` with this interpreter;
    * ``terraform.rc``: a Terraform CLI configuration that installs ``cdk-clone/*`` providers from that
      mirror only, and every other provider as usual.

    Example::

        installation = ProviderInstallation.default().install()
        os.environ["TF_CLI_CONFIG_FILE"] = str(installation.cli_config_path)   # then: terraform init
    """

    root: Path

    @classmethod
    def default(cls, environ: Mapping[str, str] = os.environ) -> ProviderInstallation:
        """The installation in this interpreter's cache directory (see :func:`cache_directory`)."""
        return cls(cache_directory(environ))

    @property
    def mirror_path(self) -> Path:
        return self.root / "mirror"

    @property
    def provider_address(self) -> str:
        """``registry.terraform.io/cdk-clone/ecsclone``"""
        return f"{REGISTRY_HOST}/{PROVIDER_SOURCE}"

    @property
    def launcher_path(self) -> Path:
        name = f"terraform-provider-{PROVIDER_LOCAL_NAME}_v{PROVIDER_VERSION}"
        return self.mirror_path / self.provider_address / PROVIDER_VERSION / terraform_platform() / name

    @property
    def cli_config_path(self) -> Path:
        return self.root / "terraform.rc"

    def launcher_script(self) -> str:
        # Stable content: Terraform's lock file records a hash of this file, so it must not change between
        # runs of the same interpreter. `-P` keeps Terraform's working directory (a user's project) out of
        # sys.path, so nothing there can shadow the provider's modules.
        return f'#!/bin/sh\nexec "{sys.executable}" -P -m cdk_clone.provider "$@"\n'

    def cli_config(self) -> str:
        namespace = PROVIDER_SOURCE.split("/")[0]
        pattern = _hcl_string(f"{REGISTRY_HOST}/{namespace}/*")
        return (
            "# Written by cdk-clone: install cdk-clone providers from the local mirror, never from a registry.\n"
            "disable_checkpoint = true\n"
            "\n"
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            f"    path    = {_hcl_string(str(self.mirror_path))}\n"
            f"    include = [{pattern}]\n"
            "  }\n"
            "  direct {\n"
            f"    exclude = [{pattern}]\n"
            "  }\n"
            "}\n"
        )

    def cli_config_for(self, environ: Mapping[str, str]) -> Path:
        """The CLI configuration for a run in ``environ``: the user's own (``TF_CLI_CONFIG_FILE`` or
        ``~/.terraformrc``...) with its settings and installation methods kept, and ``cdk-clone/*`` from the
        mirror only (see :mod:`cdk_clone.engine._cli_config`); :attr:`cli_config_path` when the user has none.

        Each distinct result is its own file (named by its hash): runs with different users' settings never
        overwrite each other's.
        """
        user = UserCliConfig.load(environ)
        if not user.items and not implicit_plugin_directories(environ):
            return self.cli_config_path
        namespace = PROVIDER_SOURCE.split("/")[0]
        text = user.with_mirror(self.mirror_path, f"{REGISTRY_HOST}/{namespace}/*", environ)
        path = self.root / f"terraform-{hashlib.sha256(text.encode()).hexdigest()[:12]}.rc"
        _write_if_changed(path, text)
        return path

    def install(self) -> ProviderInstallation:
        """Write the launcher and the CLI configuration (idempotent, safe from several processes); return self."""
        try:
            _write_if_changed(self.launcher_path, self.launcher_script(), executable=True)
            _write_if_changed(self.cli_config_path, self.cli_config())
        except OSError as error:
            raise OSError(
                f"cannot write cdk-clone's Terraform files under {self.root} ({error}); "
                "make the directory writable or point XDG_CACHE_HOME at a writable directory"
            ) from error
        _compile_package()
        return self


def _compile_package() -> None:
    """Compile cdk-clone's modules to bytecode now, so that each provider start loads it.

    Terraform starts the provider about four times per apply. With PYTHONDONTWRITEBYTECODE set (common in
    containers), an install without bytecode (editable, or unpacked without compiling) would compile the
    provider's sources on every start, some 50 ms each time. Unchanged files cost one stat each; a package
    that cannot be written only stays slower, so failures are silent.
    """
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent.parent, quiet=2)
