"""The package as a user gets it: the wheel and sdist build and pass ``twine check``; the wheel, installed
into a fresh virtual environment outside the repository, runs the README's "Use it in your own project"
as written (install, cdktf.json, app, synth, deploy on the fake, verify, destroy) and docs/testing.md's
tests under pytest there."""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from doc_snippets import REPOSITORY, snippet

from cdk_clone import __version__

pytestmark = [pytest.mark.e2e, pytest.mark.long, pytest.mark.xdist_group("packaging")]


def _run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=1200, check=False, **kwargs)
    assert result.returncode == 0, f"{argv}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel (built from the sdist, as a package index would), in ``<tmp>/dist``.

    Built from a copy of the checkout's files (tracked or new, not ignored): a build writes beside its
    sources, and neither the checkout's own build leftovers nor another build running at the same time
    must reach this one.
    """
    checkout = tmp_path_factory.mktemp("checkout")
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPOSITORY).stdout
    for name in filter(None, listed.split("\0")):
        source = REPOSITORY / name
        if source.is_file():
            (checkout / "src" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, checkout / "src" / name)
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(checkout / "dist"), str(checkout / "src")])
    return checkout / "dist"


def test_wheel_and_sdist_pass_twine_check_and_hold_what_they_should(dist: Path) -> None:
    (wheel,) = dist.glob("cdk_clone-*.whl")
    (sdist,) = dist.glob("cdk_clone-*.tar.gz")
    assert wheel.name == f"cdk_clone-{__version__}-py3-none-any.whl"
    assert "twine" not in _run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)]).stderr
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("cdk_clone/py.typed", "fake_api/py.typed", f"cdk_clone-{__version__}.dist-info/licenses/LICENSE",
                     "cdk_clone/credentials/_profile.py", "fake_api/metadata.py"):
        assert expected in names, expected
    assert not [n for n in names if n.startswith(("tests/", "examples/")) or "__pycache__" in n]
    metadata = email.message_from_bytes(zipfile.ZipFile(wheel).read(f"cdk_clone-{__version__}.dist-info/METADATA"))
    assert metadata["License-Expression"] == "Apache-2.0" and metadata["Version"] == __version__
    requires = metadata.get_all("Requires-Dist") or []
    assert [r for r in requires if r.startswith("flask")] == ['flask<4,>=3.0; extra == "fake"']
    assert "tf<1.3,>=1.2" in requires
    entry_points = zipfile.ZipFile(wheel).read(f"cdk_clone-{__version__}.dist-info/entry_points.txt").decode()
    assert "cdk-clone = cdk_clone.cli:main" in entry_points and "fake_api = fake_api.pytest_plugin" in entry_points
    with tarfile.open(sdist) as archive:
        members = archive.getnames()
    root = f"cdk_clone-{__version__}"
    for expected in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"):
        assert f"{root}/{expected}" in members, expected
    assert not [m for m in members if "/.venv/" in m or "/node_modules/" in m]


def test_flask_comes_only_with_the_fake_extra(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("cdk_clone-*.whl")

    def resolved(requirement: str) -> set[str]:
        report = tmp_path / "report.json"
        _run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
              "--report", str(report), requirement])
        return {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}

    assert "flask" not in resolved(str(wheel))
    assert "flask" in resolved(f"{wheel}[fake]")


def test_a_user_project_outside_the_repository(dist: Path, fake_cloud: Any, tmp_path: Path) -> None:
    project = tmp_path / "my-clones"
    project.mkdir()
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON"))}
    # Nothing of this repository's environment: the system's interpreter and PATH without our .venv.
    own_bin = str(Path(sys.executable).parent)
    environ["PATH"] = os.pathsep.join(p for p in environ["PATH"].split(os.pathsep) if p != own_bin)
    environ.pop("CDK_CLONE_ENDPOINT", None)
    base_python = getattr(sys, "_base_executable", sys.executable)

    # README: install (with the checkout's path for /path/to/cdk-clone), as written otherwise.
    install = snippet("own-project/install").code.replace("/path/to/cdk-clone", str(dist.parent))
    install = install.replace("python3 -m venv", f"{base_python} -m venv")
    _run(["bash", "-ec", install], cwd=project, env=environ)
    python = project / ".venv" / "bin" / "python"
    version = _run([str(project / ".venv/bin/cdk-clone"), "--version"], cwd=project, env=environ)
    assert version.stdout.strip() == f"cdk-clone {__version__}"
    where = _run([str(python), "-c", "import cdk_clone; print(cdk_clone.__file__)"], cwd=project, env=environ)
    assert where.stdout.startswith(str(project / ".venv"))

    # README: cdktf.json and main.py, then the fake, deploy, verify, destroy.
    (project / "cdktf.json").write_text(snippet("own-project/cdktf.json").code)
    (project / "main.py").write_text(snippet("own-project/main.py").code)
    fake = _run(["bash", "-c", snippet("own-project/fake").code], cwd=project, env=environ)
    assert "all clones match their sources" in fake.stdout
    assert "Destroyed stack clones" in fake.stdout

    # README: the deploy commands, against this test's fake cloud.
    before = fake_cloud.cloud.dump()["accounts"]
    with_fake = {**environ, "CDK_CLONE_ENDPOINT": fake_cloud.url, "ALIBABA_CLOUD_ACCESS_KEY_ID": "testid",
                 "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "testsecret", "CDK_CLONE_POLL_INTERVAL": "0.05"}
    deployed = _run(["bash", "-ec", snippet("own-project/deploy").code], cwd=project, env=with_fake)
    assert "synthesized stack clones" in deployed.stdout and "all clones match their sources" in deployed.stdout
    assert fake_cloud.calls(action="RunInstances")
    regions = fake_cloud.cloud.dump()["accounts"]["testid"]["regions"]
    assert not regions.get("cn-shanghai", {}).get("instances")
    assert set(before) == set(fake_cloud.cloud.dump()["accounts"])

    # docs/testing.md: the tests of the stack, with pytest in that environment (its plugin gives the fixture).
    _run([str(python), "-m", "pip", "install", "--quiet", "pytest"], cwd=project, env=environ)
    tests = [s.code for s in (snippet("testing/synth"), snippet("testing/deploy"))]
    (project / "test_stack.py").write_text("\n\n".join(tests))
    ran = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_stack.py"], cwd=project, env=environ)
    assert ran.stdout.strip().splitlines()[-1].startswith("2 passed")
