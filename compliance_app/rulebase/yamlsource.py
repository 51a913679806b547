"""Strict YAML reading with source locations (file, line, column) for every value.

Layer 1 of the rule-base loader (see ``loader.py``): turns YAML text into plain Python data
plus a map from each path (``("steps", 3, "options", 0)``) to where it stands in the file.

Refused, each reported with its location, all at once:

* duplicate keys (pitfall Y2; both lines are named);
* YAML 1.1 booleans other than ``true``/``false`` (``yes``, ``NO``, ``on`` ...; pitfall Y1):
  the hint says to quote the value;
* anchors, aliases and explicit tags (rule files never need them);
* syntax errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class RuleError:
    """One problem in a rule file. ``str()`` gives ``file:line:column path: message``."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


class RulesetError(Exception):
    """The rule base is broken. ``errors`` holds every problem found, sorted by place."""

    def __init__(self, errors: list[RuleError], note: str = "") -> None:
        self.errors = sorted(set(errors))
        self.note = note
        super().__init__(f"{len(self.errors)} error(s) in the rule base:\n" + self.report())

    def report(self) -> str:
        lines = [str(e) for e in self.errors]
        return "\n".join(lines + ([self.note] if self.note else []))


def format_path(path: Path_) -> str:
    """``("steps", 3, "options", 0)`` -> ``steps[3].options[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Source:
    """A parsed YAML file: its data and where each path stands (1-based line and column)."""

    file: str
    data: object = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    errors: list[RuleError] = field(default_factory=list)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Best location for ``path``: the key (if asked and known), else the nearest parent."""
        if key and path in self.keys:
            return self.keys[path]
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def error(self, path: Path_, message: str, key: bool = False) -> RuleError:
        line, col = self.where(path, key=key)
        return RuleError(self.file, line, col, format_path(path), message)


_TRUE_FALSE = {"true", "false"}


class _Loader(yaml.SafeLoader):
    pass


_FastLoader = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser (when PyYAML was built with it): the same nodes and marks, about 5 times
faster. Any file it refuses is read again with the pure-Python parser for its exact message."""


def _compose_fast(text: str) -> yaml.Node | None:
    if _FastLoader is None:
        raise yaml.YAMLError("libyaml not available")
    loader = _FastLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_yaml(path: Path, display_name: str | None = None) -> Source:
    """Read one YAML file strictly. Never raises for content problems: see ``Source.errors``.

    Raises OSError only if the file cannot be read.
    """
    name = display_name or str(path)
    src = Source(file=name)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        msg = f"the file is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8"
        src.errors.append(RuleError(name, 1, 1, "", msg))
        return src
    try:
        return _finish(src, _compose_fast(text))
    except (yaml.YAMLError, RecursionError, ValueError):
        pass  # read again below, for the pure-Python parser's message and mark
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses unprintable characters (NUL ...) here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = f"YAML syntax error: {exc.problem or exc.context}"
        src.errors.append(RuleError(name, line, col, "", msg))
        return src
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        src.errors.append(RuleError(name, 1, 1, "", f"YAML error: {first}"))
        return src
    except RecursionError:
        src.errors.append(RuleError(name, 1, 1, "", "the file is nested too deeply"))
        return src
    finally:
        if loader is not None:
            loader.dispose()
    return _finish(src, node)


def _finish(src: Source, node: yaml.Node | None) -> Source:
    if node is None:
        src.errors.append(RuleError(src.file, 1, 1, "", "the file is empty"))
        return src
    src.data = _convert(node, (), src, _Loader(""))
    return src


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(
    node: yaml.Node, path: Path_, src: Source, ctor: yaml.SafeLoader, seen: set[int] | None = None
) -> object:
    seen = set() if seen is None else seen
    src.values[path] = _mark(node)
    if id(node) in seen:  # the composer hands back the anchored node for each alias
        src.errors.append(
            src.error(path, "anchors and aliases are not allowed in rule files", key=True)
        )
        return None
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            src.errors.append(src.error(path, f"tag {node.tag!r} is not allowed"))
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                src.errors.append(src.error(path, "mapping keys must be plain strings"))
                continue
            key = key_node.value
            kline, kcol = _mark(key_node)
            if key_node.tag == "tag:yaml.org,2002:bool" and key.lower() not in _TRUE_FALSE:
                src.errors.append(
                    RuleError(
                        src.file,
                        kline,
                        kcol,
                        format_path(path),
                        f'key {key!r} would be read as a YAML 1.1 boolean; quote it ("{key}")',
                    )
                )
            if key in first_line:
                src.errors.append(
                    RuleError(
                        src.file,
                        kline,
                        kcol,
                        format_path(path + (key,)),
                        f"duplicate key {key!r} (first at line {first_line[key]}); "
                        "the second would silently replace the first",
                    )
                )
                continue
            first_line[key] = kline
            src.keys[path + (key,)] = (kline, kcol)
            out[key] = _convert(value_node, path + (key,), src, ctor, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            src.errors.append(src.error(path, f"tag {node.tag!r} is not allowed"))
        return [_convert(item, path + (i,), src, ctor, seen) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if not node.tag.startswith("tag:yaml.org,2002:"):
        src.errors.append(src.error(path, f"tag {node.tag!r} is not allowed"))
        return node.value
    if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in _TRUE_FALSE:
        src.errors.append(
            src.error(
                path,
                f"{node.value!r} would be read as a YAML 1.1 boolean; "
                f'quote it ("{node.value}") or write true/false',
            )
        )
        return node.value
    if node.tag == "tag:yaml.org,2002:str":
        return node.value  # the common case, without the constructor's bookkeeping
    try:
        return ctor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        src.errors.append(src.error(path, f"cannot read value {node.value!r}: {exc}"))
        return node.value
    except ValueError as exc:  # a date like 2026-02-30, an int of more than 4,300 digits
        shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
        src.errors.append(src.error(path, f"cannot read value {shown!r}: {exc}"))
        return node.value
