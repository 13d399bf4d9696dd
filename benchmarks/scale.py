"""Benchmark: `cdk-clone` at scale, S sources x C clones cross-region with instance data, on the fake.

Two parts, each printing its figures beside its targets:

* **scale** (default 20 x 100 = 2,000 clones, the fake's ``realistic`` profile at time scale 1/60: images
  10 s, copies 15 s, launches 4 s): the wall time of ``cdk-clone synth``, ``deploy``, ``verify`` and ``destroy``, each run as the user runs
  it (a new process, in the app's directory); deploy against the critical path (image + copy + launch: the
  least any tool could take; target <= 1.3 x it + 10 s); the API calls of deploy and destroy per action
  against the minimum the job needs (target <= 1.2 x apart from polls) and the polls per waiting object
  (target <= 10); the peak memory (VmHWM) of every provider process and of the fake.
* **starts** (``--starts``): the provider processes each command starts (synth, deploy, plan, verify,
  destroy of a 1 x 1 job): by Terraform, from its debug log, and by cdk-clone (its shared process).
* **growth** (``--growth``): 1x1, 1x10, 1x100, 5x10, 20x10 and 20x100 on the ``fast`` profile: deploy and
  destroy wall times and calls, beside the Terraform-core floor measured in the same run: the same
  resource graph (same count, same dependencies) made of ``terraform_data`` resources, which need no
  provider, applied by the same Terraform (target: deploy <= 3 x that floor).

Nothing here is a test: it prints what it measures, including targets that are not met.

    .venv/bin/python benchmarks/scale.py [--sources 20] [--clones 100] [--profile realistic]
    .venv/bin/python benchmarks/scale.py --growth --starts [--skip-scale]
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx

from fake_api.seeds import DEMO_REGION_ID, DEMO_SOURCE_INSTANCE_ID, world_named

DESTINATION = "cn-shanghai"
GROWTH = ((1, 1), (1, 10), (1, 100), (5, 10), (20, 10), (20, 100))

# The fake's time profiles (fake_api.models.profiles): "realistic" at time scale 1/60 makes images 10 s,
# copies to a nearby region 15 s and launches 4 s; "fast" is a few hundred ms to a few seconds.
PROFILES: dict[str, float] = {"realistic": 1 / 60, "fast": 1.0, "instant": 1.0}

APP = textwrap.dedent(
    """\
    from cdktf import App, TerraformStack

    from cdk_clone import CloneTask

    app = App()
    stack = TerraformStack(app, "scale")
    CloneTask(
        stack,
        "fleet",
        sources={sources!r},
        source_region={source_region!r},
        destination_region={destination!r},
        amount={amount},
        include_instance_data=True,
    )
    app.synth()
    """
)


# ---- the fake ---------------------------------------------------------------------------------------------


def world_with_sources(count: int) -> tuple[dict[str, Any], list[str]]:
    """The demo world with ``count`` Running source instances like web-1 in its vSwitch (web-1 is the first)."""
    world = world_named("demo")
    region = world["accounts"]["testid"]["regions"][DEMO_REGION_ID]
    template = next(i for i in region["instances"] if i["instance_id"] == DEMO_SOURCE_INSTANCE_ID)
    ids = [DEMO_SOURCE_INSTANCE_ID]
    for n in range(2, count + 1):
        instance = copy.deepcopy(template)
        instance["instance_id"] = f"i-bp1sca1e{n:011d}"
        instance["name"] = instance["host_name"] = f"web-{n:02d}"
        instance["private_ips"] = [f"192.168.1.{100 + n}"]
        instance["public_ip"] = f"47.96.11.{n}"
        instance["disks"][0]["disk_id"] = f"d-bp1sca1e{n:011d}"
        region["instances"].append(instance)
        ids.append(instance["instance_id"])
    return world, ids


class FakeProcess:
    """``python -m fake_api`` in its own process (so its memory is its own), driven over the control API."""

    def __init__(self, world: dict[str, Any], workdir: Path) -> None:
        seed = workdir / "world.json"
        seed.write_text(json.dumps(world))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fake_api", "--port", "0", "--seed", str(seed), "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"http://\S+", line)
        if not match:
            raise RuntimeError(f"fake_api did not say where it listens: {line!r}")
        self.url = match.group(0)
        self.control = httpx.Client(base_url=f"{self.url}/_fake", timeout=60)

    def post(self, path: str, body: dict[str, Any]) -> None:
        self.control.post(path, json=body).raise_for_status()

    def set_profile(self, profile: str) -> dict[str, float]:
        """Use a time profile; returns how long each kind of object takes under it, in seconds."""
        answer = self.control.post("/profile", json={"name": profile, "time_scale": PROFILES[profile]})
        answer.raise_for_status()
        return {kind: float(seconds) for kind, seconds in answer.json()["seconds"].items()}

    def take_calls(self) -> list[dict[str, Any]]:
        """The calls answered since the last time, then forgets them."""
        calls = list(self.control.get("/calls").json()["calls"])
        self.control.delete("/calls").raise_for_status()
        return calls

    def stop(self) -> None:
        self.control.close()
        self.process.terminate()
        self.process.wait(timeout=10)


# ---- memory -----------------------------------------------------------------------------------------------


def _status_kib(pid: int, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _provider_kind(pid: int, endpoint: bytes) -> str | None:
    """"shared" for cdk-clone's own provider process, "terraform" for one Terraform started, else None; only
    providers talking to this job's fake (``endpoint``) count: other work on the machine may run some."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            words = cmdline.read().split(b"\0")
        if b"cdk_clone.provider" not in words:
            return None
        with open(f"/proc/{pid}/environ", "rb") as environ:
            if endpoint not in environ.read().split(b"\0"):
                return None
    except OSError:
        return None
    return "shared" if b"--shared" in words else "terraform"


