"""The answers file: a versioned, documented format (YAML or JSON) for one assessment.

``docs/answers-format.md`` documents both formats, every key and the limits.

Format 2 (``format_version: 2``, written since issue 10) holds a *deal*: several items,
destinations and people groups, each with its own answers (layout:
:mod:`compliance_app.dossier.answers_layout`)::

    format: itar-ear-answers
    format_version: 2
    ruleset: {id: itar-ear-selfassessment, version: 1.0.0}
    company: {name: "LU-Alpha S.A.", country: LU, contact: "...", assessment_title: "..."}
    answers: {m1_country: LU, ...}                  # deal-wide answers, by step id
    items: [{id: item1, name: PCU-200, ..., answers: {m3_us_content: ...}}]
    destinations: [{id: dest1, name: Prime SA, country: FR, ..., answers: {...}}]
    groups: [{id: group1, name: ..., citizenships: [IN], ..., answers: {...}}]
    home: {answers: {...}}                          # items that stay in the company's country
    per_item_and_destination: [{item: item1, destination: dest1, answers: {...}}]
    screening: {...}    # optional: parties screened (compliance_app.dossier.screening)

Format 1 (``format_version: 1``, every file made before) holds one case: ``answers:`` keyed by
step id. :func:`parse` reads both and returns the same in-memory :class:`AnswersFile`, whose
``answers`` is one flat mapping (deal-wide step ids, qualified ids ``step@qualifier``, and the
list steps' entries; :mod:`compliance_app.engine.deal`). A format 1 file is migrated to a
one-item deal (:func:`migrate_file`, :func:`compliance_app.engine.deal_migrate.migrate_case`);
``AnswersFile.notes`` then says in plain sentences what was made of it, for the caller to show.

Answer values: a string (an option value, ``yes``/``no``/``idk``, an ISO 3166 alpha-2 country
code, or free text), a list of strings (``many`` and ``countries`` steps), a number (``number``
steps; a bare ``idk`` string when the user does not know), or, for the list steps, a list of
entries (:mod:`compliance_app.engine.entries`).

An answers file is untrusted user input: it is read by :mod:`compliance_app.dossier.untrusted`
(a size cap of :data:`MAX_BYTES`, strict decoding, a safe loader that refuses tags, aliases,
deep nesting and more than :data:`MAX_NODES` values); then booleans in any answer, more than
:data:`MAX_ANSWERS` answers, lists (and lists of entries) longer than :data:`MAX_LIST_ITEMS`
and bills of materials longer than :data:`MAX_BOM_LINES` lines are refused. The limits leave
room for a deal of 10 items with 5,000 bill-of-materials lines each (about 3 MB as format 2,
where the lines are CSV text). Anything else raises :class:`AnswersError` with a reason;
nothing is partially applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictFloat,
    StrictStr,
    ValidationError,
)

from compliance_app.dossier.answers_layout import (
    MAX_BOM_LINES,
    SECTIONS,
    BomText,
    from_layout,
    to_layout,
)
from compliance_app.dossier.untrusted import (
    MAX_DEPTH,
    AnswersError,
    Path,
    decode,
    read_document,
    read_with_booleans,
)

if TYPE_CHECKING:
    from compliance_app.rulebase.models import Ruleset

__all__ = [
    "MAX_ANSWERS",
    "MAX_BOM_LINES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_LIST_ITEMS",
    "MAX_NODES",
    "AnswersError",
    "AnswersFile",
    "Company",
    "RulesetRef",
    "decode",
    "default_ruleset",
    "dump",
    "migrate_file",
    "parse",
    "read_document",
    "shape_problems",
]

from compliance_app.dossier.screening import ScreeningRecord

FORMAT = "itar-ear-answers"
FORMAT_VERSION = 2
"""The format :func:`dump` writes; :func:`parse` reads 1 and 2."""
MAX_BYTES = 8_000_000
"""Largest answers file accepted, in bytes (checked before any parsing): a deal of 10 items
with 5,000 bill-of-materials lines each is about 3 MB."""
MAX_NODES = 25_000
"""Most YAML/JSON values (keys, values and list items) in an answers file, counted while
reading: room for :data:`MAX_ANSWERS` answers and their lists (bills of materials are CSV
text, one value per item); 60,000 keys are refused in well under a second."""
MAX_ANSWERS = 5_000
"""Most answers a file may hold, qualified ids included (about 60 questions, many asked per
item, destination or group; answers to questions the rules no longer have are kept)."""
MAX_LIST_ITEMS = 300
"""Longest list answer (there are 249 countries in ISO 3166-1), and most entries in each of
the lists of items, destinations and groups."""
AnswerValue = str | float | list[str] | list[dict[str, Any]]
StoredValue = StrictStr | StrictFloat | list[StrictStr] | list[dict[str, JsonValue]]
"""An answer as the file holds it: strict, so ``true`` never becomes ``1.0`` (an integer is
read as a float); the list steps hold entries (plain mappings)."""
_HEAD = ("format", "format_version", "ruleset", "company")


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
    """One assessment: company details and the answers (one flat mapping, see the module doc).

    ``format_version`` 2: the answers are a deal's; 1: one case's answers not yet migrated (a
    draft or a review's frozen copy made before issue 10; :func:`migrate_file` migrates them,
    :func:`parse` always does).
    """

    format: Literal["itar-ear-answers"] = FORMAT
    format_version: Literal[1, 2] = FORMAT_VERSION
    ruleset: RulesetRef
    company: Company = Field(default_factory=Company)
    answers: dict[Annotated[str, Field(max_length=160)], StoredValue] = Field(default_factory=dict)
    screening: ScreeningRecord | None = None
    """Optional: the parties screened against the restricted-party lists
    (:mod:`compliance_app.dossier.screening`). Left out of the file when there is none, so files
    without screening are written byte for byte as before."""
    notes: list[str] = Field(default_factory=list, exclude=True)
    """What reading the file made of it (the migration of a format 1 file), in plain sentences
    for the user. Never written to a file or a draft, and not compared by ``==``."""

    def __eq__(self, other: object) -> bool:
        """Same assessment: every field but ``notes``."""
        if not isinstance(other, AnswersFile):
            return NotImplemented
        mine = {k: v for k, v in self.__dict__.items() if k != "notes"}
        return mine == {k: v for k, v in other.__dict__.items() if k != "notes"}

    __hash__ = None  # type: ignore[assignment]  # mutable, as pydantic's models

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


def default_ruleset() -> Ruleset:
    """The rule base in ``rules/`` (loaded once per process), used to migrate format 1 files
    when the caller gives none."""
    from compliance_app.rulebase.loader import cached_ruleset

    return cached_ruleset()


def migrate_file(af: AnswersFile, ruleset: Ruleset | None = None) -> AnswersFile:
    """``af`` with one case's answers (format 1) as the one-item deal they migrate to, with
    the migration's notes in ``notes``; a format 2 ``af`` is returned as it is."""
    if af.format_version == 2:
        return af
    from compliance_app.engine.deal_migrate import migrate_case

    deal, notes = migrate_case(ruleset or default_ruleset(), af.answers)
    return af.model_copy(
        update={"format_version": 2, "answers": deal, "notes": [*af.notes, *notes]}
    )


