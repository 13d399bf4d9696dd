"""The user's own Terraform CLI configuration, kept in force next to cdk-clone's provider mirror.

Terraform reads one CLI configuration file (``TF_CLI_CONFIG_FILE``, else ``~/.terraformrc`` plus the
``*.tfrc`` files of ``~/.terraform.d``) and allows one ``provider_installation`` block. cdk-clone must
install ``cdk-clone/*`` from its local mirror, and nothing else: so it reads the user's configuration,
keeps every setting as written (credentials, plugin cache, host blocks ...), and writes one
``provider_installation`` that lists its mirror first and then the user's own methods, each excluding
``cdk-clone/*``. Without a block of the user's, Terraform's implicit methods are written out (the local
plugin directories that exist, then direct installation from registries).

The files are read with a small reader of the HCL subset CLI configurations use (blocks with labels,
strings, numbers, booleans, lists, maps, the three kinds of comments); anything else (heredocs,
expressions) is refused with an error naming the file and line.

Example::

    user = UserCliConfig.load(os.environ)
    text = user.with_mirror("/home/me/.cache/cdk-clone/.../mirror", "registry.terraform.io/cdk-clone/*")
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

__all__ = ["CliConfigError", "UserCliConfig", "implicit_plugin_directories"]

# The installation methods of a provider_installation block that take include/exclude patterns.
_METHODS = ("filesystem_mirror", "network_mirror", "direct")


class CliConfigError(ValueError):
    """The user's Terraform CLI configuration cannot be read; the message names the file and the line."""


# ---- a reader of the HCL subset of Terraform CLI configuration files -------------------------------------


@dataclass
class Block:
    """``name "label" ... { body }``."""

    name: str
    labels: list[str]
    body: list[Item]


@dataclass
class Attribute:
    """``name = value``."""

    name: str
    value: Any


