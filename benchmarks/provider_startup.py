"""Benchmark: how long the ecsclone provider takes to start, up to its go-plugin handshake line.

Terraform starts the provider several times per command (validate, plan, apply, refresh) when it starts it
itself (plain terraform, cdktf-cli; cdk-clone starts it once per command and reattaches Terraform to it:
``--via shared`` times that start). This starts it N times the way Terraform does (the magic-cookie
environment, protocol 6), times the first line on its standard output
(``1|6|unix|/tmp/.../py-tf-plugin.sock|grpc|...``; with ``--via shared`` the ``TF_REATTACH_PROVIDERS`` value),
stops it, and prints the median (target: under 150 ms), the 90th percentile, and the CPU time (user + system)
each start used, which
depends much less than wall time on what else the machine is doing; the load average is printed before and
after for the same reason. A few more starts are timed to the answer to GetProviderSchema, Terraform's first
call, since work moved past the handshake would still be waited for.

    .venv/bin/python benchmarks/provider_startup.py [--runs 15] [--schema-runs 5] [--via mirror|script|module|shared]
"""

from __future__ import annotations

import argparse
import base64
import os
import selectors
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from cdk_clone.engine import ProviderInstallation

MAGIC_COOKIE = {
    "TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    "PLUGIN_PROTOCOL_VERSIONS": "6",
}
TARGET_MS = 150.0
HANDSHAKE_TIMEOUT = 30.0


def provider_command(via: str) -> list[str]:
    """The command Terraform would run: the mirror's launcher, the console script, or ``python -m``."""
    if via == "mirror":
        return [str(ProviderInstallation.default().install().launcher_path)]
    if via == "script":
        return [str(Path(sys.executable).parent / "terraform-provider-ecsclone")]
    if via == "shared":
        return [sys.executable, "-P", "-m", "cdk_clone.provider", "--shared"]
    return [sys.executable, "-P", "-m", "cdk_clone.provider"]


class Start(NamedTuple):
    """One provider start: wall seconds to the handshake (and to the schema answer, when asked for), CPU
    seconds of the whole process, and the handshake line."""

    wall: float
    schema_wall: float | None
    cpu: float
    handshake: str


def time_start(command: list[str], environ: dict[str, str], ask_schema: bool = False) -> Start:
    """Launch the provider, wait for its handshake line (then, with ``ask_schema``, for its answer to
    GetProviderSchema, Terraform's first call), stop it; time the launch."""
    started = time.perf_counter()
    # A shared provider serves until its standard input closes: a pipe kept open while it is timed.
    process = subprocess.Popen(
        command, env=environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    schema_wall = None
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
        if not line.startswith(("1|6|", "{")):
            raise RuntimeError(f"{' '.join(command)} printed {line!r}, not a go-plugin handshake line")
        if ask_schema:
            resource_types = ask_provider_schema(line.strip())
            schema_wall = time.perf_counter() - started
            if not resource_types:
                raise RuntimeError("GetProviderSchema answered without any resource type")
    finally:
        process.terminate()
        cpu = _reap(process)
    return Start(elapsed, schema_wall, cpu, line.strip())


def ask_provider_schema(handshake: str) -> list[str]:
    """Call GetProviderSchema the way Terraform does, over TLS pinned to the handshake's certificate;
    return the resource type names in the answer."""
    import grpc
    from tf.gen import tfplugin_pb2 as pb
    from tf.gen import tfplugin_pb2_grpc as rpc

    _, _, network, address, _, certificate = handshake.split("|")
    der = base64.b64decode(certificate + "=" * (-len(certificate) % 4))
    credentials = grpc.ssl_channel_credentials(root_certificates=ssl.DER_cert_to_PEM_cert(der).encode())
    target = f"unix:{address}" if network == "unix" else address
    with grpc.secure_channel(target, credentials, options=[("grpc.ssl_target_name_override", "localhost")]) as channel:
        response = rpc.ProviderStub(channel).GetProviderSchema(pb.GetProviderSchema.Request(), timeout=30)
    return sorted(response.resource_schemas)


def _reap(process: subprocess.Popen[str]) -> float:
    """Wait for a terminated child (killing it after 5 s); return its user + system CPU seconds."""
    deadline = time.monotonic() + 5.0
    while True:
        # wait4 rather than Popen.wait: it also reports the child's resource usage.
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
            return float(usage.ru_utime + usage.ru_stime)
        if time.monotonic() > deadline:
            process.kill()
            deadline = float("inf")
        time.sleep(0.005)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _spread(values: list[float]) -> str:
    values = sorted(values)
    return f"median {statistics.median(values):6.1f}, min {values[0]:6.1f}, max {values[-1]:6.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="starts timed to the handshake (default 15)")
    parser.add_argument(
        "--schema-runs", type=int, default=5, help="further starts timed to the GetProviderSchema answer (default 5)"
    )
    parser.add_argument("--via", choices=["mirror", "script", "module", "shared"], default="mirror")
    options = parser.parse_args()
    if options.runs < 2:
        parser.error("--runs must be at least 2")
    if options.schema_runs < 0:
        parser.error("--schema-runs must be 0 or more")

    command = provider_command(options.via)
    if options.via == "shared":
        options.schema_runs = 0  # its first answer is over plain TCP, timed by the scale benchmark's deploys
    if options.schema_runs:
        # The client's own imports must not count in the first timed answer.
        import grpc  # noqa: F401
        from tf.gen import tfplugin_pb2_grpc  # noqa: F401
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="cdk-clone-bench-") as home:
        # The provider caches a TLS certificate under $HOME/.cache: a private HOME keeps the user's alone,
        # and the first (cold) start, which creates it, is reported apart.
        environ = {**os.environ, **MAGIC_COOKIE, "HOME": home}
        cold = time_start(command, environ)
        starts = [time_start(command, environ) for _ in range(options.runs)]
        schema_starts = [time_start(command, environ, ask_schema=True) for _ in range(options.schema_runs)]

    milliseconds = sorted(start.wall * 1000 for start in starts)
    median = statistics.median(milliseconds)
    p90 = statistics.quantiles(milliseconds, n=10)[-1]
    print(f"provider start-up to handshake ({options.via}: {' '.join(command)})")
    print(f"  load average   : {load_before} before, {_load()} after")
    print(f"  bytecode       : PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '(unset)')}")
    print(f"  handshake line : {cold.handshake.split('|')[:5]}")
    print(f"  cold start     : {cold.wall * 1000:7.1f} ms  (creates the TLS certificate cache)")
    print(f"  runs           : {options.runs}")
    print(
        f"  median         : {median:7.1f} ms  (target < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'NOT met'})"
    )
    print(f"  p90            : {p90:7.1f} ms")
    print(f"  min / max      : {milliseconds[0]:7.1f} / {milliseconds[-1]:7.1f} ms")
    print(f"  CPU user+sys   : {_spread([start.cpu * 1000 for start in starts])} per start, to the handshake")
    if schema_starts:
        print(
            f"  first answer   : {_spread([(start.schema_wall or 0.0) * 1000 for start in schema_starts])} "
            f"from launch to the GetProviderSchema answer ({len(schema_starts)} runs)"
        )
        print(f"  CPU with it    : {_spread([start.cpu * 1000 for start in schema_starts])} per start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
