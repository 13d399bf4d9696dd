"""Errors the command reports as one line, and the exit code each one gives.

::

    CliError                      exit 1 unless a subclass says otherwise
     +-- DeployFailed             exit 1: Terraform (plan, deploy, destroy) failed; diagnostics follow
     +-- ConfigurationError       exit 2: no cdktf.json, unknown stack, no credentials, bad context file
     +-- SynthError               exit 3: the app itself failed (its error line is shown)
     +-- VerifyMismatch           exit 4: a clone differs from its source
"""

from __future__ import annotations

__all__ = [
    "EXIT_CONFIGURATION",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SYNTH",
    "EXIT_VERIFY_MISMATCH",
    "CliError",
    "ConfigurationError",
    "DeployFailed",
    "SynthError",
    "VerifyMismatch",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIGURATION = 2
EXIT_SYNTH = 3
EXIT_VERIFY_MISMATCH = 4
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """An error the user can act on: printed as ``error: <message>``, no traceback."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Extra lines printed after the message (Terraform diagnostics, hints).
        self.details = details or []


class DeployFailed(CliError):
    """Terraform reported an error."""


class ConfigurationError(CliError):
    """The project, the arguments or the environment are not usable as they are."""

    exit_code = EXIT_CONFIGURATION


class VerifyMismatch(CliError):
    """At least one clone differs from its source."""

    exit_code = EXIT_VERIFY_MISMATCH


class SynthError(CliError):
    """The app command failed; the message is its last error line (the exception of a traceback)."""

    exit_code = EXIT_SYNTH

    def __init__(self, command: str, returncode: int, stdout: str, stderr: str) -> None:
        lines = [line for line in (stderr or stdout).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit status {returncode}"
        super().__init__(
            f"synth failed: {reason}",
            details=[f"(the app command was: {command}; run it in the project directory to see its full output)"],
        )
        self.stdout = stdout
        self.stderr = stderr
