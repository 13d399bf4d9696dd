"""The ``cdk-clone`` command: synth, plan, deploy, destroy and verify a cdktf app of instance clones.

It reads ``cdktf.json`` as cdktf-cli does, so the same app works with ``npx cdktf deploy`` and with
``cdk-clone deploy``; cdk-clone adds live progress with the provider's warnings, ``verify``, the look-up
cache (``context``), ``env`` (exports for plain terraform/cdktf) and a self-contained ``demo``.

Exit codes: 0 success; 1 Terraform failed; 2 usage, configuration or credentials problem;
3 the app failed to synthesize; 4 verify found a clone that differs from its source; 130 interrupted.

Example::

    $ cdk-clone deploy            # in the directory holding cdktf.json
    $ cdk-clone verify
    $ cdk-clone destroy
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cdk_clone._version import __version__
from cdk_clone.cli._errors import (
    EXIT_CONFIGURATION,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliError,
    ConfigurationError,
)

if TYPE_CHECKING:
    from cdk_clone.cli._project import CdktfProject, SynthesizedStack

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cdk-clone`` (exposed for the documentation and its tests)."""
    parser = argparse.ArgumentParser(
        prog="cdk-clone",
        description="Clone Alibaba Cloud ECS instances as infrastructure as code (cdktf apps of InstanceClone).",
        epilog="Exit codes: 0 ok, 1 Terraform failed, 2 usage/configuration/credentials, 3 synth failed, "
        "4 verify mismatch, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"cdk-clone {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    project = argparse.ArgumentParser(add_help=False)
    project.add_argument(
        "--app-dir",
        "-C",
        type=Path,
        default=Path.cwd(),
        metavar="DIR",
        help="the cdktf project directory (holding cdktf.json); default: the working directory",
    )
    stack = argparse.ArgumentParser(add_help=False)
    stack.add_argument("--stack", metavar="NAME", help="the stack to work on (needed when the app has several)")
    refresh = argparse.ArgumentParser(add_help=False)
    refresh.add_argument(
        "--refresh",
        action="store_true",
        help="look the source instances up again instead of using cdk-clone.context.json",
    )

    parallelism = argparse.ArgumentParser(add_help=False)
    parallelism.add_argument(
        "--parallelism",
        type=_positive,
        metavar="N",
        help="operations Terraform runs at once (default: every resource of the stack, all that can start)",
    )

    commands.add_parser(
        "synth", parents=[project, refresh], help="run the app and write Terraform JSON to cdktf.out"
    )
    commands.add_parser(
        "plan", parents=[project, stack, refresh, parallelism], help="synth, then show what deploy would change"
    )
    deploy = commands.add_parser(
        "deploy",
        parents=[project, stack, refresh, parallelism],
        help="synth (unless cdktf.out is up to date), then create or update the clones (no prompt)",
    )
    deploy.add_argument("--auto-approve", action="store_true", help="accepted for cdktf familiarity; always implied")
    destroy = commands.add_parser(
        "destroy", parents=[project, stack, parallelism], help="remove everything the stack created"
    )
    destroy.add_argument("--auto-approve", action="store_true", help="accepted for cdktf familiarity; always implied")
    commands.add_parser(
        "verify", parents=[project, stack], help="check each deployed clone against its source (table; exit 4 on a mismatch)"
    )
    commands.add_parser("env", help="print shell exports that let plain terraform or cdktf use the ecsclone provider")
    context = commands.add_parser("context", help="list or clear the cached look-ups (cdk-clone.context.json)")
    context.add_argument(
        "--file", type=Path, metavar="PATH", help="the context file; default $CDK_CLONE_CONTEXT_FILE or ./cdk-clone.context.json"
    )
    context.add_argument(
        "--clear",
        nargs="?",
        const="",
        metavar="KEY",
        help="remove KEY (e.g. source-instance:cn-hangzhou:i-...), or every entry when no KEY is given",
    )
    demo = commands.add_parser("demo", help="clone an instance of an embedded fake cloud end to end, then clean up")
    demo.add_argument("--keep", action="store_true", help="keep the clones and the fake running until Ctrl-C")
    demo.add_argument("--amount", type=int, default=3, help="how many clones (default 3)")
    demo.add_argument("--destination-region", default="cn-shanghai", help="where the clones go (default cn-shanghai)")
    demo.add_argument("--work-dir", type=Path, metavar="DIR", help="where to write the demo app (default: a temporary directory)")
    return parser


def _synth(args: argparse.Namespace, out: TextIO) -> int:
    from cdk_clone.cli._project import find_project

    project = find_project(args.app_dir)
    stacks = project.synth(refresh=args.refresh)
    for stack in stacks:
        out.write(f"synthesized stack {stack.name}: {stack.config_file}\n")
        out.writelines(f"WARNING: {warning}\n" for warning in stack.warnings)
    return EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _selected_stack(project: CdktfProject, args: argparse.Namespace, out: TextIO, *, refresh: bool) -> SynthesizedStack:
    from cdk_clone.cli._project import CdktfProject

    stacks, synthesized = project.synth_unless_unchanged(refresh=refresh)
    if not synthesized:
        out.write(f"{project.output.name} is up to date with the app: using the last synth\n")
    return CdktfProject.select_stack(stacks, args.stack)


def _stack_command(args: argparse.Namespace, out: TextIO) -> int:
    """plan, deploy and destroy: one synth (or none, when cdktf.out is up to date), one provider process."""
    from cdk_clone.cli._project import find_project
    from cdk_clone.cli._stack_runs import CommandSession, deploy_stack, destroy_stack, plan_stack, require_cloud_access

    require_cloud_access()
    project = find_project(args.app_dir)
    run = {"plan": plan_stack, "deploy": deploy_stack, "destroy": destroy_stack}[args.command]
    # The provider starts while the app synthesizes.
    with CommandSession.open(project, progress=args.command == "deploy") as session:
        stack = _selected_stack(project, args, out, refresh=getattr(args, "refresh", False))
        try:
            run(stack, out, session=session, parallelism=args.parallelism)
        finally:
            out.writelines(f"note: {note}\n" for note in session.notes)
    return EXIT_OK


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    from cdk_clone.cli._errors import VerifyMismatch
    from cdk_clone.cli._project import CdktfProject, find_project
    from cdk_clone.cli._stack_runs import initialised, require_cloud_access
    from cdk_clone.verify import verify_stack

    require_cloud_access()
    project = find_project(args.app_dir)
    # Verify what was deployed: the last synth's stacks, without running the app again; unless the project was
    # moved since, as the last synth names the state by its old path.
    moved_from = project.synthesized_elsewhere()
    if moved_from is None:
        stacks = project.stacks()
    else:
        out.write(f"{project.output.name} was synthesized in {moved_from}: synthesizing again here\n")
        stacks = project.synth()
    stack = CdktfProject.select_stack(stacks, args.stack)
    report = verify_stack(initialised(stack, out), context_file=project.directory / "cdk-clone.context.json")
    if not report.checks:
        raise ConfigurationError(
            f"nothing to verify: the state of stack {stack.name} names no clones; deploy it first (cdk-clone deploy)"
        )
    out.write(report.render() + "\n")
    if not report.ok:
        raise VerifyMismatch(f"{report.mismatch_count} check(s) differ from the source; see the table above")
    return EXIT_OK


def _env(args: argparse.Namespace, out: TextIO) -> int:
    from cdk_clone.engine import env_exports

    out.write(env_exports().rstrip("\n") + "\n")
    return EXIT_OK


def _context(args: argparse.Namespace, out: TextIO) -> int:
    from cdk_clone.lookup.context import ContextFile

    context = ContextFile(args.file)
    if args.clear is None:
        keys = context.keys()
        if not keys:
            out.write(f"{context.path}: no cached look-ups\n")
        out.writelines(key + "\n" for key in keys)
        return EXIT_OK
    if args.clear == "":
        count = context.clear()
        out.write(f"removed {count} cached look-up(s) from {context.path}\n")
        return EXIT_OK
    if not context.remove(args.clear):
        known = ", ".join(context.keys()) or "none"
        raise ConfigurationError(f"{context.path} has no entry {args.clear!r} (entries: {known})")
    out.write(f"removed {args.clear} from {context.path}; the next synth looks it up again\n")
    return EXIT_OK


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from cdk_clone.demo import run_demo

    return run_demo(
        out,
        amount=args.amount,
        destination_region=args.destination_region,
        keep=args.keep,
        work_dir=args.work_dir,
    )


_COMMANDS = {
    "synth": _synth,
    "plan": _stack_command,
    "deploy": _stack_command,
    "destroy": _stack_command,
    "verify": _verify,
    "env": _env,
    "context": _context,
    "demo": _demo,
}


def main(argv: list[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``cdk-clone`` with ``argv``; return the exit code (see the module docstring)."""
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_CONFIGURATION
    try:
        return _COMMANDS[args.command](args, stdout)
    except CliError as exc:
        stdout.flush()
        stderr.write(f"error: {exc.message}\n")
        for line in exc.details:
            stderr.write(line + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except _user_errors() as exc:
        stderr.write(f"error: {exc}\n")
        return EXIT_CONFIGURATION


def _user_errors() -> tuple[type[BaseException], ...]:
    # Errors that come from what the user gave (a bad context file, missing credentials, an unknown
    # source instance) are reported as one line; anything else is a bug and keeps its traceback.
    from cdk_clone.lookup.context import ContextFileError
    from cdk_clone.lookup.reader import SourceInstanceNotFound

    errors: list[type[BaseException]] = [ContextFileError, SourceInstanceNotFound]
    try:
        from cdk_clone.api import ApiError, CredentialsNotFound

        errors += [CredentialsNotFound, ApiError]
    except ImportError:
        pass
    return tuple(errors)