class PeakMemory:
    """Samples the peak resident memory (VmHWM) of every provider process, and of the fake, every 0.2 s."""

    def __init__(self, fake: FakeProcess) -> None:
        self.fake_pid = fake.process.pid
        self._endpoint = f"CDK_CLONE_ENDPOINT={fake.url}".encode()
        self.providers: dict[int, int] = {}
        self.shared: set[int] = set()
        self.fake = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def _sample(self) -> None:
        self.fake = max(self.fake, _status_kib(self.fake_pid, "VmHWM") or 0)
        for entry in os.listdir("/proc"):
            kind = _provider_kind(int(entry), self._endpoint) if entry.isdigit() else None
            if kind is not None:
                peak = _status_kib(int(entry), "VmHWM")
                if peak:
                    self.providers[int(entry)] = max(self.providers.get(int(entry), 0), peak)
                if kind == "shared":
                    self.shared.add(int(entry))


# ---- running cdk-clone ------------------------------------------------------------------------------------


class StepFailed(Exception):
    """A ``cdk-clone`` command of the job failed; the message holds its first error line."""


@dataclass
class Step:
    """One ``cdk-clone`` command: its wall time, the API calls it made, and its output."""

    name: str
    seconds: float
    calls: list[dict[str, Any]]
    output: str
    terraform_starts: int | None = None  # provider processes Terraform started (from its debug log)
    shared_starts: int | None = None  # provider processes cdk-clone started (seen running)

    @property
    def by_action(self) -> collections.Counter[str]:
        return collections.Counter(str(c["action"]) for c in self.calls)


@dataclass
class Job:
    sources: int
    clones: int
    profile: str
    durations: dict[str, float] = field(default_factory=dict)  # seconds per kind of object, on the profile
    steps: dict[str, Step] = field(default_factory=dict)
    provider_peaks_kib: list[int] = field(default_factory=list)
    provider_processes: int = 0
    fake_peak_kib: int = 0
    floor_seconds: float = 0.0
    floor_init_seconds: float = 0.0
    resources: int = 0
    failure: str = ""
    existing: set[str] = field(default_factory=set)  # object IDs in the fake before the deploy


