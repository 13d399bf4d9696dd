"""Benchmark: how long the ecsclone provider takes to start, up to its go-plugin handshake line.

Terraform starts the provider several times per command (validate, plan, apply, refresh), so start-up time
adds up. This starts it N times the way Terraform does (the magic-cookie environment, protocol 6), times
the first line on its standard output (``1|6|tcp|127.0.0.1:PORT|grpc|...``), stops it, and prints the median
(target: under 250 ms) and the 90th percentile.

    .venv/bin/python benchmarks/provider_startup.py [--runs 15] [--via mirror|script|module]
"""

from __future__ import annotations

import argparse
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cdk_clone.engine import ProviderInstallation

MAGIC_COOKIE = {
    "TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    "PLUGIN_PROTOCOL_VERSIONS": "6",
}
TARGET_MS = 250.0
HANDSHAKE_TIMEOUT = 30.0


def provider_command(via: str) -> list[str]:
    """The command Terraform would run: the mirror's launcher, the console script, or ``python -m``."""
    if via == "mirror":
        return [str(ProviderInstallation.default().install().launcher_path)]
    if via == "script":
        return [str(Path(sys.executable).parent / "terraform-provider-ecsclone")]
    return [sys.executable, "-P", "-m", "cdk_clone.provider"]


def time_to_handshake(command: list[str], environ: dict[str, str]) -> tuple[float, str]:
    """Seconds from launch to the first stdout line, and that line."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=HANDSHAKE_TIMEOUT):
            raise TimeoutError(f"no handshake from {' '.join(command)} within {HANDSHAKE_TIMEOUT:g}s")
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        if not line:
            stderr = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"{' '.join(command)} exited ({process.wait()}) without a handshake:\n{stderr}")
        return elapsed, line.strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="number of starts (default 15)")
    parser.add_argument("--via", choices=["mirror", "script", "module"], default="mirror")
    options = parser.parse_args()
    if options.runs < 2:
        parser.error("--runs must be at least 2")

    command = provider_command(options.via)
    with tempfile.TemporaryDirectory(prefix="cdk-clone-bench-") as home:
        # The provider caches a TLS certificate under $HOME/.cache: a private HOME keeps the user's alone,
        # and the first (cold) start, which creates it, is reported apart.
        environ = {**os.environ, **MAGIC_COOKIE, "HOME": home}
        cold, handshake = time_to_handshake(command, environ)
        timings = [time_to_handshake(command, environ)[0] for _ in range(options.runs)]

    milliseconds = sorted(seconds * 1000 for seconds in timings)
    median = statistics.median(milliseconds)
    p90 = statistics.quantiles(milliseconds, n=10)[-1]
    print(f"provider start-up to handshake ({options.via}: {' '.join(command)})")
    print(f"  handshake line : {handshake.split('|')[:5]}")
    print(f"  cold start     : {cold * 1000:7.1f} ms  (creates the TLS certificate cache)")
    print(f"  runs           : {options.runs}")
    print(
        f"  median         : {median:7.1f} ms  (target < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'NOT met'})"
    )
    print(f"  p90            : {p90:7.1f} ms")
    print(f"  min / max      : {milliseconds[0]:7.1f} / {milliseconds[-1]:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
