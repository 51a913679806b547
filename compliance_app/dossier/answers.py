"""The answers file: a versioned, documented format (YAML or JSON) for one assessment.

Shape (``format_version: 1``)::

    format: itar-ear-answers
    format_version: 1
    ruleset: {id: itar-ear-selfassessment, version: 1.0.0}
    company: {name: "LU-Alpha S.A.", country: LU, contact: "...", assessment_title: "..."}
    answers:            # keyed by step id (see `python -m compliance_app questions --json`)
      m1_country: LU
      m2_activities: [sell_own_product]
      m5_us_value: 12000.0

Answer values: a string (an option value, ``yes``/``no``/``idk``, an ISO 3166 alpha-2 country
code, or free text), a list of strings (``many`` and ``countries`` steps), or a number
(``number`` steps; a bare ``idk`` string when the user does not know).

An answers file is untrusted user input: it is read with a safe loader that refuses tags and
aliases, after a size cap, and decoded strictly (UTF-8 with or without BOM, or UTF-16 with a
BOM). Anything else raises :class:`AnswersError` with a reason; nothing is partially applied.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

FORMAT = "itar-ear-answers"
FORMAT_VERSION = 1
MAX_BYTES = 1_000_000
"""Largest answers file accepted, in bytes (checked before any parsing)."""
MAX_DEPTH = 8

AnswerValue = str | float | list[str]


class AnswersError(ValueError):
    """An answers file was refused. ``str(error)`` is a message for the user."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Company(Strict):
    """Who the assessment is for. Free text, printed exactly as typed."""

    name: Annotated[str, Field(max_length=300)] = ""
    country: Annotated[str, Field(max_length=2)] = ""
    contact: Annotated[str, Field(max_length=300)] = ""
    assessment_title: Annotated[str, Field(max_length=300)] = ""


class RulesetRef(Strict):
    id: str
    version: str


class AnswersFile(Strict):
    """One assessment: company details and the answers keyed by step id."""

    format: Literal["itar-ear-answers"] = FORMAT
    format_version: Literal[1] = FORMAT_VERSION
    ruleset: RulesetRef
    company: Company = Field(default_factory=Company)
    answers: dict[Annotated[str, Field(max_length=64)], AnswerValue] = Field(default_factory=dict)


def decode(data: bytes) -> str:
    """Decode an uploaded file: UTF-8 (BOM optional) or UTF-16 with a BOM.

    Raises AnswersError("... not UTF-8 ...") for anything else, never guesses.
    """
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise AnswersError(
                f"The file says it is UTF-16 but is not valid UTF-16 ({exc.reason})."
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read). "
            "Save it as UTF-8 and upload it again."
        ) from exc


_NESTED = f"The file is nested more than {MAX_DEPTH} levels deep."


class _SafeNoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases and explicit tags (untrusted input).

    It also stops at the scanner when brackets or indentation nest deeper than any answers
    file can: PyYAML keeps one pending "simple key" per open bracket and rescans them all for
    each token, so 1 MB of ``[`` would otherwise take about a second (quadratic) before the
    composer hits Python's recursion limit.
    """

    def fetch_flow_collection_start(self, TokenClass) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise AnswersError(_NESTED)
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column: int) -> bool:
        if len(self.indents) > MAX_DEPTH:
            raise AnswersError(_NESTED)
        return super().add_indent(column)


def _compose_checked(text: str) -> object:
    loader = _SafeNoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_node(node, 0, set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _check_node(node: yaml.Node, depth: int, seen: set[int]) -> None:
    if depth > MAX_DEPTH:
        raise AnswersError(_NESTED)
    if id(node) in seen:  # the composer hands back the anchored node for each alias
        raise AnswersError("The file uses YAML anchors or aliases, which answers files never need.")
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        line = node.start_mark.line + 1
        raise AnswersError(
            f"Line {line}: the YAML tag {node.tag!r} is not allowed in an answers file."
        )
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _check_node(key, depth + 1, seen)
            _check_node(value, depth + 1, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_node(item, depth + 1, seen)


def read_document(data: bytes, max_bytes: int = MAX_BYTES) -> object:
    """Read untrusted YAML or JSON bytes into plain data, safely.

    Checks the size first (``max_bytes``), then the encoding (:func:`decode`), then the syntax
    with a reader that refuses tags, aliases and deep nesting, then refuses lone surrogates.
    Shared by answers files and adviser reviews. Raises AnswersError with a message for the user.
    """
    if len(data) > max_bytes:
        raise AnswersError(f"The file is {len(data):,} bytes; the limit is {max_bytes:,} bytes.")
    text = decode(data)
    if not text.strip():
        raise AnswersError("The file is empty.")
    try:
        if text.lstrip().startswith("{"):
            raw = json.loads(text)
        else:
            raw = _compose_checked(text)
    except AnswersError:
        raise
    except (yaml.YAMLError, json.JSONDecodeError, RecursionError) as exc:
        raise AnswersError(f"The file is not valid YAML or JSON: {_first_line(exc)}") from exc
    except ValueError as exc:  # int() refuses numbers of more than 4,300 digits
        raise AnswersError(
            "The file holds a value that cannot be read (for example a number with thousands "
            "of digits)."
        ) from exc
    _refuse_surrogates(raw)
    return raw


def shape_problems(exc: ValidationError, limit: int = 10) -> str:
    """The first ``limit`` pydantic errors as ``path: message; ...`` for a user message."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:limit]
    )


