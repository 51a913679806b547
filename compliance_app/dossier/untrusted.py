"""Reading untrusted YAML or JSON documents (answers files, adviser reviews) safely.

:func:`read_document` checks, in order: the size (``max_bytes``, before anything else), the
encoding (:func:`decode`: UTF-8 with or without BOM, or UTF-16 with a BOM; never guessed), the
syntax, with a YAML reader that refuses tags, anchors and aliases, nesting deeper than
:data:`MAX_DEPTH` and more than ``max_nodes`` values (counted while reading, so the work per file
is bounded, also in time: :data:`MAX_READ_SECONDS`), then lone surrogates. Every refusal is an
:class:`AnswersError` whose ``str()`` is a message for the user. JSON is read with ``json.loads``.
"""

from __future__ import annotations

import codecs
import json
import re
import time

import yaml

MAX_DEPTH = 8
MAX_NODES = 5_000
"""Most YAML/JSON values (keys, values and list items) in an answers file. Counted while
reading, so a file of 60,000 keys is refused after 5,000 of them, in a fraction of a second."""
MAX_READ_SECONDS = 5.0
"""Reading one file stops with a refusal after this long, whatever it holds."""


class AnswersError(ValueError):
    """An answers file (or another uploaded document) was refused. ``str(error)`` is a message
    for the user."""


_NOT_UTF8 = "The file is not UTF-8 text ({why}). Save it as UTF-8 and upload it again."


def decode(data: bytes) -> str:
    """Decode an uploaded file: UTF-8 (BOM optional) or UTF-16 with a BOM.

    Raises AnswersError("The file is not UTF-8 text (...)") for anything else, never guesses:
    UTF-32 (with or without a BOM) and UTF-16 without a BOM included (their zero bytes are
    valid UTF-8, so they are recognised by them: no YAML or JSON text holds a zero byte).
    """
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        raise AnswersError(_NOT_UTF8.format(why="it is UTF-32"))
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise AnswersError(
                f"The file says it is UTF-16 but is not valid UTF-16 ({exc.reason})."
            ) from exc
    zero = data.find(b"\x00")
    if zero >= 0:
        raise AnswersError(
            _NOT_UTF8.format(why=f"byte {zero} is a zero byte, as in UTF-16 or UTF-32 text")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersError(_NOT_UTF8.format(why=f"byte {exc.start} cannot be read")) from exc


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

    max_nodes = MAX_NODES
    deadline = float("inf")
    nodes = 0

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise AnswersError(_too_many(self.max_nodes))
        if self.nodes % 64 == 0 and time.monotonic() > self.deadline:
            raise AnswersError(_TOO_SLOW)
        return super().compose_node(parent, index)


def _too_many(max_nodes: int) -> str:
    return (
        f"The file holds more than {max_nodes:,} values (keys, answers and list items); files "
        "of this tool hold far fewer. It was refused without reading further."
    )


_TOO_SLOW = f"The file could not be read within {MAX_READ_SECONDS:g} seconds; it was refused."


Path = tuple[object, ...]
"""Where a value is in a document: mapping keys and list indexes from the top."""
_BOOL_TAG = "tag:yaml.org,2002:bool"


def _compose_checked(text: str, max_nodes: int) -> tuple[object, dict[Path, str]]:
    """The document and, for every value YAML reads as true/false, its text as written
    (``yes``, ``on``, ``False``, ...) by path."""
    loader = _SafeNoAliasLoader(text)
    loader.max_nodes = max_nodes
    loader.deadline = time.monotonic() + MAX_READ_SECONDS
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        bools: dict[Path, str] = {}
        _check_node(node, 0, set(), (), bools)
        return loader.construct_document(node), bools
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


def _check_node(
    node: yaml.Node, depth: int, seen: set[int], path: Path, bools: dict[Path, str]
) -> None:
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
    if node.tag == _BOOL_TAG:
        bools[path] = str(node.value)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            _check_node(key, depth + 1, seen, (*path, None), bools)
            _check_node(value, depth + 1, seen, (*path, name), bools)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _check_node(item, depth + 1, seen, (*path, i), bools)


def read_document(data: bytes, max_bytes: int, max_nodes: int = MAX_NODES) -> object:
    """Read untrusted YAML or JSON bytes into plain data, safely.

    Checks the size first (``max_bytes``), then the encoding (:func:`decode`), then the syntax
    with a reader that refuses tags, aliases, deep nesting and more than ``max_nodes`` values,
    then refuses lone surrogates. Shared by answers files and adviser reviews. Raises
    AnswersError with a message for the user.
    """
    return read_with_booleans(data, max_bytes, max_nodes)[0]


def _json_bools(raw: object, path: Path = ()) -> dict[Path, str]:
    if isinstance(raw, bool):
        return {path: "true" if raw else "false"}
    out: dict[Path, str] = {}
    if isinstance(raw, dict):
        for k, v in raw.items():
            out.update(_json_bools(v, (*path, k)))
    elif isinstance(raw, list):
        for i, v in enumerate(raw):
            out.update(_json_bools(v, (*path, i)))
    return out


def _count_nodes(raw: object, max_nodes: int) -> None:
    stack, seen = [raw], 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > max_nodes:
            raise AnswersError(_too_many(max_nodes))
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def read_with_booleans(
    data: bytes, max_bytes: int, max_nodes: int = MAX_NODES
) -> tuple[object, dict[Path, str]]:
    """:func:`read_document`, and the text of every true/false value (``yes``, ``on``, ``False``,
    JSON ``true``, ...) as written, by its path in the document."""
    if len(data) > max_bytes:
        raise AnswersError(f"The file is {len(data):,} bytes; the limit is {max_bytes:,} bytes.")
    text = decode(data)
    if not text.strip():
        raise AnswersError("The file is empty.")
    try:
        if text.lstrip().startswith("{"):
            raw = json.loads(text)
            _count_nodes(raw, max_nodes)
            bools = _json_bools(raw)
        else:
            raw, bools = _compose_checked(text, max_nodes)
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
    return raw, bools


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
