"""``cdk-clone demo``: clone an instance end to end on an embedded fake cloud, then clean up.

It starts :mod:`fake_api` in-process (seed ``demo``: a Running VPC instance in cn-hangzhou), writes a small
cdktf app that clones that instance WITH its data to another region, and runs the same steps a user
would: synth (looking the source up and caching it), deploy with live progress, verify, destroy. With
``keep=True`` the clones stay and the fake keeps serving until Ctrl-C, so the user can look around with
the printed environment.

Example::

    $ cdk-clone demo --amount 3 --destination-region cn-shanghai
    $ cdk-clone demo --keep
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from cdk_clone.cli._errors import EXIT_OK, EXIT_VERIFY_MISMATCH, ConfigurationError

__all__ = ["DEMO_APP", "run_demo", "write_demo_app"]

_DEMO_TRANSITION_SECONDS = {"image": 3.0, "image_copy": 4.0, "instance": 2.0, "vpc": 0.5, "vswitch": 0.5}

# The app the demo deploys: what a user would write to clone one instance to another region.
DEMO_APP = textwrap.dedent(
    '''\
    """Clone the fake cloud's demo instance, with its data, to another region."""

    from cdktn import App, TerraformStack

    from cdk_clone import InstanceClone

    app = App()
    stack = TerraformStack(app, "demo")
    InstanceClone(
        stack,
        "web",
        source_instance_id={source_instance_id!r},
        source_region={source_region!r},
        destination_region={destination_region!r},
        amount={amount!r},
        include_instance_data=True,
    )
    app.synth()
    '''
)


def write_demo_app(
    directory: Path, *, source_instance_id: str, source_region: str, destination_region: str, amount: int
) -> Path:
    """Write ``cdktf.json`` and ``main.py`` of the demo app into ``directory``; returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cdktf.json").write_text(
        json.dumps({"language": "python", "app": "python main.py", "output": "cdktf.out"}, indent=2) + "\n",
        encoding="utf-8",
    )
    (directory / "main.py").write_text(
        DEMO_APP.format(
            source_instance_id=source_instance_id,
            source_region=source_region,
            destination_region=destination_region,
            amount=amount,
        ),
        encoding="utf-8",
    )
    return directory


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    # Synth and Terraform run as child processes that inherit this process's environment.
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _work_directory(work_dir: Path | None) -> Iterator[Path]:
    if work_dir is not None:
        yield work_dir.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="cdk-clone-demo-") as temp:
        yield Path(temp)


def run_demo(
    out: TextIO,
    *,
    amount: int = 3,
    destination_region: str = "cn-shanghai",
    keep: bool = False,
    work_dir: Path | None = None,
) -> int:
    """Run the demo; returns the exit code (0, or 4 when verify finds a difference)."""
    if not 1 <= amount <= 100:
        raise ConfigurationError(f"--amount must be between 1 and 100, got {amount}")
    # The demo is the one place outside tests where cdk_clone meets the fake in-process.
    from cdk_clone.cli._project import CdktfProject, find_project
    from cdk_clone.cli._stack_runs import CommandSession, deploy_stack, destroy_stack, terraform_for
    from cdk_clone.verify import verify_stack
    from fake_api import serve
    from fake_api.seeds import DEMO_REGION_ID, DEMO_SOURCE_INSTANCE_ID

    with serve(seed="demo") as fake, _work_directory(work_dir) as directory:
        # A few seconds per image, copy and instance, as on a (very fast) real cloud, so the progress of
        # the slow steps shows; the provider and the progress display poll often enough to see it.
        for kind, seconds in _DEMO_TRANSITION_SECONDS.items():
            fake.cloud.set_transition(kind, "seconds", seconds)
        environment = {
            "CDK_CLONE_POLL_INTERVAL": os.environ.get("CDK_CLONE_POLL_INTERVAL", "0.5"),
            "CDK_CLONE_PROGRESS_INTERVAL": os.environ.get("CDK_CLONE_PROGRESS_INTERVAL", "1"),
            "CDK_CLONE_ENDPOINT": fake.url,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": fake.access_key_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": fake.access_key_secret,
            "CDK_CLONE_CONTEXT_FILE": str(directory / "cdk-clone.context.json"),
            "CHECKPOINT_DISABLE": "1",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }
        with _environment(environment):
            os.environ.pop("ALIBABA_CLOUD_SECURITY_TOKEN", None)
            out.write(f"fake Alibaba Cloud listening on {fake.url}\n")
            out.write(
                f"cloning {DEMO_SOURCE_INSTANCE_ID} ({DEMO_REGION_ID}) with its data: "
                f"{amount} clone(s) in {destination_region}\n"
            )
            write_demo_app(
                directory,
                source_instance_id=DEMO_SOURCE_INSTANCE_ID,
                source_region=DEMO_REGION_ID,
                destination_region=destination_region,
                amount=amount,
            )
            out.write(f"app: {directory / 'main.py'}\n\n")
            out.flush()
            project = find_project(directory)
            # One provider process for the whole demo, started while the app synthesizes.
            with CommandSession.open(project, progress=True) as session:
                stack = CdktfProject.select_stack(project.synth(), None)
                out.write(f"synthesized {stack.config_file}\n")
                deploy_stack(stack, out, session=session)
                out.write("\nVerifying the clones against their source\n")
                report = verify_stack(
                    terraform_for(stack, session), context_file=directory / "cdk-clone.context.json"
                )
                out.write(report.render() + "\n\n")
                out.flush()
                if not keep:
                    destroy_stack(stack, out, session=session)
            if keep:
                _serve_until_interrupted(out, fake.url, fake.access_key_id, fake.access_key_secret, directory)
            return EXIT_OK if report.ok else EXIT_VERIFY_MISMATCH


def _serve_until_interrupted(out: TextIO, url: str, key_id: str, secret: str, directory: Path) -> None:
    out.write(
        "The clones are kept and the fake cloud keeps serving until Ctrl-C. In another shell:\n"
        f"  export CDK_CLONE_ENDPOINT={url}\n"
        f"  export ALIBABA_CLOUD_ACCESS_KEY_ID={key_id}\n"
        f"  export ALIBABA_CLOUD_ACCESS_KEY_SECRET={secret}\n"
        f"  cd {directory}\n"
        "  cdk-clone verify      # or: cdk-clone destroy\n"
    )
    out.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        out.write("\nstopping the fake cloud (its resources go with it)\n")
