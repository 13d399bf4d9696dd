"""The verify table fits the terminal (100 columns when there is none), wrapping long values."""

from __future__ import annotations

import pytest

from cdk_clone.verify import Check, VerifyReport

RULES = ", ".join(f"ingress tcp {port}/{port} 10.0.0.0/8 accept p1" for port in (22, 80, 443, 8080, 9090))
CLONE = "ecsclone_instance_group.web_clones_5f3a9c (i-uf6clone000000001)"


def _report() -> VerifyReport:
    return VerifyReport([
        Check(CLONE, "instance type", "ecs.g7.large", "ecs.g7.xlarge", "ok, note", "similar type: the source's is sold out"),
        Check(CLONE, "security group rules", RULES, RULES, "ok"),
        Check(CLONE, "private IP", "172.16.0.5", "172.16.0.9", "DIFFERS"),
    ])


@pytest.mark.parametrize("width", [60, 80, 100, 160])
def test_every_line_fits_the_width_and_every_word_is_there(width: int) -> None:
    text = _report().render(width)
    assert max(len(line) for line in text.splitlines()) <= width
    words = " ".join(text.split())
    for word in [*RULES.replace(",", "").split(), "ecs.g7.xlarge", "sold", "DIFFERS", CLONE]:
        assert word in words
    assert text.endswith("1 check(s) DIFFER")


def test_the_terminal_width_is_used_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    assert max(len(line) for line in _report().render().splitlines()) <= 72
    monkeypatch.delenv("COLUMNS")
    assert max(len(line) for line in _report().render().splitlines()) <= 100
