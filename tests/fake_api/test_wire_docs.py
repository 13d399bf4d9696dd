"""The Python examples of docs/fake_api.md run as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fake_api.server import RunningFake

DOC = Path(__file__).resolve().parents[2] / "docs" / "fake_api.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_document_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("example", [code for code in EXAMPLES if "def test_" not in code])
def test_usage_examples_run(example: str) -> None:
    exec(compile(example, str(DOC), "exec"), {})  # noqa: S102 -- running the documentation is the point


@pytest.mark.parametrize("example", [code for code in EXAMPLES if "def test_" in code])
def test_pytest_examples_pass_with_the_fixture(example: str, fake_cloud: RunningFake) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(example, str(DOC), "exec"), namespace)  # noqa: S102
    tests = [function for name, function in namespace.items() if name.startswith("test_")]
    assert tests
    for test in tests:
        test(fake_cloud)
