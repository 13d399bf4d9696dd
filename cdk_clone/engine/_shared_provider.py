"""One ecsclone provider process for every Terraform run of a ``cdk-clone`` command.

Terraform starts a provider process per provider configuration for each of its walks (validate, plan,
apply...): a deploy to another region started the Python provider seven times. A provider started once with
``--shared`` and named in ``TF_REATTACH_PROVIDERS`` is used instead by every run that has the variable, for
every configuration (one per region: see :mod:`cdk_clone.provider._connections`).

``terraform init`` never starts providers; it still installs ecsclone from the mirror and records it in the
lock file, so the working directory stays usable by plain ``terraform`` without cdk-clone.

Sharing needs Linux (the process tells its own user's connections apart through ``/proc/net/tcp``);
elsewhere, or with ``CDK_CLONE_SHARED_PROVIDER=0``, Terraform starts the provider as usual.

Example::

    with SharedProvider.launch(environ) as provider:    # starts while the caller synthesizes
        terraform.environ.update(provider.reattach_environment())
        terraform.apply()
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

__all__ = ["REATTACH_ENV", "SHARED_PROVIDER_ENV", "SharedProvider", "SharedProviderFailed"]

REATTACH_ENV = "TF_REATTACH_PROVIDERS"
SHARED_PROVIDER_ENV = "CDK_CLONE_SHARED_PROVIDER"
_READY_TIMEOUT = 60.0


class SharedProviderFailed(RuntimeError):
    """The shared provider process did not start (its output says why)."""


class SharedProvider:
    """A ``python -m cdk_clone.provider --shared`` process owned by this command; a context manager that
    stops it on exit. It also stops by itself when this process goes away (its standard input closes)."""

    def __init__(self, process: subprocess.Popen[bytes], log_path: Path | None, log: IO[bytes] | None) -> None:
        self.process = process
        self.log_path = log_path
        self._log = log
        self._reattach: str | None = None

    @staticmethod
    def enabled(environ: Mapping[str, str]) -> bool:
        """Whether commands share one provider here (Linux, and not turned off with CDK_CLONE_SHARED_PROVIDER=0)."""
        if environ.get(SHARED_PROVIDER_ENV, "1").strip().lower() in ("0", "false", "no"):
            return False
        return sys.platform.startswith("linux") and os.access("/proc/net/tcp", os.R_OK)

    @classmethod
    def launch(cls, environ: Mapping[str, str], log_path: Path | None = None) -> SharedProvider:
        """Start the process (without waiting for it: see :meth:`reattach_environment`). ``environ`` is what
        it runs with: credentials, endpoint and cdk-clone settings come from there, as for Terraform's own.
        Its standard error goes to ``log_path`` (tracebacks of provider bugs), or nowhere."""
        log: IO[bytes] | None = None
        if log_path is not None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-P", "-m", "cdk_clone.provider", "--shared"]
        process = subprocess.Popen(
            command,
            env={k: v for k, v in environ.items() if k != REATTACH_ENV},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log if log is not None else subprocess.DEVNULL,
        )
        return cls(process, log_path, log)

    def reattach_environment(self) -> dict[str, str]:
        """``{"TF_REATTACH_PROVIDERS": ...}`` once the process serves (waits for its first line)."""
        if self._reattach is None:
            self._reattach = self._read_reattach_line()
        return {REATTACH_ENV: self._reattach}

    def _read_reattach_line(self) -> str:
        assert self.process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + _READY_TIMEOUT
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(timeout=left):
                raise SharedProviderFailed(f"the shared ecsclone provider did not start within {_READY_TIMEOUT:g} s")
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                code = self.process.wait()
                raise SharedProviderFailed(
                    f"the shared ecsclone provider exited ({code}) before serving"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            line += chunk
        text = line.decode().strip()
        try:
            json.loads(text)
        except json.JSONDecodeError:
            raise SharedProviderFailed(f"the shared ecsclone provider printed {text[:200]!r}, not its address") from None
        return text

    def stop(self) -> None:
        """Stop the process (closing its standard input asks it to; a terminate follows if it lingers)."""
        if self.process.poll() is None:
            try:
                if self.process.stdin is not None:
                    self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.terminate()
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self._log):
            if stream is not None and not stream.closed:
                stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
