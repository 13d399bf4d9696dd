"""The code blocks of README.md and docs/*.md, for the tests that run them.

A block may be named by an HTML comment on the line before it (``<!-- snippet: own-project/main.py -->``):
tests that run a block in a particular setting (a fresh virtual environment, a project with the CDK CLI)
find it by that name. Blocks without a language are sample output, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DOCUMENTS = (REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").glob("*.md")), REPOSITORY / "examples" / "README.md")

_BLOCK = re.compile(r"(?:<!-- snippet: (?P<name>[^ ]+) -->\n)?```(?P<language>[a-z]*)\n(?P<code>.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Snippet:
    document: Path
    line: int
    language: str
    code: str
    name: str | None

    @property
    def where(self) -> str:
        return f"{self.document.relative_to(REPOSITORY)}:{self.line}"


def all_snippets() -> list[Snippet]:
    found = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start("code"))
            found.append(Snippet(document, line, match["language"], match["code"], match["name"]))
    return found


def snippet(name: str) -> Snippet:
    """The block named ``name`` (exactly one must exist)."""
    (found,) = [s for s in all_snippets() if s.name == name]
    return found