def parse(data: bytes) -> AnswersFile:
    """Parse an answers file (YAML or JSON bytes) into an :class:`AnswersFile`.

    Checks the size first (``MAX_BYTES``), then the encoding, then the syntax and the shape.
    Raises AnswersError with a message for the user; never a partial result.
    """
    if len(data) > MAX_BYTES:
        raise AnswersError(
            f"The file is {len(data):,} bytes; answers files are at most {MAX_BYTES:,} bytes."
        )
    raw = read_document(data)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise AnswersError(
            f"This is not an answers file of this tool (expected 'format: {FORMAT}' at the top)."
        )
    try:
        return AnswersFile.model_validate(raw)
    except ValidationError as exc:
        raise AnswersError(
            f"The answers file is not in the expected shape: {shape_problems(exc)}"
        ) from exc


def _refuse_surrogates(raw: object) -> None:
    """Refuse lone surrogates, which only escapes (JSON ``"\\ud800"``) can produce: they are
    not text, cannot be encoded as UTF-8 and would break the browser's text fields."""
    stack = [raw]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise AnswersError(
                    "The file contains an escape for a lone UTF-16 surrogate (such as \\ud800), "
                    "which is not a character. Remove it and upload the file again."
                )
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def dump(answers_file: AnswersFile, pieces: dict | None = None) -> bytes:
    """Serialise to YAML bytes (UTF-8, non-ASCII written as itself, stable key order).

    ``parse(dump(a)) == a`` and dumping twice gives identical bytes.

    ``pieces``: a dict the caller keeps between calls for one assessment (the wizard keeps one
    per session) that holds the YAML text of the header and of each answer; a piece is
    reused while its data is unchanged, so a new answer costs the serialisation of that answer
    only. The bytes are the same as without it (each item of the ``answers`` mapping is
    written at the same indentation, independently of the others).
    """
    data = answers_file.model_dump(mode="json")
    if pieces is None:
        return _yaml(data).encode("utf-8")
    answers = data.pop("answers")
    keep: dict = {}
    head = _piece(pieces, keep, ("", repr(data)), data)
    items = [
        _piece(pieces, keep, (k, repr(v)), {"answers": {k: v}})[len("answers:\n") :]
        for k, v in answers.items()
    ]
    pieces.clear()
    pieces.update(keep)
    return (head + ("answers:\n" + "".join(items) if items else "answers: {}\n")).encode("utf-8")


def _piece(pieces: dict, keep: dict, key: tuple[str, str], data: dict) -> str:
    text = pieces.get(key)
    if text is None:
        text = _yaml(data)
    keep[key] = text
    return text


def _yaml(data: object) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes strings holding NEL (U+0085) double-quoted: PyYAML puts NEL
    unescaped into single-quoted or plain scalars, where reading it back folds it into a
    space (``"a\x85b"`` came back as ``"a b"``)."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if "\x85" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)
