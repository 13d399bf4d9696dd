"""A cdktf project as cdktf-cli sees it: ``cdktf.json``, the app command, and the synthesized stacks.

The app is run the way cdktf-cli runs it (a shell command in the project directory, with
``CDKTF_OUTDIR`` and ``CDKTF_CONTEXT_JSON`` in its environment), so an app written for ``cdktf synth``
synthesizes the same way under ``cdk-clone synth``, into the same ``cdktf.out/stacks/<name>`` directories.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_clone._node import bundled_node
from cdk_clone.cli._errors import ConfigurationError, SynthError
from cdk_clone.lookup.context import CONTEXT_FILE_ENV, REFRESH_ENV

__all__ = ["CdktfProject", "SynthesizedStack", "find_project"]

CDKTF_JSON = "cdktf.json"
_WARNING_LEVEL = "@cdktf/warn"  # Annotations.of(construct).add_warning(...) in the manifest


@dataclass(frozen=True)
class SynthesizedStack:
    """One stack in ``cdktf.out/manifest.json``: its name, the directory Terraform runs in, and the warnings
    its constructs gave at synth (cdktf annotations: settings a clone could not carry, for instance)."""

    name: str
    working_directory: Path
    config_file: Path
    warnings: tuple[str, ...] = ()


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
        # jsii starts when the app imports its CDK, maybe before cdk_clone: give it the bundled Node.
        node = bundled_node()
        if node is not None:
            environ.setdefault("JSII_NODE", str(node))
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
        self.synth_record.unlink(missing_ok=True)
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
        stacks = self.stacks()
        inputs = synth_inputs(self)
        if inputs is not None:
            self.synth_record.write_text(json.dumps(inputs, sort_keys=True))
        return stacks

    def synth_unless_unchanged(self, *, refresh: bool = False) -> tuple[list[SynthesizedStack], bool]:
        """The stacks of the last ``cdk-clone synth`` when nothing it read has changed since (see
        :func:`synth_inputs`), else of a new synth; and whether it synthesized. ``refresh`` always does."""
        if not refresh:
            try:
                recorded = json.loads(self.synth_record.read_text())
            except (OSError, ValueError):
                recorded = None
            if recorded is not None and recorded == synth_inputs(self):
                try:
                    return self.stacks(), False
                except ConfigurationError:
                    pass
        return self.synth(refresh=refresh), True

    def synthesized_elsewhere(self) -> Path | None:
        """The directory the last synth ran in, when it is not this project's (the project was moved since:
        its output names files by their old absolute paths)."""
        try:
            recorded = json.loads(self.synth_record.read_text()).get("directory")
        except (OSError, ValueError, AttributeError):
            return None
        if isinstance(recorded, str) and Path(recorded) != self.directory:
            return Path(recorded)
        return None

    @property
    def synth_record(self) -> Path:
        """Where the inputs of the last synth are recorded (in the output directory)."""
        return self.output / ".cdk-clone-synth.json"

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
            warnings = tuple(
                str(a.get("message"))
                for a in entry.get("annotations") or []
                if isinstance(a, dict) and a.get("level") == _WARNING_LEVEL
            )
            stacks.append(
                SynthesizedStack(
                    name=name, working_directory=working_directory, config_file=config_file, warnings=warnings
                )
            )
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


# Directories a synth never reads its inputs from.
_NOT_INPUTS = {"node_modules", "__pycache__", "cdktf.out", "terraform.tfstate.d"}
# Terraform's local state and its backups: written by every deploy, never read by a synth (which names the
# state file by its path only). Counted, they would make each deploy's synth stale for the next command.
_STATE_FILE = re.compile(r".*\.tfstate(\.\d+)?(\.backup)?$")
_MOST_FILES = 20_000
# Settings that change what a synth produces (beside the files).
_SYNTH_SETTINGS = (
    "CDK_CLONE_ENDPOINT",
    CONTEXT_FILE_ENV,
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
)


def synth_inputs(project: CdktfProject) -> dict[str, Any] | None:
    """What a synth of ``project`` reads, as recorded after it: every file of the project directory (path,
    size, modification time; not the output, hidden directories, virtual environments or node_modules),
    the cdk_clone package's own files, ``cdktf.json``'s app and context, the interpreter, and the settings
    that change what look-ups find. None when the directory is too big to survey (then deploy always
    synthesizes)."""
    files: list[tuple[str, int, int]] = []
    roots = [(project.directory, project.directory), (Path(__file__).resolve().parent.parent, None)]
    for root, relative_to in roots:
        for directory, names, file_names in os.walk(root):
            here = Path(directory)
            names[:] = sorted(
                name
                for name in names
                if not name.startswith(".")
                and name not in _NOT_INPUTS
                and here / name != project.output
                and not (here / name / "pyvenv.cfg").exists()
            )
            for name in sorted(file_names):
                if name.endswith((".pyc", ".log")) or _STATE_FILE.fullmatch(name):
                    continue
                path = here / name
                try:
                    status = path.stat()
                except OSError:
                    continue
                shown = str(path.relative_to(relative_to)) if relative_to is not None else str(path)
                files.append((shown, status.st_size, status.st_mtime_ns))
                if len(files) > _MOST_FILES:
                    return None
    context = os.environ.get(CONTEXT_FILE_ENV)
    if context:
        try:
            status = Path(context).stat()
            files.append((context, status.st_size, status.st_mtime_ns))
        except OSError:
            files.append((context, -1, -1))
    digest = hashlib.sha256(json.dumps(files).encode()).hexdigest()
    return {
        "files": digest,
        # cdktf writes absolute paths (the local backend's state file): a moved project synthesizes again.
        "directory": str(project.directory),
        "app": project.app,
        "context": project.context,
        "python": sys.executable,
        "settings": {name: os.environ.get(name) for name in _SYNTH_SETTINGS},
        "cdktf": {name: value for name, value in sorted(os.environ.items()) if name.startswith("CDKTF_")},
    }


def find_project(directory: Path) -> CdktfProject:
    """The cdktf project in ``directory`` (which must hold ``cdktf.json``)."""
    return CdktfProject.load(directory.resolve())
