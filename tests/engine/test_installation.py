"""The provider mirror and the Terraform CLI configuration cdk-clone writes."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cdk_clone.engine import ProviderInstallation, cache_directory, terraform_platform
from cdk_clone.schema import PROVIDER_VERSION


def test_mirror_layout_and_launcher(tmp_path: Path) -> None:
    installation = ProviderInstallation(tmp_path).install()
    expected = (
        tmp_path
        / "mirror"
        / "registry.terraform.io"
        / "cdk-clone"
        / "ecsclone"
        / PROVIDER_VERSION
        / terraform_platform()
        / f"terraform-provider-ecsclone_v{PROVIDER_VERSION}"
    )
    assert installation.launcher_path == expected
    assert os.access(expected, os.X_OK)
    assert expected.read_text() == f'#!/bin/sh\nexec "{sys.executable}" -P -m cdk_clone.provider "$@"\n'


def test_cli_configuration_installs_only_cdk_clone_providers_from_the_mirror(tmp_path: Path) -> None:
    installation = ProviderInstallation(tmp_path).install()
    assert installation.cli_config_path.read_text() == (
        "# Written by cdk-clone: install cdk-clone providers from the local mirror, never from a registry.\n"
        "disable_checkpoint = true\n"
        "\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{tmp_path}/mirror"\n'
        '    include = ["registry.terraform.io/cdk-clone/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["registry.terraform.io/cdk-clone/*"]\n'
        "  }\n"
        "}\n"
    )


def test_install_is_idempotent_and_leaves_unchanged_files_alone(tmp_path: Path) -> None:
    installation = ProviderInstallation(tmp_path).install()
    before = installation.launcher_path.stat().st_mtime_ns, installation.cli_config_path.stat().st_mtime_ns
    installation.install()
    after = installation.launcher_path.stat().st_mtime_ns, installation.cli_config_path.stat().st_mtime_ns
    assert before == after


def test_a_damaged_launcher_is_repaired(tmp_path: Path) -> None:
    installation = ProviderInstallation(tmp_path).install()
    installation.launcher_path.write_text("broken")
    installation.install()
    assert installation.launcher_path.read_text() == installation.launcher_script()


def test_concurrent_installs_leave_whole_files_and_no_temporaries(tmp_path: Path) -> None:
    installation = ProviderInstallation(tmp_path)

    def install() -> None:
        for _ in range(20):
            installation.install()

    with ThreadPoolExecutor(max_workers=6) as pool:
        for future in [pool.submit(install) for _ in range(6)]:
            future.result()  # re-raises any failure
    assert installation.launcher_path.read_text() == installation.launcher_script()
    leftovers = [path.name for path in tmp_path.rglob(".*") if path.is_file()]
    assert leftovers == []


def test_concurrent_installs_from_two_processes(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from cdk_clone.engine import ProviderInstallation\n"
        "for _ in range(30): ProviderInstallation(Path(sys.argv[1])).install()\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)]) for _ in range(2)]
    assert [process.wait() for process in processes] == [0, 0]
    installation = ProviderInstallation(tmp_path)
    assert installation.cli_config_path.read_text() == installation.cli_config()


def test_cache_directory_is_per_interpreter_under_xdg_cache_home(tmp_path: Path) -> None:
    directory = cache_directory({"XDG_CACHE_HOME": str(tmp_path)})
    assert directory.parent == tmp_path / "cdk-clone"
    assert len(directory.name) == 12
    assert cache_directory({"HOME": str(tmp_path)}).parent == tmp_path / ".cache" / "cdk-clone"


def test_platform_names_follow_terraform() -> None:
    system, _, arch = terraform_platform().partition("_")
    assert system == platform.system().lower()
    assert arch in {"amd64", "arm64", "386", "arm"} or arch == platform.machine().lower()
