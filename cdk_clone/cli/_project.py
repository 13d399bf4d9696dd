"""A cdktf project as cdktf-cli sees it: ``cdktf.json``, the app command, and the synthesized stacks.

The app is run the way cdktf-cli runs it (a shell command in the project directory, with
``CDKTF_OUTDIR`` and ``CDKTF_CONTEXT_JSON`` in its environment), so an app written for ``cdktf synth``
synthesizes the same way under ``cdk-clone synth``, into the same ``cdktf.out/stacks/<name>`` directories.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_clone.cli._errors import ConfigurationError, SynthError
from cdk_clone.lookup.context import REFRESH_ENV

__all__ = ["CdktfProject", "SynthesizedStack", "find_project"]

CDKTF_JSON = "cdktf.json"


@dataclass(frozen=True)
class SynthesizedStack:
    """One stack in ``cdktf.out/manifest.json``: its name and the directory Terraform runs in."""

    name: str
    working_directory: Path
    config_file: Path


@dataclass(frozen=True)
class CdktfProject:
    """A directory holding ``cdktf.json``.

    Example::

        project = find_project(Path.cwd())
        stacks = project.synth()
        project.select_stack(stacks, None).working_directory    # .../cdktf.out/stacks/clones
    """

    directory: Path
    app: str
    output: Path
    context: dict[str, Any]

    @classmethod
    def load(cls, directory: Path) -> CdktfProject:
        config_path = directory / CDKTF_JSON
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigurationError(
                f"no {CDKTF_JSON} in {directory}: run cdk-clone in a cdktf project directory (or pass --app-dir)"
            ) from None
        except json.JSONDecodeError as exc:
            raise ConfigurationError(f"{config_path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
        if not isinstance(config, dict) or not isinstance(config.get("app"), str) or not config["app"].strip():
            raise ConfigurationError(
                f'{config_path} must give the command that runs the app, e.g. "app": "python3 main.py"'
            )
        output = Path(str(config.get("output") or "cdktf.out"))
        context = config.get("context") or {}
        if not isinstance(context, dict):
            raise ConfigurationError(f'{config_path}: "context" must be a JSON object')
        return cls(directory=directory, app=config["app"], output=directory / output, context=context)

    def app_environment(self, *, refresh: bool) -> dict[str, str]:
        """The environment the app runs in: the caller's, plus what cdktf-cli would set."""
        environ = dict(os.environ)
        environ["CDKTF_OUTDIR"] = str(self.output)
        environ["CDKTF_CONTEXT_JSON"] = json.dumps(self.context)
        environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
        environ.setdefault("CHECKPOINT_DISABLE", "1")
        # `python3 main.py` in cdktf.json must find the interpreter cdk-clone runs in (its virtual
        # environment has cdktf and cdk_clone), even when that environment is not activated.
        interpreter_dir = str(Path(sys.executable).parent)
        environ["PATH"] = interpreter_dir + os.pathsep + environ.get("PATH", "")
        if refresh:
            environ[REFRESH_ENV] = "1"
        return environ

    def synth(self, *, refresh: bool = False) -> list[SynthesizedStack]:
        """Run the app; return the stacks it synthesized. Raises :class:`SynthError` with the app's own error."""
        # cdktf creates the output directory but not its parents (``"output": "build/tf"``).
        self.output.mkdir(parents=True, exist_ok=True)
        completed = subprocess.run(
            self.app,
            shell=True,
            cwd=self.directory,
            env=self.app_environment(refresh=refresh),
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise SynthError(self.app, completed.returncode, completed.stdout, completed.stderr)
        return self.stacks()

    def stacks(self) -> list[SynthesizedStack]:
        """The stacks of the last synth, from ``<output>/manifest.json``."""
        manifest_path = self.output / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigurationError(
                f"{manifest_path} is missing: the app ran but did not call app.synth()"
            ) from None
        stacks = []
        for name, entry in sorted((manifest.get("stacks") or {}).items()):
            working_directory = self.output / str(entry.get("workingDirectory") or f"stacks/{name}")
            config_file = self.output / str(entry.get("synthesizedStackPath") or f"stacks/{name}/cdk.tf.json")
            stacks.append(SynthesizedStack(name=name, working_directory=working_directory, config_file=config_file))
        if not stacks:
            raise ConfigurationError(f"the app synthesized no stack (see {manifest_path})")
        return stacks

    @staticmethod
    def select_stack(stacks: list[SynthesizedStack], name: str | None) -> SynthesizedStack:
        """The stack called ``name``, or the only one; several stacks need a name, as with cdktf-cli."""
        names = ", ".join(s.name for s in stacks)
        if name is None:
            if len(stacks) == 1:
                return stacks[0]
            raise ConfigurationError(f"the app has several stacks ({names}): name one with --stack NAME")
        for stack in stacks:
            if stack.name == name:
                return stack
        raise ConfigurationError(f"no stack named {name!r}; the app's stacks are: {names}")


def find_project(directory: Path) -> CdktfProject:
    """The cdktf project in ``directory`` (which must hold ``cdktf.json``)."""
    return CdktfProject.load(directory.resolve())