def parse(data: bytes, ruleset: Ruleset | None = None) -> AnswersFile:
    """Parse an answers file (YAML or JSON bytes, format 1 or 2) into an :class:`AnswersFile`.

    Checks the size first (``MAX_BYTES``), then the encoding, then the syntax and the shape.
    A format 1 file is migrated with ``ruleset`` (default: :func:`default_ruleset`) and its
    ``notes`` say so. Raises AnswersError with a message for the user; never a partial result.
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
    version = raw.get("format_version", 1)
    if version == 1:
        _refuse_too_many(raw.get("answers"))
        return migrate_file(_validate(raw), ruleset)
    if version != FORMAT_VERSION:
        raise AnswersError(
            f"This answers file has format version {version!r}; this version of the tool reads "
            f"versions 1 and {FORMAT_VERSION}. Use a newer version of the tool."
        )
    extra = [k for k in raw if k not in (*_HEAD, *SECTIONS, "screening")]
    if extra:
        raise AnswersError(
            f"The answers file has a section this tool does not know: {extra[0]!s:.64}."
        )
    flat = from_layout(raw)
    _refuse_too_many(flat)
    head = {k: raw[k] for k in (*_HEAD, "screening") if k in raw}
    return _validate({**head, "answers": flat})


def _validate(raw: dict) -> AnswersFile:
    try:
        return AnswersFile.model_validate(raw)
    except ValidationError as exc:
        raise AnswersError(
            f"The answers file is not in the expected shape: {shape_problems(exc)}"
        ) from exc


def _refuse_too_many(answers: object) -> None:
    """Refuse more than :data:`MAX_ANSWERS` answers, a list answer (or list of entries) longer
    than :data:`MAX_LIST_ITEMS` or a bill of materials longer than :data:`MAX_BOM_LINES` (the
    work per upload, and per later click, stays bounded)."""
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
        for entry in value if isinstance(value, list) else []:
            bom = entry.get("bom") if isinstance(entry, dict) else None
            if isinstance(bom, list) and len(bom) > MAX_BOM_LINES:
                raise AnswersError(
                    f"The bill of materials of {entry.get('id')!s:.20} has {len(bom):,} lines; "
                    f"an item has at most {MAX_BOM_LINES:,}."
                )


def _refuse_booleans(bools: dict[Path, str]) -> None:
    """Refuse an answer that YAML or JSON reads as true/false (``yes``, ``no``, ``on``, ``off``,
    ``true``, ``False``, ...): no answer or entry field is a truth value, and a number answer
    must never become 1 or 0. The message names the step (or the place) and the value as
    written."""
    for path, text in sorted(bools.items(), key=str):
        if len(path) < 2 or path[0] not in SECTIONS:
            continue
        if path[0] == "answers":
            what = f"The answer to {path[1]}"
        else:
            place = ", ".join(str(p + 1) if isinstance(p, int) else str(p) for p in path)
            what = f"The value at {place}"
        raise AnswersError(
            f"{what} is {text}, which is read as true or false; no answer "
            "is true or false. Write a number for an amount; if you mean the word, put it "
            f"in quotes ('{text}'), as for the options 'yes' and 'no' or the country code "
            "'NO'."
        )


def dump(answers_file: AnswersFile, pieces: dict | None = None) -> bytes:
    """Serialise to YAML bytes (UTF-8, non-ASCII written as itself, stable key order): format 2
    (format 1 for an :class:`AnswersFile` of format 1, byte for byte as before).

    ``parse(dump(a)) == a`` and dumping twice gives identical bytes.

    ``pieces``: a dict the caller keeps between calls for one assessment (the wizard keeps one
    per session) that holds the YAML text of the header, of each deal-wide answer and of each
    entry of a list section; a piece is reused while its data is unchanged, so a new answer
    costs the serialisation of that answer (or of its entry) only. The bytes are the same as
    without it (each item of a mapping or list section is written at the same indentation,
    independently of the others).
    """
    data = answers_file.model_dump(mode="json")
    tail = {"screening": data.pop("screening")} if "screening" in data else None
    answers = data.pop("answers")
    sections = {"answers": answers} if data["format_version"] == 1 else to_layout(answers)
    if pieces is None:
        return _yaml({**data, **sections, **(tail or {})}).encode("utf-8")
    keep: dict = {}
    body = _piece(pieces, keep, ("", "", repr(data)), data)
    for name, value in sections.items():
        body += _section(pieces, keep, name, value)
    pieces.clear()
    pieces.update(keep)
    if tail is not None:  # after the answers, as without pieces
        body += _yaml(tail)
    return body.encode("utf-8")


def _section(pieces: dict, keep: dict, name: str, value: object) -> str:
    """One top-level section, a piece per mapping key or list element."""
    if isinstance(value, dict) and name == "answers":
        parts = [((k, repr(v)), {name: {k: v}}) for k, v in value.items()]
    elif isinstance(value, list):
        parts = [(("", repr(v)), {name: [v]}) for v in value]
    else:
        return _piece(pieces, keep, (name, "", repr(value)), {name: value})
    if not parts:
        return _yaml({name: value})
    cut = len(name) + 2
    return f"{name}:\n" + "".join(
        _piece(pieces, keep, (name, *key), one)[cut:] for key, one in parts
    )


def _piece(pieces: dict, keep: dict, key: tuple[str, str, str], data: dict) -> str:
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


def _represent_bom(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    """A bill of materials as a literal block (one CSV line per line), if YAML allows it."""
    style = '"' if "\x85" in data else "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(BomText, _represent_bom)
