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
    screening:          # optional: parties screened against the restricted-party lists
      parties: [...]    # see compliance_app.dossier.screening

Answer values: a string (an option value, ``yes``/``no``/``idk``, an ISO 3166 alpha-2 country
code, or free text), a list of strings (``many`` and ``countries`` steps), or a number
(``number`` steps; a bare ``idk`` string when the user does not know).

An answers file is untrusted user input: it is read by :mod:`compliance_app.dossier.untrusted`
(a size cap, strict decoding, a safe loader that refuses tags, aliases, deep nesting and more
than :data:`MAX_NODES` values); then booleans, more than :data:`MAX_ANSWERS` answers and lists
longer than :data:`MAX_LIST_ITEMS` are refused. Anything else raises :class:`AnswersError` with
a reason; nothing is partially applied.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictStr, ValidationError

from compliance_app.dossier.untrusted import (
    MAX_DEPTH,
    MAX_NODES,
    AnswersError,
    Path,
    decode,
    read_document,
    read_with_booleans,
)

__all__ = [
    "MAX_ANSWERS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_LIST_ITEMS",
    "MAX_NODES",
    "AnswersError",
    "AnswersFile",
    "Company",
    "RulesetRef",
    "decode",
    "dump",
    "parse",
    "read_document",
    "shape_problems",
]

from compliance_app.dossier.screening import ScreeningRecord

FORMAT = "itar-ear-answers"
FORMAT_VERSION = 1
MAX_BYTES = 1_000_000
"""Largest answers file accepted, in bytes (checked before any parsing)."""
MAX_ANSWERS = 500
"""Most answers a file may hold (the rule base has about 50 questions; answers to questions
it no longer has are kept, so there is room for several versions)."""
MAX_LIST_ITEMS = 300
"""Longest list answer (there are 249 countries in ISO 3166-1)."""
AnswerValue = str | float | list[str]
StoredValue = StrictStr | StrictFloat | list[StrictStr] | list[dict[str, Any]]
"""An answer as the file holds it: strict, so ``true`` never becomes ``1.0`` (an integer is
read as a float)."""


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
    answers: dict[Annotated[str, Field(max_length=160)], StoredValue] = Field(default_factory=dict)
    screening: ScreeningRecord | None = None
    """Optional: the parties screened against the restricted-party lists
    (:mod:`compliance_app.dossier.screening`). Left out of the file when there is none, so files
    without screening are written byte for byte as before."""

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """As pydantic's, without ``screening`` when there is none."""
        data = super().model_dump(**kwargs)
        if data.get("screening") is None:
            data.pop("screening", None)
        return data


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
    raw, bools = read_with_booleans(data, MAX_BYTES, MAX_NODES)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise AnswersError(
            f"This is not an answers file of this tool (expected 'format: {FORMAT}' at the top)."
        )
    _refuse_booleans(bools)
    _refuse_too_many(raw.get("answers"))
    try:
        return AnswersFile.model_validate(raw)
    except ValidationError as exc:
        raise AnswersError(
            f"The answers file is not in the expected shape: {shape_problems(exc)}"
        ) from exc


def _refuse_too_many(answers: object) -> None:
    """Refuse more than :data:`MAX_ANSWERS` answers or a list answer longer than
    :data:`MAX_LIST_ITEMS` (the work per upload, and per later click, stays small)."""
    if not isinstance(answers, dict):
        return
    if len(answers) > MAX_ANSWERS:
        raise AnswersError(
            f"The file holds {len(answers):,} answers; answers files of this tool hold at most "
            f"{MAX_ANSWERS:,}."
        )
    for step_id, value in answers.items():
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            raise AnswersError(
                f"The answer to {step_id} lists {len(value):,} items; a list answer has at most "
                f"{MAX_LIST_ITEMS:,}."
            )


def _refuse_booleans(bools: dict[Path, str]) -> None:
    """Refuse an answer that YAML or JSON reads as true/false (``yes``, ``no``, ``on``, ``off``,
    ``true``, ``False``, ...): no answer is a truth value, and a number answer must never
    become 1 or 0. The message names the step and the value as written."""
    for path, text in sorted(bools.items(), key=str):
        if len(path) >= 2 and path[0] == "answers":
            raise AnswersError(
                f"The answer to {path[1]} is {text}, which is read as true or false; no answer "
                "is true or false. Write a number for an amount; if you mean the word, put it "
                f"in quotes ('{text}'), as for the options 'yes' and 'no' or the country code "
                "'NO'."
            )


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
    tail = {"screening": data.pop("screening")} if "screening" in data else None
    keep: dict = {}
    head = _piece(pieces, keep, ("", repr(data)), data)
    items = [
        _piece(pieces, keep, (k, repr(v)), {"answers": {k: v}})[len("answers:\n") :]
        for k, v in answers.items()
    ]
    pieces.clear()
    pieces.update(keep)
    body = head + ("answers:\n" + "".join(items) if items else "answers: {}\n")
    if tail is not None:  # after the answers, as without pieces
        body += _yaml(tail)
    return body.encode("utf-8")


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
