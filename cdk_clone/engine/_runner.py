"""Running Terraform commands in a working directory, with machine-readable output parsed into events."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_clone.schema import PROVIDER_SOURCE

from ._environment import terraform_environment
from ._installation import REGISTRY_HOST, ProviderInstallation
from ._shared_provider import REATTACH_ENV

__all__ = [
    "ApplyResult",
    "Diagnostic",
    "EventCallback",
    "PlanResult",
    "StateLocationChanged",
    "Terraform",
    "TerraformError",
]

EventCallback = Callable[[dict[str, Any]], None]


class StateLocationChanged(Exception):
    """The working directory was initialised for a local state file that still exists, and its configuration
    now names another one: a project copied with its state, or a state path changed. Both files may name the
    same cloud objects, so which one the stack uses is the user's call, not cdk-clone's."""

    def __init__(self, workdir: Path, previous: Path, current: Path) -> None:
        self.workdir, self.previous, self.current = workdir, previous, current
        super().__init__(
            f"{workdir} still uses the state at {previous}, while the stack now keeps its state at {current} "
            f"(the project was copied with its state, or the state path changed). Both files exist and may name "
            f"the same cloud objects, so cdk-clone does not choose. In {workdir}, after "
            f'`eval "$(cdk-clone env)"`: run `terraform init -migrate-state` to carry {previous} over to '
            f"{current}, or `terraform init -reconfigure` to use {current} as it is. A copy meant as a deployment "
            f"of its own needs neither: delete its state file {current} and {workdir / '.terraform'}, and deploy."
        )


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning Terraform reported (``summary``, ``detail``, and the resource ``address`` if any)."""

    severity: str
    summary: str
    detail: str = ""
    address: str | None = None

    def __str__(self) -> str:
        text = f"{self.severity.capitalize()}: {self.summary}"
        if self.address:
            text += f" ({self.address})"
        if self.detail:
            text += f": {self.detail}"
        return text


class TerraformError(Exception):
    """A Terraform command failed. ``diagnostics`` hold its errors; ``output`` the raw text.

    ``str(error)`` reads like::

        terraform apply failed (exit 1):
          Error: Image creation failed (ecsclone_image.scratch): CreateImage failed: QuotaExceed.Image ...
    """

    def __init__(self, command: Sequence[str], returncode: int, diagnostics: Sequence[Diagnostic], output: str) -> None:
        self.command = list(command)
        self.returncode = returncode
        self.diagnostics = list(diagnostics)
        self.output = output
        super().__init__(self._describe())

    @property
    def errors(self) -> list[Diagnostic]:
        return [diagnostic for diagnostic in self.diagnostics if diagnostic.severity == "error"]

    def _describe(self) -> str:
        verb = next((arg for arg in self.command[1:] if not arg.startswith("-")), "command")
        head = f"terraform {verb} failed (exit {self.returncode})"
        shown = self.errors or self.diagnostics
        if shown:
            return head + ":\n" + "\n".join("  " + str(diagnostic).replace("\n", "\n    ") for diagnostic in shown)
        tail = "\n".join(self.output.strip().splitlines()[-15:])
        return f"{head}:\n{tail}" if tail else head


@dataclass(frozen=True)
class PlanResult:
    """The outcome of ``terraform plan``: whether anything would change, and what Terraform said.

    ``summary`` counts the planned actions: ``{"add": 1, "change": 0, "import": 0, "remove": 0}``.
    """

    changes: bool
    output: str
    summary: Mapping[str, int] = field(default_factory=dict)
    events: Sequence[dict[str, Any]] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class ApplyResult:
    """The outcome of ``terraform apply`` (or destroy): the counts Terraform reported and every event."""

    summary: Mapping[str, int]
    output: str
    events: Sequence[dict[str, Any]] = field(default_factory=list, repr=False)