def cdk_clone_environment(fake: FakeProcess) -> dict[str, str]:
    environ = dict(os.environ)
    for name in ("CDK_CLONE_POLL_INTERVAL", "TF_CLI_CONFIG_FILE", "TF_LOG", "TF_LOG_PATH"):
        environ.pop(name, None)  # the defaults are what is measured
    environ.update(
        CDK_CLONE_ENDPOINT=fake.url,
        ALIBABA_CLOUD_ACCESS_KEY_ID="testid",
        ALIBABA_CLOUD_ACCESS_KEY_SECRET="testsecret",
        CHECKPOINT_DISABLE="1",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    return environ


def run_step(
    name: str, app_dir: Path, environ: dict[str, str], fake: FakeProcess, *extra: str, trace: Path | None = None
) -> Step:
    """Run ``cdk-clone <name>``; with ``trace``, Terraform writes its debug log there (to count the
    provider processes it starts: that slows it a little, so timed runs go without)."""
    command = [str(Path(sys.executable).parent / "cdk-clone"), name, "-C", str(app_dir), *extra]
    if trace is not None:
        environ = {**environ, "TF_LOG": "debug", "TF_LOG_PATH": str(trace)}
    started = time.perf_counter()
    completed = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    calls = fake.take_calls()
    if completed.returncode not in (0, 4) or (name != "verify" and completed.returncode != 0):
        errors = [line for line in completed.stderr.splitlines() if line.startswith("error:")]
        raise StepFailed(
            f"cdk-clone {name} failed (exit {completed.returncode}) after {seconds:.1f} s: "
            f"{(errors or completed.stderr.strip().splitlines()[-1:] or ['?'])[0]}"
        )
    step = Step(name, seconds, calls, completed.stdout + completed.stderr)
    if trace is not None:
        lines = trace.read_text().splitlines() if trace.exists() else []
        step.terraform_starts = sum("starting plugin" in line and "ecsclone" in line for line in lines)
    return step


def run_job(sources: int, clones: int, profile: str, keep: Path | None = None) -> Job:
    job = Job(sources, clones, profile)
    world, source_ids = world_with_sources(sources)
    with tempfile.TemporaryDirectory(prefix="cdk-clone-scale-") as temp:
        workdir = Path(temp)
        fake = FakeProcess(world, workdir)
        try:
            job.durations = fake.set_profile(profile)
            fake.post("/quota", {"region": DESTINATION, "instances": sources * clones + 100})
            app_dir = workdir / "app"
            app_dir.mkdir()
            (app_dir / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
            (app_dir / "main.py").write_text(
                APP.format(
                    sources=source_ids, source_region=DEMO_REGION_ID, destination=DESTINATION, amount=clones
                )
            )
            environ = cdk_clone_environment(fake)
            fake.take_calls()
            with PeakMemory(fake) as memory:
                try:
                    job.steps["synth"] = run_step("synth", app_dir, environ, fake)
                    config = app_dir / "cdktf.out" / "stacks" / "scale" / "cdk.tf.json"
                    job.resources = count_resources(config)
                    job.floor_init_seconds, job.floor_seconds = terraform_floor(config, workdir / "floor")
                    job.existing = set(_OBJECT_ID.findall(fake.control.get("/state").text))
                    job.steps["deploy"] = run_step("deploy", app_dir, environ, fake)
                    job.steps["verify"] = run_step("verify", app_dir, environ, fake)
                    job.steps["destroy"] = run_step("destroy", app_dir, environ, fake)
                except StepFailed as failure:
                    job.failure = str(failure)
            job.provider_peaks_kib = sorted(memory.providers.values())
            job.provider_processes = len(memory.providers)
            job.fake_peak_kib = memory.fake
            if keep is not None:
                shutil.copytree(app_dir, keep, dirs_exist_ok=True)
        finally:
            fake.stop()
    return job


def count_starts(profile: str) -> list[Step]:
    """Each command of a 1 x 1 job, with the provider processes it started: by Terraform (its debug log)
    and by cdk-clone (the shared process, seen running)."""
    world, source_ids = world_with_sources(1)
    steps: list[Step] = []
    with tempfile.TemporaryDirectory(prefix="cdk-clone-starts-") as temp:
        workdir = Path(temp)
        fake = FakeProcess(world, workdir)
        try:
            fake.set_profile(profile)
            app_dir = workdir / "app"
            app_dir.mkdir()
            (app_dir / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
            (app_dir / "main.py").write_text(
                APP.format(sources=source_ids, source_region=DEMO_REGION_ID, destination=DESTINATION, amount=1)
            )
            environ = cdk_clone_environment(fake)
            for name in ("synth", "deploy", "plan", "verify", "destroy"):
                with PeakMemory(fake) as seen:
                    step = run_step(name, app_dir, environ, fake, trace=workdir / f"{name}.log")
                step.shared_starts = len(seen.shared)
                steps.append(step)
        finally:
            fake.stop()
    return steps


# ---- the Terraform-core floor -----------------------------------------------------------------------------

_REFERENCE = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.")


def count_resources(config_file: Path) -> int:
    config = json.loads(config_file.read_text())
    return sum(len(named) for named in (config.get("resource") or {}).values())


def floor_configuration(config_file: Path) -> dict[str, Any]:
    """The stack's resource graph with every resource a ``terraform_data``: the same count and the same
    dependencies (each reference becomes one), and no provider."""
    config = json.loads(config_file.read_text())
    resources = config.get("resource") or {}
    names = {(kind, name): f"{kind}__{name}" for kind, named in resources.items() for name in named}
    floor: dict[str, Any] = {}
    for (kind, name), floor_name in names.items():
        body = json.dumps(resources[kind][name])
        needs = sorted({names[ref] for ref in _REFERENCE.findall(body) if ref in names and names[ref] != floor_name})
        floor[floor_name] = {"input": [f"${{terraform_data.{dependency}.id}}" for dependency in needs]}
    return {"resource": {"terraform_data": floor}} if floor else {}


def terraform_floor(config_file: Path, workdir: Path) -> tuple[float, float]:
    """(init seconds, apply seconds) of the floor configuration, with the Terraform cdk-clone uses."""
    from cdk_clone.engine import find_terraform

    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "main.tf.json").write_text(json.dumps(floor_configuration(config_file)))
    terraform = str(find_terraform().path)
    environ = {**os.environ, "CHECKPOINT_DISABLE": "1"}
    environ.pop("TF_CLI_CONFIG_FILE", None)
    started = time.perf_counter()
    subprocess.run([terraform, "init", "-input=false", "-no-color"], cwd=workdir, env=environ, check=True,
                   capture_output=True)
    init_seconds = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run(
        [terraform, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1000"],
        cwd=workdir, env=environ, check=True, capture_output=True,
    )
    return init_seconds, time.perf_counter() - started


# ---- what the figures are measured against ----------------------------------------------------------------


def critical_path(durations: dict[str, float]) -> float:
    """The least a deploy can take on these durations: the slowest chain of waits, image -> copy (nearby
    region) -> launch (the VPC and vSwitch are made beside the image)."""
    network = durations["vpc"] + durations["vswitch"]
    return max(durations["image"] + durations["image_copy"], network) + durations["instance"]


def deploy_minimum(sources: int, clones: int) -> dict[str, tuple[int, str]]:
    """The fewest calls of each action a cross-region deploy with data needs, and why; describes of the
    objects the deploy makes (polls) are counted apart."""
    runs = sources * -(-clones // 100)
    batches = -(-sources // 100)
    return {
        "CreateImage": (sources, "one image per source"),
        "CopyImage": (sources, "one copy per source"),
        "CreateVpc": (1, "the sources share one VPC"),
        "CreateVSwitch": (1, "and one vSwitch"),
        "CreateSecurityGroup": (1, "and one security group"),
        "AuthorizeSecurityGroup": (1, "its ingress rules (up to 100 a call)"),
        "AuthorizeSecurityGroupEgress": (1, "its egress rules"),
        "RunInstances": (runs, "up to 100 instances a call"),
        "DescribeInstances": (batches, "the sources, before imaging them (100 a call)"),
        "DescribeAvailableResource": (1, "stock of the type in the one zone"),
    }


def destroy_minimum(sources: int, clones: int) -> dict[str, tuple[int, str]]:
    runs = sources * -(-clones // 100)
    return {
        "DeleteInstances": (runs, "up to 100 instances a call"),
        "DeleteImage": (2 * sources, "each image and each copy"),
        "DeleteSecurityGroup": (1, "the security group"),
        "DeleteVSwitch": (1, "the vSwitch"),
        "DeleteVpc": (1, "the VPC"),
        # An image's snapshots outlive DeleteImage; each goes with its own DeleteSnapshot (no batch form).
        "DeleteSnapshot": (2 * sources, "the snapshot of each image and copy (a source with one disk)"),
    }


_OBJECT_ID = re.compile(r"\b(?:i|m|vpc|vsw|sg)-[A-Za-z0-9]+\b")


def named_objects(call: dict[str, Any]) -> set[str]:
    """The IDs of the objects a call names (ImageId lists, InstanceIds, InstanceId.N, VpcId ...)."""
    found: set[str] = set()
    for name, value in (call.get("params") or {}).items():
        base = name.split(".")[0]
        if base in ("ImageId", "InstanceIds", "InstanceId", "VpcId", "VSwitchId", "SecurityGroupId"):
            found.update(_OBJECT_ID.findall(str(value)))
    return found


def split_calls(calls: list[dict[str, Any]], existing: set[str]) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """(calls that only name objects the job made: polls and reads of them, the other calls), by action."""
    made: collections.Counter[str] = collections.Counter()
    other: collections.Counter[str] = collections.Counter()
    for call in calls:
        names = named_objects(call)
        action = str(call["action"])
        if action.startswith("Describe") and names and not names & existing:
            made[action] += 1
        else:
            other[action] += 1
    return made, other


def calls_per_object(calls: list[dict[str, Any]], existing: set[str]) -> dict[str, list[int]]:
    """How many Describe calls named each object the job made, by action (sorted counts)."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for call in calls:
        if str(call["action"]).startswith("Describe"):
            for name in named_objects(call) - existing:
                counts[str(call["action"])][name] += 1
    return {action: sorted(counter.values()) for action, counter in counts.items()}


# ---- printing ---------------------------------------------------------------------------------------------


def print_calls(title: str, step: Step, minimum: dict[str, tuple[int, str]], existing: set[str]) -> None:
    made, other = split_calls(step.calls, existing)
    print(f"  {title}: {len(step.calls)} calls in {step.seconds:.1f} s ({sum(made.values())} of them polls and "
          "reads of objects the job made)")
    print(f"    {'action':<32}{'calls':>7}{'polls':>7}{'others':>8}{'minimum':>9}{'ratio':>7}  minimum: why")
    actions = list(minimum) + sorted((set(made) | set(other)) - set(minimum))
    for action in actions:
        least, why = minimum.get(action, (0, ""))
        count = other.get(action, 0)
        ratio = f"{count / least:7.2f}" if least else f"{'-':>7}"
        total = made.get(action, 0) + count
        shown_least = least if action in minimum else "-"
        print(f"    {action:<32}{total:>7}{made.get(action, 0):>7}{count:>8}{shown_least:>9}{ratio}  {why}")
    total_least = sum(least for least, _ in minimum.values())
    if total_least:
        others = sum(other.values())
        print(f"    apart from polls: {others} calls against a minimum of {total_least}: "
              f"{others / total_least:.2f} x (target <= 1.2)")
    for action, counts in sorted(calls_per_object(step.calls, existing).items()):
        print(
            f"    {action} naming each object made: {len(counts)} objects, median {statistics.median(counts):g}, "
            f"max {counts[-1]} (target <= 10)"
        )


def print_scale(job: Job) -> None:
    if job.failure:
        print(f"scale: {job.sources} x {job.clones}: {job.failure}")
        for name, step in job.steps.items():
            print(f"  {name:<8} wall time: {step.seconds:7.1f} s")
        return
    deploy = job.steps["deploy"]
    path = critical_path(job.durations)
    allowed = 1.3 * path + 10
    print(
        f"scale: {job.sources} sources x {job.clones} clones = {job.sources * job.clones} clones, "
        f"{DEMO_REGION_ID} -> {DESTINATION}, with data, profile {job.profile} (time scale {PROFILES[job.profile]:.4g}: "
        f"image {job.durations['image']:g} s, copy {job.durations['image_copy']:g} s, "
        f"launch {job.durations['instance']:g} s)"
    )
    print(f"  resources in the stack: {job.resources}")
    for name, step in job.steps.items():
        print(f"  {name:<8} wall time: {step.seconds:7.1f} s")
    verdict = "met" if deploy.seconds <= allowed else "NOT met"
    print(
        f"  deploy vs critical path: {deploy.seconds:.1f} s against {path:.1f} s (image + copy + launch); "
        f"target <= 1.3 x {path:.1f} + 10 = {allowed:.1f} s: {verdict}"
    )
    print_calls("deploy", deploy, deploy_minimum(job.sources, job.clones), job.existing)
    print_calls("destroy", job.steps["destroy"], destroy_minimum(job.sources, job.clones), job.existing)
    print_calls("verify", job.steps["verify"], {}, job.existing)
    print_calls("synth", job.steps["synth"], {}, job.existing)
    peaks = ", ".join(f"{kib / 1024:.0f}" for kib in job.provider_peaks_kib) or "none seen"
    print(f"  provider processes seen: {job.provider_processes}; peak memory (MiB): {peaks}")
    print(f"  fake peak memory: {job.fake_peak_kib / 1024:.0f} MiB")
    print(
        f"  Terraform-core floor for {job.resources} resources: init {job.floor_init_seconds:.2f} s, "
        f"apply {job.floor_seconds:.2f} s"
    )


def cli_start_seconds(runs: int = 5) -> float:
    """Median wall time of a ``cdk-clone`` command that does nothing but start (reading an empty context file):
    the share of every command that is Python starting and importing the command."""
    with tempfile.TemporaryDirectory() as temp:
        command = [str(Path(sys.executable).parent / "cdk-clone"), "context", "--file", f"{temp}/none.json"]
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def print_growth(jobs: list[Job]) -> None:
    durations = jobs[0].durations
    print(
        f"growth on the {jobs[0].profile} profile (image {durations.get('image', 0):g} s, copy "
        f"{durations.get('image_copy', 0):g} s, launch {durations.get('instance', 0):g} s; cdk-clone wall times in s)"
    )
    header = (
        f"  {'job':>7} {'res':>5} {'synth':>6} {'deploy':>7} {'calls':>6} {'destroy':>8} {'calls':>6} "
        f"{'path':>5} {'floor':>6} {'deploy/floor':>13} {'(deploy-path)/floor':>20}"
    )
    print(header)
    for job in jobs:
        if job.failure:
            print(f"  {f'{job.sources}x{job.clones}':>7} {job.resources:>5}  {job.failure}")
            continue
        deploy, destroy = job.steps["deploy"], job.steps["destroy"]
        floor = job.floor_seconds + job.floor_init_seconds
        path = critical_path(job.durations)
        print(
            f"  {f'{job.sources}x{job.clones}':>7} {job.resources:>5} {job.steps['synth'].seconds:>6.1f} "
            f"{deploy.seconds:>7.1f} {len(deploy.calls):>6} {destroy.seconds:>8.1f} {len(destroy.calls):>6} "
            f"{path:>5.1f} {floor:>6.2f} {deploy.seconds / floor:>13.1f} {(deploy.seconds - path) / floor:>20.1f}"
        )
    print("  floor = terraform init + apply of the same graph of terraform_data resources; target deploy <= 3 x floor")
    print(
        f"  parts of a deploy that no tool avoids: the cloud's own time (path, above) and starting the command "
        f"(cdk-clone alone: {cli_start_seconds():.2f} s median)"
    )


def print_starts(steps: list[Step]) -> None:
    print("provider processes started per command (1 x 1 job, cross-region: two provider configurations)")
    print(f"  {'command':<9}{'by Terraform':>14}{'by cdk-clone':>14}{'total':>7}{'wall s':>8}")
    for step in steps:
        terraform, shared = step.terraform_starts or 0, step.shared_starts or 0
        print(f"  {step.name:<9}{terraform:>14}{shared:>14}{terraform + shared:>7}{step.seconds:>8.1f}")


@contextmanager
def _section(title: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"== {title}", flush=True)
    yield
    print(f"   ({time.perf_counter() - started:.0f} s)\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--clones", type=int, default=100)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="realistic")
    parser.add_argument("--growth", action="store_true", help="also run the growth table on the fast profile")
    parser.add_argument("--growth-profile", choices=sorted(PROFILES), default="fast")
    parser.add_argument("--skip-scale", action="store_true", help="not the scale job (only the other parts asked)")
    parser.add_argument("--starts", action="store_true", help="also count provider starts per command")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="copy the scale job's app directory here")
    parser.add_argument("--show-output", action="store_true", help="print the deploy's output")
    options = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    if not options.skip_scale:
        with _section("scale"):
            job = run_job(options.sources, options.clones, options.profile, keep=options.keep)
            if options.show_output:
                print(job.steps["deploy"].output)
            print_scale(job)
    if options.starts:
        with _section("provider starts per command"):
            print_starts(count_starts(options.growth_profile))
    if options.growth:
        with _section("growth"):
            jobs = []
            for sources, clones in GROWTH:
                jobs.append(run_job(sources, clones, options.growth_profile))
                print(f"   {sources}x{clones} done", flush=True)
            print_growth(jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
