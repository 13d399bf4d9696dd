"""Plan, deploy and destroy one synthesized stack with Terraform, printing live progress."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from cdk_clone.cli._errors import ConfigurationError, DeployFailed
from cdk_clone.cli._image_progress import ImageProgressWatcher, stack_regions
from cdk_clone.cli._outputs import CloneOutput, clone_outputs, render_clone_outputs
from cdk_clone.cli._progress import ApplyProgress, Diagnostic

if TYPE_CHECKING:
    from cdk_clone.cli._project import SynthesizedStack
    from cdk_clone.engine import Terraform

__all__ = ["DeployReport", "deploy_stack", "destroy_stack", "plan_stack", "require_cloud_access", "terraform_for"]

_DEMO_HINT = "(to see cdk-clone work end to end on an embedded fake cloud, run `cdk-clone demo`)"


def require_cloud_access() -> None:
    """Fail with guidance when there are no credentials to call the cloud (or the fake) with."""
    from cdk_clone.api import Credentials, CredentialsNotFound

    try:
        Credentials.from_env()
    except CredentialsNotFound as exc:
        raise ConfigurationError(str(exc).rstrip("."), details=[_DEMO_HINT]) from None


def terraform_for(stack: SynthesizedStack) -> Terraform:
    """A Terraform runner in the stack's directory, with the project's own CLI configuration."""
    from cdk_clone.engine import Terraform, terraform_environment

    return Terraform(stack.working_directory, environ=terraform_environment(dict(os.environ)))


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


def plan_stack(stack: SynthesizedStack, out: TextIO) -> bool:
    """Print Terraform's plan; True when it has changes."""
    from cdk_clone.engine import TerraformError

    terraform = terraform_for(stack)
    try:
        terraform.init()
        result = terraform.plan()
    except TerraformError as exc:
        raise _failed("plan", exc, []) from None
    out.write(result.output if result.output.endswith("\n") else result.output + "\n")
    if not result.changes:
        # Terraform's machine-readable stream counts actions but never says so in words.
        out.write("No changes. The deployed resources match the configuration.\n")
    return bool(result.changes)


def deploy_stack(stack: SynthesizedStack, out: TextIO) -> DeployReport:
    """init + apply with live progress; print and return the clones' outputs."""
    from cdk_clone.engine import TerraformError

    terraform = terraform_for(stack)
    progress = ApplyProgress(out=out)
    out.write(f"Deploying stack {stack.name}\n")
    out.flush()
    try:
        terraform.init()
        with ImageProgressWatcher(stack_regions(stack.config_file), out):
            terraform.apply(auto_approve=True, on_event=progress)
        outputs = terraform.output_json()
    except TerraformError as exc:
        raise _failed("deploy", exc, progress.diagnostics) from None
    clones = clone_outputs(outputs)
    report = DeployReport(clones=clones, warnings=progress.warnings, outputs=outputs)
    out.write(f"\nDeployed stack {stack.name}: {progress.done} change(s) applied.\n")
    if clones:
        out.write("\n".join(render_clone_outputs(clones)) + "\n")
    if report.warnings:
        out.write(f"\n{len(report.warnings)} warning(s) from the deploy:\n")
        out.writelines(f"  - {warning.summary}\n" for warning in report.warnings)
    out.flush()
    return report


def destroy_stack(stack: SynthesizedStack, out: TextIO) -> int:
    """init + destroy with live progress; returns how many resources were destroyed."""
    from cdk_clone.engine import TerraformError

    terraform = terraform_for(stack)
    progress = ApplyProgress(out=out)
    out.write(f"Destroying stack {stack.name}\n")
    out.flush()
    try:
        terraform.init()
        terraform.destroy(on_event=progress)
    except TerraformError as exc:
        raise _failed("destroy", exc, progress.diagnostics) from None
    out.write(f"Destroyed stack {stack.name}: {progress.done} resource(s) removed.\n")
    out.flush()
    return progress.done