Item = Union[Block, Attribute]  # noqa: UP007 -- a runtime alias (dataclass fields refer to it)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.-]*)
  | (?P<punct>[{}\[\]=,:])
    """,
    re.VERBOSE | re.DOTALL,
)


class _Reader:
    def __init__(self, text: str, origin: str) -> None:
        self.origin = origin
        self.tokens: list[tuple[str, str, int]] = []
        position, line = 0, 1
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                raise CliConfigError(
                    f"{origin}, line {line}: cannot read {text[position:position + 20]!r} (cdk-clone reads "
                    "blocks, strings, numbers, booleans, lists and maps; write the setting in that form)"
                )
            kind = match.lastgroup or ""
            if kind not in ("space", "comment"):
                self.tokens.append((kind, match.group(), line))
            line += match.group().count("\n")
            position = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None or (expected is not None and token[1] != expected):
            where = f"line {token[2]}" if token else "the end"
            raise CliConfigError(f"{self.origin}, {where}: expected {expected or 'more'}, found {token[1] if token else 'nothing'}")
        self.index += 1
        return token

    def body(self, closing: str | None) -> list[Item]:
        items: list[Item] = []
        while True:
            token = self.peek()
            if token is None:
                if closing is not None:
                    self.take(closing)
                return items
            if closing is not None and token[1] == closing:
                self.take(closing)
                return items
            if token[1] == ",":
                self.take()
                continue
            kind, text, line = self.take()
            if kind not in ("word", "string"):
                raise CliConfigError(f"{self.origin}, line {line}: expected a setting name, found {text}")
            name = _unquote(text) if kind == "string" else text
            labels: list[str] = []
            while (following := self.peek()) is not None and following[0] == "string":
                labels.append(_unquote(self.take()[1]))
            following = self.peek()
            if following is not None and following[1] in ("=", ":") and not labels:
                self.take()
                items.append(Attribute(name, self.value()))
            else:
                self.take("{")
                items.append(Block(name, labels, self.body("}")))

    def value(self) -> Any:
        kind, text, line = self.take()
        if kind == "string":
            return _unquote(text)
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "word" and text in ("true", "false"):
            return text == "true"
        if text == "[":
            values: list[Any] = []
            while (token := self.peek()) is not None and token[1] != "]":
                if token[1] == ",":
                    self.take()
                    continue
                values.append(self.value())
            self.take("]")
            return values
        if text == "{":
            return {item.name: item.value for item in self.body("}") if isinstance(item, Attribute)}
        raise CliConfigError(f"{self.origin}, line {line}: cannot read the value {text!r}")


def _unquote(text: str) -> str:
    decoded: str = json.loads(text)
    return decoded


def parse(text: str, origin: str) -> list[Item]:
    """The items of a CLI configuration file in HCL (or in JSON, as ``*.tfrc.json`` files are)."""
    if text.lstrip().startswith("{"):
        try:
            return _from_json(json.loads(text))
        except ValueError as error:
            raise CliConfigError(f"{origin}: not valid JSON ({error})") from error
    return _Reader(text, origin).body(None)


def _from_json(document: Mapping[str, Any]) -> list[Item]:
    items: list[Item] = []
    for name, value in document.items():
        if name == "credentials" and isinstance(value, dict):  # credentials.tfrc.json, as `terraform login` writes
            items += [Block("credentials", [host], _from_json(settings)) for host, settings in value.items()]
        elif isinstance(value, dict):
            items.append(Block(name, [], _from_json(value)))
        else:
            items.append(Attribute(name, value))
    return items


def render(items: Sequence[Item], indent: str = "") -> str:
    lines: list[str] = []
    for item in items:
        if isinstance(item, Attribute):
            lines.append(f"{indent}{_name(item.name)} = {_value(item.value)}")
        else:
            labels = "".join(f" {json.dumps(label)}" for label in item.labels)
            lines.append(f"{indent}{item.name}{labels} {{")
            lines.append(render(item.body, indent + "  ").rstrip("\n"))
            lines.append(f"{indent}}}")
    return "\n".join(line for line in lines if line) + "\n"


def _name(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name) else json.dumps(name)


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_name(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    # Terraform's HCL would read "${" and "%{" as templates.
    return json.dumps(str(value)).replace("${", "$${").replace("%{", "%%{")


# ---- the user's configuration ------------------------------------------------------------------------------


def implicit_plugin_directories(environ: Mapping[str, str]) -> list[Path]:
    """The local directories Terraform searches for providers when no provider_installation is written."""
    home = Path(environ.get("HOME") or Path.home())
    data_home = environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    data_dirs = (environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    candidates = [home / ".terraform.d" / "plugins", *(Path(d) / "terraform" / "plugins" for d in [data_home, *data_dirs] if d)]
    return [directory for directory in candidates if directory.is_dir()]


@dataclass
class UserCliConfig:
    """The user's Terraform CLI configuration: its settings, and its provider installation methods."""

    items: list[Item] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)

    @classmethod
    def load(cls, environ: Mapping[str, str]) -> UserCliConfig:
        """``TF_CLI_CONFIG_FILE`` (or the older ``TERRAFORM_CONFIG``) when set, else ``~/.terraformrc`` and
        the ``*.tfrc`` / ``*.tfrc.json`` files of ``~/.terraform.d``, as Terraform reads them. A named file
        that does not exist is no configuration (Terraform only warns about it)."""
        named = environ.get("TF_CLI_CONFIG_FILE") or environ.get("TERRAFORM_CONFIG")
        home = Path(environ.get("HOME") or Path.home())
        if named:
            files = [Path(named).expanduser()]
        else:
            directory = home / ".terraform.d"
            extra = sorted(directory.glob("*.tfrc")) + sorted(directory.glob("*.tfrc.json")) if directory.is_dir() else []
            files = [home / ".terraformrc", *extra]
        config = cls()
        for path in files:
            if path.is_file():
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError as error:
                    raise CliConfigError(f"cannot read the Terraform CLI configuration {path}: {error}") from error
                config.items += parse(text, str(path))
                config.sources.append(path)
        return config

    def installation_methods(self, environ: Mapping[str, str]) -> list[Block]:
        """The user's provider installation methods, or Terraform's implicit ones when they wrote none."""
        blocks = [item for item in self.items if isinstance(item, Block) and item.name == "provider_installation"]
        if blocks:
            return [item for block in blocks for item in block.body if isinstance(item, Block)]
        # As Terraform does implicitly: each directory installs the providers found in it, and only those;
        # direct installation from registries excludes them.
        methods: list[Block] = []
        local: list[str] = []
        for directory in implicit_plugin_directories(environ):
            found = _providers_in(directory)
            if found:
                methods.append(Block("filesystem_mirror", [], [Attribute("path", str(directory)), Attribute("include", found)]))
                local += found
        return [*methods, Block("direct", [], [Attribute("exclude", local)] if local else [])]

    def with_mirror(self, mirror: Path | str, pattern: str, environ: Mapping[str, str] = os.environ) -> str:
        """The whole configuration to give Terraform: the user's settings, then one provider_installation
        whose first method installs ``pattern`` from ``mirror`` and whose other methods (the user's) no
        longer install it."""
        settings = [item for item in self.items if not (isinstance(item, Block) and item.name == "provider_installation")]
        if not any(isinstance(item, Attribute) and item.name == "disable_checkpoint" for item in settings):
            settings.append(Attribute("disable_checkpoint", True))
        ours = Block("filesystem_mirror", [], [Attribute("path", str(mirror)), Attribute("include", [pattern])])
        theirs = [_excluding(method, pattern) for method in self.installation_methods(environ)]
        header = "# Written by cdk-clone: the user's Terraform CLI configuration"
        header += f" ({', '.join(map(str, self.sources))})" if self.sources else " (none found)"
        header += ", with cdk-clone providers installed from the local mirror only.\n"
        return header + render([*settings, Block("provider_installation", [], [ours, *theirs])])


def _providers_in(directory: Path) -> list[str]:
    """``HOSTNAME/NAMESPACE/TYPE`` of every provider in a plugin directory (both of Terraform's layouts)."""
    return sorted({"/".join(path.relative_to(directory).parts) for path in directory.glob("*/*/*") if path.is_dir()})


def _excluding(method: Block, pattern: str) -> Block:
    """``method`` with ``pattern`` added to its exclude list (dev_overrides and unknown blocks as they are)."""
    if method.name not in _METHODS:
        return method
    body = [item for item in method.body if not (isinstance(item, Attribute) and item.name == "exclude")]
    excluded = next(
        (list(item.value) for item in method.body if isinstance(item, Attribute) and item.name == "exclude"), []
    )
    if pattern not in excluded:
        excluded.append(pattern)
    return Block(method.name, method.labels, [*body, Attribute("exclude", excluded)])
