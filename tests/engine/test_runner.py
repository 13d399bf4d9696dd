"""Real Terraform runs (no provider: terraform_data only) with the system Terraform and the bundled engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdk_clone.engine import Terraform, TerraformError

CONFIG = """
resource "terraform_data" "greeting" {
  input = var.name
}

variable "name" {
  type    = string
  default = "world"
}

output "greeting" {
  value = "hello ${terraform_data.greeting.output}"
}
"""


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    directory = tmp_path / "stack"
    directory.mkdir()
    (directory / "main.tf").write_text(CONFIG)
    return directory


def test_init_plan_apply_outputs_destroy(workdir: Path, engine_environ: dict[str, str]) -> None:
    terraform = Terraform(workdir, environ=engine_environ)
    terraform.init()

    plan = terraform.plan()
    assert plan.changes
    assert plan.summary["add"] == 1
    assert "terraform_data.greeting: Plan to create" in plan.output

    events: list[dict[str, Any]] = []
    applied = terraform.apply(on_event=events.append)
    kinds = [event["type"] for event in events]
    assert "apply_start" in kinds and "apply_complete" in kinds
    assert kinds.index("apply_start") < kinds.index("apply_complete")
    assert applied.summary["add"] == 1
    assert terraform.output_json()["greeting"]["value"] == "hello world"
    resources = terraform.show_json()["values"]["root_module"]["resources"]
    assert [resource["address"] for resource in resources] == ["terraform_data.greeting"]

    assert not terraform.plan().changes

    destroyed = terraform.destroy()
    assert destroyed.summary["remove"] == 1
    assert "values" not in terraform.show_json()


def test_errors_carry_terraform_diagnostics(workdir: Path, engine_environ: dict[str, str]) -> None:
    (workdir / "broken.tf").write_text('resource "terraform_data" "broken" {\n  input = var.missing\n}\n')
    terraform = Terraform(workdir, environ=engine_environ)
    terraform.init()
    with pytest.raises(TerraformError) as caught:
        terraform.apply()
    error = caught.value
    assert error.returncode == 1
    assert [diagnostic.summary for diagnostic in error.errors] == ["Reference to undeclared input variable"]
    assert 'An input variable with the name "missing" has not been declared' in error.errors[0].detail
    assert str(error).startswith("terraform apply failed (exit 1):\n  Error: Reference to undeclared input variable")


def test_errors_from_commands_without_json_output(workdir: Path, engine_environ: dict[str, str]) -> None:
    terraform = Terraform(workdir, environ=engine_environ)
    terraform.init()
    with pytest.raises(TerraformError) as caught:
        terraform.import_("terraform_data.absent", "some-id")
    assert caught.value.errors, caught.value.output
    assert "terraform import failed" in str(caught.value)
    assert "terraform_data.absent" in str(caught.value)


def test_missing_workdir_is_refused(tmp_path: Path, base_environ: dict[str, str]) -> None:
    with pytest.raises(FileNotFoundError, match="Terraform working directory .*nowhere does not exist"):
        Terraform(tmp_path / "nowhere", environ=base_environ)


def test_a_failing_progress_callback_stops_terraform_cleanly(workdir: Path, engine_environ: dict[str, str]) -> None:
    terraform = Terraform(workdir, environ=engine_environ)
    terraform.init()

    def explode(event: dict[str, Any]) -> None:
        if event["type"] == "apply_start":
            raise RuntimeError("display failed")

    with pytest.raises(RuntimeError, match="display failed"):
        terraform.apply(on_event=explode)
    # Terraform was stopped, not left running or holding the state lock: the next command works.
    terraform.apply()
    assert terraform.output_json()["greeting"]["value"] == "hello world"


def test_init_runs_only_when_the_directory_needs_it(workdir: Path, engine_environ: dict[str, str]) -> None:
    terraform = Terraform(workdir, environ=engine_environ)
    assert terraform.init_if_needed(), "a new directory"
    assert not terraform.init_if_needed(), "nothing changed since"
    # A resource change needs no init...
    (workdir / "extra.tf.json").write_text('{"resource": {"terraform_data": {"more": {"input": "x"}}}}')
    assert not terraform.init_if_needed()
    # ...a provider requirement does.
    (workdir / "extra.tf.json").write_text(
        '{"terraform": {"required_providers": {"null": {"source": "hashicorp/null"}}}}'
    )
    with pytest.raises(TerraformError):
        terraform.init_if_needed()  # offline: the registry cannot be reached, so init really ran
    (workdir / "extra.tf.json").unlink()
    assert terraform.init_if_needed(), "a failed init is not taken for done"
    # A lost lock file means init again.
    (workdir / ".terraform.lock.hcl").unlink(missing_ok=True)
    (workdir / ".terraform" / "cdk-clone-init.json").unlink()
    assert terraform.init_if_needed()
    terraform.apply(parallelism=3)
    assert terraform.output_json()["greeting"]["value"] == "hello world"


def test_parallelism_must_be_positive(workdir: Path, engine_environ: dict[str, str]) -> None:
    terraform = Terraform(workdir, environ=engine_environ)
    with pytest.raises(ValueError, match="parallelism must be at least 1, got 0"):
        terraform.apply(parallelism=0)