def parse_events(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The JSON objects among ``lines`` (Terraform's ``-json`` output); anything else is skipped."""
    events = []
    for line in lines:
        event = _parse_line(line)
        if event is not None:
            events.append(event)
    return events


def _parse_line(line: str) -> dict[str, Any] | None:
    text = line.strip()
    if not text.startswith("{"):
        return None
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        return None
    return event if isinstance(event, dict) else None


def _diagnostics_from_events(events: Iterable[dict[str, Any]]) -> list[Diagnostic]:
    found = []
    for event in events:
        body = event.get("diagnostic")
        if event.get("type") == "diagnostic" and isinstance(body, dict):
            found.append(
                Diagnostic(
                    severity=str(body.get("severity") or event.get("@level") or "error"),
                    summary=str(body.get("summary") or ""),
                    detail=str(body.get("detail") or ""),
                    address=body.get("address") or None,
                )
            )
    return found


_BOX_CHARACTERS = "│╷╵"


def _diagnostics_from_text(text: str) -> list[Diagnostic]:
    """Diagnostics from Terraform's human output (commands with no ``-json``): ``Error: summary`` + detail."""
    found: list[Diagnostic] = []
    current: tuple[str, str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.lstrip(_BOX_CHARACTERS).rstrip()
        line = line.removeprefix(" ")
        for severity in ("Error", "Warning"):
            if line.startswith(f"{severity}: "):
                if current:
                    found.append(_finish(*current))
                current = (severity.lower(), line[len(severity) + 2 :], [])
                break
        else:
            if current is not None:
                current[2].append(line)
    if current:
        found.append(_finish(*current))
    return found


def _finish(severity: str, summary: str, lines: list[str]) -> Diagnostic:
    # Drop the source snippet ("on main.tf line 3 ..." and the numbered lines under it): keep the prose.
    prose = [
        line
        for line in lines
        if line.strip() and not line.lstrip().startswith("on ") and not line.lstrip()[:1].isdigit()
    ]
    return Diagnostic(severity, summary.strip(), "\n".join(prose).strip())


def _human_text(events: Iterable[dict[str, Any]]) -> str:
    return "\n".join(str(event.get("@message", "")) for event in events if event.get("type") != "version")


def _parallelism(value: int | None) -> list[str]:
    if value is None:
        return []
    if value < 1:
        raise ValueError(f"parallelism must be at least 1, got {value}")
    return [f"-parallelism={value}"]


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


class Terraform:
    """Runs Terraform in ``workdir`` with cdk-clone's environment (see :func:`terraform_environment`).

    Example::

        tf = Terraform(Path("cdktf.out/stacks/clone"))
        tf.init()
        if tf.plan().changes:
            tf.apply(on_event=lambda event: print(event["@message"]))
        print(tf.output_json())

    Failures raise :class:`TerraformError` carrying Terraform's diagnostics. ``init`` follows a project moved
    on disk with its local state, and raises :class:`StateLocationChanged` when the state it used is still there.
    """

    def __init__(self, workdir: Path | str, *, environ: Mapping[str, str] | None = None) -> None:
        self.workdir = Path(workdir)
        if not self.workdir.is_dir():
            raise FileNotFoundError(f"Terraform working directory {self.workdir} does not exist")
        self.environ = terraform_environment(environ)
        self.executable = self.environ["TERRAFORM_BINARY_NAME"]
        #: Set by :meth:`init` when the project was moved with its state: (where the state file was, where it is).
        self.state_moved: tuple[Path, Path] | None = None

    def run(
        self, *args: str, check: bool = True, environ: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``terraform <args>`` and capture its output; raise :class:`TerraformError` on failure if ``check``."""
        command = [self.executable, *args]
        completed = subprocess.run(
            command,
            cwd=self.workdir,
            env=dict(environ if environ is not None else self.environ),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if check and completed.returncode != 0:
            raise self._error(command, completed.returncode, completed.stdout, completed.stderr)
        return completed

    def init(self, upgrade: bool = False) -> subprocess.CompletedProcess[str]:
        """``terraform init`` (offline for cdk-clone providers); ``upgrade`` re-reads the provider mirror.

        The ecsclone launcher in the mirror names this Python interpreter, so a lock file written with
        another virtual environment holds another checksum. Only in that case, and only for ecsclone, the
        stale lock entry is dropped and init runs again; every other provider's lock entry is kept.
        """
        command = ["init", "-input=false", "-no-color", *(["-upgrade"] if upgrade else [])]
        moved = self._local_state_move()
        if moved is not None:
            previous, current = moved
            if previous.exists():
                raise StateLocationChanged(self.workdir, previous, current)
            # The project was moved on disk with its state (cdktf writes the local backend's path absolute):
            # the state is at the new path already, there is nothing to migrate.
            command.append("-reconfigure")
            self.state_moved = moved
        # A provider reattached for the other commands is not installed by init (nor recorded in the lock
        # file): init installs ecsclone from the mirror as usual, so plain terraform can use the directory.
        environ = {k: v for k, v in self.environ.items() if k != REATTACH_ENV}
        # Forgotten first: an init that fails may leave the directory half done, so the next one runs again.
        self._init_record().unlink(missing_ok=True)
        try:
            completed = self.run(*command, environ=environ)
        except TerraformError as error:
            if not self._forget_stale_provider_lock(error):
                raise
            completed = self.run(*command, environ=environ)
        record = self._init_record()
        record.parent.mkdir(exist_ok=True)  # a configuration without providers leaves no .terraform
        record.write_text(json.dumps(self._init_inputs(), sort_keys=True))
        return completed

    def init_if_needed(self) -> bool:
        """``terraform init`` unless the directory was initialised by cdk-clone for the same configuration
        blocks (providers, backend, modules), the same Terraform and the same provider launcher; True when
        it ran. A skipped init saves a Terraform run per command."""
        try:
            recorded = json.loads(self._init_record().read_text())
        except (OSError, ValueError):
            recorded = None
        if recorded == self._init_inputs():
            return False
        self.init()
        return True

    def _local_state_move(self) -> tuple[Path, Path] | None:
        """(previous, current) when the directory was initialised for a local state file at ``previous`` and
        its configuration now keeps the state at ``current``, also locally."""
        try:
            recorded = json.loads((self.workdir / ".terraform" / "terraform.tfstate").read_text())["backend"]
            previous = recorded["config"]["path"] if recorded["type"] == "local" else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        current = None
        for path in sorted(self.workdir.glob("*.tf.json")):
            try:
                backend = json.loads(path.read_text()).get("terraform", {}).get("backend", {})
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(backend, dict) and isinstance(backend.get("local"), dict):
                current = backend["local"].get("path")
        if not isinstance(previous, str) or not isinstance(current, str):
            return None
        before, after = (self.workdir / previous).resolve(), (self.workdir / current).resolve()
        return None if before == after else (before, after)

    def _init_record(self) -> Path:
        return self.workdir / ".terraform" / "cdk-clone-init.json"

    def _init_inputs(self) -> dict[str, Any]:
        """What ``init`` depends on: the configuration's terraform and module blocks, the executable, the CLI
        configuration and the provider launcher it installs; and the lock file it leaves."""
        blocks: dict[str, Any] = {}
        for path in sorted(self.workdir.iterdir()):
            if path.name.endswith(".tf.json"):
                try:
                    document = json.loads(path.read_text())
                except (OSError, ValueError):
                    document = {"unreadable": path.name}
                wanted = {key: document.get(key) for key in ("terraform", "module")} if isinstance(document, dict) else {}
                if any(wanted.values()):
                    blocks[path.name] = wanted
            elif path.name.endswith(".tf"):
                # HCL: the whole file, read as text (a change anywhere re-runs init, to be safe).
                blocks[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        cli_config = self.environ.get("TF_CLI_CONFIG_FILE", "")
        return {
            "blocks": hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest(),
            "terraform": self.executable,
            "cli_config": cli_config,
            "launcher": _file_digest(ProviderInstallation.default(self.environ).launcher_path),
            # What init wrote: a lock file removed or edited since means init again.
            "lock": _file_digest(self.workdir / ".terraform.lock.hcl"),
        }

    def _forget_stale_provider_lock(self, error: TerraformError) -> bool:
        text = " ".join(f"{error.output} {' '.join(map(str, error.diagnostics))}".split())
        if PROVIDER_SOURCE not in text or "checksums previously recorded" not in text:
            return False
        lock = self.workdir / ".terraform.lock.hcl"
        try:
            content = lock.read_text()
        except FileNotFoundError:
            return False
        entry = re.compile(
            rf'^provider "{re.escape(REGISTRY_HOST)}/{re.escape(PROVIDER_SOURCE)}" {{\n.*?^}}\n?',
            re.MULTILINE | re.DOTALL,
        )
        updated, removed = entry.subn("", content)
        if not removed:
            return False
        lock.write_text(updated)
        return True

    def plan(self, detailed_exitcode: bool = True, *extra: str, parallelism: int | None = None) -> PlanResult:
        """``terraform plan``; ``changes`` is whether applying would change anything."""
        flags = ["-detailed-exitcode"] if detailed_exitcode else []
        flags += _parallelism(parallelism)
        command, returncode, events, stderr = self._stream(["plan", "-input=false", "-json", *flags, *extra])
        summary = self._summary(events)
        if returncode not in (0, 2):
            raise self._error(command, returncode, events, stderr)
        changes = (
            returncode == 2
            if detailed_exitcode
            else any(summary.get(key) for key in ("add", "change", "remove", "import"))
        )
        return PlanResult(changes=changes, output=_human_text(events), summary=summary, events=events)

    def apply(
        self,
        auto_approve: bool = True,
        on_event: EventCallback | None = None,
        *extra: str,
        parallelism: int | None = None,
    ) -> ApplyResult:
        """``terraform apply``, streaming each ``-json`` event to ``on_event`` as it happens.

        Events of interest: ``apply_start``, ``apply_progress``, ``apply_complete``, ``apply_errored``,
        ``diagnostic``, ``change_summary``. Without ``auto_approve``, Terraform asks on the terminal (no
        events then). ``parallelism`` is Terraform's ``-parallelism`` (its default is 10).
        """
        flags = _parallelism(parallelism)
        if not auto_approve:
            return self._interactive(["apply", *flags, *extra])
        command, returncode, events, stderr = self._stream(
            ["apply", "-input=false", "-json", "-auto-approve", *flags, *extra], on_event
        )
        if returncode != 0:
            raise self._error(command, returncode, events, stderr)
        return ApplyResult(summary=self._summary(events), output=_human_text(events), events=events)

    def destroy(
        self,
        auto_approve: bool = True,
        on_event: EventCallback | None = None,
        *extra: str,
        parallelism: int | None = None,
    ) -> ApplyResult:
        """``terraform destroy`` (as ``apply -destroy``, so it streams the same events)."""
        return self.apply(auto_approve, on_event, "-destroy", *extra, parallelism=parallelism)

    def import_(self, address: str, resource_id: str) -> subprocess.CompletedProcess[str]:
        """``terraform import <address> <id>``: adopt an existing object into the state."""
        return self.run("import", "-input=false", "-no-color", address, resource_id)

    def show_json(self) -> dict[str, Any]:
        """``terraform show -json``: the state, as a dict (``values.root_module.resources`` ...)."""
        return self._json("show", "-json", "-no-color")

    def output_json(self) -> dict[str, Any]:
        """``terraform output -json``: ``{name: {"value": ..., "type": ..., "sensitive": ...}}``."""
        return self._json("output", "-json", "-no-color")

    # -- helpers -------------------------------------------------------------------------------------------

    def _json(self, *args: str) -> dict[str, Any]:
        completed = self.run(*args)
        try:
            document = json.loads(completed.stdout or "{}")
        except json.JSONDecodeError as error:
            raise TerraformError(
                [self.executable, *args], 0, [], f"not JSON ({error}):\n{completed.stdout[:500]}"
            ) from None
        if not isinstance(document, dict):
            raise TerraformError([self.executable, *args], 0, [], f"expected a JSON object:\n{completed.stdout[:500]}")
        return document

    def _stream(
        self, args: list[str], on_event: EventCallback | None = None
    ) -> tuple[list[str], int, list[dict[str, Any]], str]:
        command = [self.executable, *args]
        process = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=self.environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        # stderr is drained on its own thread: a full pipe would block Terraform and, with it, stdout.
        errors: list[str] = []
        reader = threading.Thread(target=lambda: errors.append(process.stderr.read() if process.stderr else ""))
        reader.start()
        events: list[dict[str, Any]] = []
        plain: list[str] = []
        try:
            assert process.stdout is not None
            for line in process.stdout:
                event = _parse_line(line)
                if event is None:
                    plain.append(line)
                    continue
                events.append(event)
                if on_event is not None:
                    on_event(event)
        except KeyboardInterrupt:
            # Ctrl-C reached Terraform too (same process group): let it stop cleanly and save its state. A
            # second Ctrl-C stops it at once.
            try:
                process.wait()
            except KeyboardInterrupt:
                process.kill()
            raise
        except BaseException:
            # A failing on_event callback: ask Terraform to stop as it would on an interrupt.
            process.terminate()
            raise
        finally:
            returncode = process.wait()
            reader.join()
        return command, returncode, events, "".join(plain) + "".join(errors)

    def _interactive(self, args: list[str]) -> ApplyResult:
        command = [self.executable, *args]
        returncode = subprocess.run(command, cwd=self.workdir, env=self.environ, check=False).returncode
        if returncode != 0:
            raise TerraformError(command, returncode, [], "")
        return ApplyResult(summary={}, output="")

    @staticmethod
    def _summary(events: Iterable[dict[str, Any]]) -> dict[str, int]:
        summary: dict[str, int] = {}
        for event in events:
            if event.get("type") == "change_summary" and isinstance(event.get("changes"), dict):
                summary = {key: value for key, value in event["changes"].items() if isinstance(value, int)}
        return summary

    @staticmethod
    def _error(command: list[str], returncode: int, stdout: str | list[dict[str, Any]], stderr: str) -> TerraformError:
        if isinstance(stdout, list):
            events, text = stdout, _human_text(stdout)
        else:
            events, text = parse_events(stdout.splitlines()), stdout
        diagnostics = _diagnostics_from_events(events) or _diagnostics_from_text(f"{text}\n{stderr}")
        return TerraformError(command, returncode, diagnostics, f"{text}\n{stderr}".strip())
