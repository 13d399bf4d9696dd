"""`cdk-clone env`: exports that let plain terraform or cdktf find the provider offline."""

from __future__ import annotations

import io
import shlex
from pathlib import Path

from cdk_clone.cli import main


def test_env_prints_shell_exports_pointing_at_an_existing_cli_config() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["env"], out=out, err=err) == 0, err.getvalue()
    exports = {}
    for line in out.getvalue().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        words = shlex.split(line)
        assert words[0] == "export", line
        name, _, value = words[1].partition("=")
        exports[name] = value
    assert exports["CHECKPOINT_DISABLE"] == "1"
    config = Path(exports["TF_CLI_CONFIG_FILE"])
    assert config.is_file()
    assert "filesystem_mirror" in config.read_text()
