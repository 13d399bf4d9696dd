"""Plan, deploy and destroy one synthesized stack with Terraform, printing live progress."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cdk_clone._owned_listings import OWNED_LISTING_ENV
from cdk_clone.cli._errors import ConfigurationError, DeployFailed
from cdk_clone.cli._fleet_view import FleetView
from cdk_clone.cli._outputs import CloneOutput, clone_outputs, render_clone_outputs
from cdk_clone.cli._progress import ApplyProgress, Diagnostic
from cdk_clone.cli._untracked import announce_untracked, remove_orphans, untracked_after_failure

if TYPE_CHECKING:
    from cdk_clone.cli._project import CdktfProject, SynthesizedStack
    from cdk_clone.engine import SharedProvider, Terraform

__all__ = [
    "CommandSession",
    "DeployReport",
    "deploy_stack",
    "destroy_stack",
    "initialised",
    "plan_stack",
    "require_cloud_access",
    "stack_parallelism",
    "terraform_for",
]

# The variable the provider reads (cdk_clone.provider._progress); named here so the command does not import
# the provider package.
PROGRESS_FILE_ENV = "CDK_CLONE_PROGRESS_FILE"
_TERRAFORM_DEFAULT_PARALLELISM = 10

_DEMO_HINT = "(to see cdk-clone work end to end on an embedded fake cloud, run `cdk-clone demo`)"


def require_cloud_access() -> None:
    """Fail with guidance when there are no credentials to call the cloud (or the fake) with."""
    from cdk_clone.api import CredentialsNotFound
    from cdk_clone.credentials import resolve_credentials

    try:
        resolve_credentials()
    except CredentialsNotFound as exc:
        raise ConfigurationError(str(exc).rstrip("."), details=[_DEMO_HINT]) from None


def terraform_for(stack: SynthesizedStack, session: CommandSession | None = None) -> Terraform:
    """A Terraform runner in the stack's directory, with the project's own CLI configuration (and the
    command's shared provider, when it has one)."""
    from cdk_clone.engine import Terraform, terraform_environment

    environ = terraform_environment(dict(os.environ))
    if session is not None:
        environ.update(session.environment())
    return Terraform(stack.working_directory, environ=environ)


def initialised(stack: SynthesizedStack, out: TextIO, session: CommandSession | None = None) -> Terraform:
    """A Terraform runner for the stack, initialised when needed; ``init`` runs while the command's provider
    is still starting (it needs none), and the runs after it use that provider. A project moved on disk with
    its state is followed (and said so); one copied with its state is refused until the user chooses."""
    from cdk_clone.engine import StateLocationChanged

    terraform = terraform_for(stack)
    try:
        terraform.init_if_needed()
    except StateLocationChanged as exc:
        raise ConfigurationError(str(exc)) from None
    if terraform.state_moved is not None:
        previous, current = terraform.state_moved
        out.write(
            f"The stack's state moved from {previous} to {current} (the project was moved): Terraform now uses "
            "it there.\n"
        )
    if session is not None:
        terraform.environ.update(session.environment())
    return terraform


def stack_parallelism(stack: SynthesizedStack) -> int:
    """Terraform's ``-parallelism`` for a stack: every resource of it at once (each image, copy, network
    and group that nothing holds back starts at the same time). Terraform's own default, 10, made a
    20-source task make its images in two waves."""
    try:
        config = json.loads(stack.config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _TERRAFORM_DEFAULT_PARALLELISM
    count = 0
    for section in ("resource", "data"):
        for named in (config.get(section) or {}).values():
            count += len(named) if isinstance(named, dict) else 0
    return max(count, 1)


@dataclass
class CommandSession:
    """What every Terraform run of one ``cdk-clone`` command shares: the provider process (started once,
    see :class:`cdk_clone.engine.SharedProvider`) and the file the provider reports progress to.

    Example::

        with CommandSession.open(project) as session:        # the provider starts now, beside the synth
            stack = ...synth...
            terraform = terraform_for(stack, session)
    """

    provider: SharedProvider | None = None
    progress_file: Path | None = None
    #: Where a deploy hands the provider the listings of the deployment's objects it just made.
    owned_listing_file: Path | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    @contextmanager
    def open(cls, project: CdktfProject, *, progress: bool = False) -> Iterator[CommandSession]:
        from cdk_clone.engine import SharedProvider, terraform_environment

        session = cls()
        project.output.mkdir(parents=True, exist_ok=True)
        if progress:
            session.progress_file = project.output / ".cdk-clone-progress.jsonl"
            session.progress_file.write_text("")
            session.owned_listing_file = project.output / ".cdk-clone-owned.json"
            session.owned_listing_file.unlink(missing_ok=True)
        environ = terraform_environment(dict(os.environ))
        environ.update(session._files())
        if SharedProvider.enabled(environ):
            session.provider = SharedProvider.launch(environ, log_path=project.output / "cdk-clone-provider.log")
        try:
            yield session
        finally:
            if session.provider is not None:
                session.provider.stop()
            for path in (session.progress_file, session.owned_listing_file):
                if path is not None:
                    path.unlink(missing_ok=True)

    def _files(self) -> dict[str, str]:
        """The files the provider reports progress to and reads listings from, as its environment names them."""
        environ: dict[str, str] = {}
        if self.progress_file is not None:
            environ[PROGRESS_FILE_ENV] = str(self.progress_file)
        if self.owned_listing_file is not None:
            environ[OWNED_LISTING_ENV] = str(self.owned_listing_file)
        return environ

    def environment(self) -> dict[str, str]:
        """What Terraform runs of this command add to their environment."""
        from cdk_clone.engine import SharedProviderFailed

        environ = self._files()
        if self.provider is not None:
            try:
                environ.update(self.provider.reattach_environment())
            except SharedProviderFailed as error:
                # Terraform then starts the provider itself, as it always could.
                self.notes.append(f"{error}; Terraform starts the provider itself")
                self.provider.stop()
                self.provider = None
        return environ


def _diagnostics_of(error: Exception) -> list[Diagnostic]:
    found = []
    for item in getattr(error, "diagnostics", None) or []:
        if isinstance(item, Diagnostic):
            found.append(item)
        elif isinstance(item, dict):
            body = item.get("diagnostic", item)
            found.append(
                Diagnostic(
                    severity=str(body.get("severity", "error")),
                    summary=str(body.get("summary", "")),
                    detail=str(body.get("detail", "")),
                    address=str(body.get("address", "")),
                )
            )
        else:
            found.append(
                Diagnostic(
                    severity=str(getattr(item, "severity", "error")),
                    summary=str(getattr(item, "summary", item)),
                    detail=str(getattr(item, "detail", "") or ""),
                    address=str(getattr(item, "address", "") or ""),
                )
            )
    return found


def _failed(what: str, error: Exception, seen: list[Diagnostic]) -> DeployFailed:
    # The progress stream already holds the diagnostics when Terraform got far enough to emit them;
    # otherwise (init failing, say) the error carries them.
    errors = [d for d in seen if d.severity == "error"] or [
        d for d in _diagnostics_of(error) if d.severity == "error"
    ]
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
    message = f"{what} failed: {errors[0].summary}" if errors else f"{what} failed: {first_line}"
    return DeployFailed(message, details=[d.render() for d in errors])


@dataclass
class DeployReport:
    """What a deploy did: the clones it left and the warnings the provider gave."""

    clones: list[CloneOutput] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


def plan_stack(
    stack: SynthesizedStack, out: TextIO, *, session: CommandSession | None = None, parallelism: int | None = None
) -> bool:
    """Print Terraform's plan; True when it has changes."""
    from cdk_clone.engine import TerraformError

    try:
        terraform = initialised(stack, out, session)
        result = terraform.plan(parallelism=parallelism or stack_parallelism(stack))
    except TerraformError as exc:
        raise _failed("plan", exc, []) from None
    out.write(result.output if result.output.endswith("\n") else result.output + "\n")
    if not result.changes:
        # Terraform's machine-readable stream counts actions but never says so in words.
        out.write("No changes. The deployed resources match the configuration.\n")
    return bool(result.changes)


def deploy_stack(
    stack: SynthesizedStack, out: TextIO, *, session: CommandSession | None = None, parallelism: int | None = None
) -> DeployReport:
    """init (when needed) + apply with live progress; print and return the clones' outputs."""
    from cdk_clone.engine import TerraformError

    started = time.monotonic()
    chosen = parallelism or stack_parallelism(stack)
    out.write(f"Deploying stack {stack.name} (parallelism {chosen})\n")
    # What the clones could not copy is known from the synth: said before anything is made, and again at the end.
    synth_warnings = [Diagnostic("warning", message, "", "") for message in stack.warnings]
    out.writelines(warning.render() + "\n" for warning in synth_warnings)
    out.flush()
    view = FleetView.for_stack(stack.config_file, out, progress_file=session.progress_file if session else None)
    progress = view.apply
    terraform: Terraform | None = None
    try:
        terraform = initialised(stack, out, session)
        listing_file = session.owned_listing_file if session else None
        announce_untracked(stack, terraform, out, listing_file=listing_file)
        try:
            with view:
                terraform.apply(auto_approve=True, on_event=view, parallelism=chosen)
        finally:
            # Made for this run only: a later run lists afresh.
            if listing_file is not None:
                listing_file.unlink(missing_ok=True)
        outputs = terraform.output_json()
    except TerraformError as exc:
        failure = _failed("deploy", exc, progress.diagnostics)
        if terraform is not None:  # init succeeded: there is a state to compare the cloud with
            failure.details += untracked_after_failure(stack, terraform)
        raise failure from None
    clones = clone_outputs(outputs)
    report = DeployReport(clones=clones, warnings=[*synth_warnings, *progress.warnings], outputs=outputs)
    out.write(
        f"\nDeployed stack {stack.name}: {progress.done} change(s) applied in {time.monotonic() - started:.1f}s.\n"
    )
    if view.rows:
        out.write(view.summary(created=sum(clone.created_amount for clone in clones)) + "\n")
    if clones:
        out.write("\n".join(render_clone_outputs(clones)) + "\n")
    if report.warnings:
        out.write(f"\n{len(report.warnings)} warning(s) from the deploy:\n")
        out.writelines(f"  - {warning.summary}\n" for warning in report.warnings)
    out.flush()
    return report


def destroy_stack(
    stack: SynthesizedStack, out: TextIO, *, session: CommandSession | None = None, parallelism: int | None = None
) -> int:
    """init (when needed) + destroy with live progress; returns how many resources were destroyed."""
    from cdk_clone.engine import TerraformError

    progress = ApplyProgress(out=out)
    out.write(f"Destroying stack {stack.name}\n")
    out.flush()
    try:
        terraform = initialised(stack, out, session)
        orphans = remove_orphans(stack, terraform, out)
        terraform.destroy(on_event=progress, parallelism=parallelism or stack_parallelism(stack))
    except TerraformError as exc:
        raise _failed("destroy", exc, progress.diagnostics) from None
    left = f" and {orphans} object(s) its state did not name" if orphans else ""
    out.write(f"Destroyed stack {stack.name}: {progress.done} resource(s) removed{left}.\n")
    out.flush()
    return progress.done
