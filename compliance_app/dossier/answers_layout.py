"""Answers file format 2: the deal's flat answers laid out for a person, and read back.

In memory (:class:`compliance_app.dossier.answers.AnswersFile`) a deal's answers are one flat
mapping (:mod:`compliance_app.engine.deal`): deal-wide step ids, qualified ids
``step@qualifier`` and the three list steps whose values are lists of entries. The file groups
them by what they are about (``docs/answers-format.md``)::

    answers:                      # deal-wide answers, keyed by step id
    items:                        # each item: its fields, its bill of materials, its answers
    - {id: item1, name: PCU-200, kind: own_product, ..., answers: {m3_us_content: ...}}
    destinations:                 # each destination: its fields and its answers
    groups:                       # each people group: its fields and its answers
    home: {answers: {...}}        # answers about items that stay in the company's country
    per_item_and_destination:     # answers asked per item and destination (or any other pair)
    - {item: item1, destination: dest2, answers: {m5_us_value: 1200.0}}

:func:`to_layout` never loses an answer: an answer whose qualifier names no entry of the lists
(an entry removed since), or whose qualifier is not of the shapes above, stays in ``answers:``
under its full qualified id, and so does a list step whose value is not a list of entries.
:func:`from_layout` is its inverse (``from_layout(to_layout(a)) == a``) and refuses, with an
:class:`AnswersError` for the user, anything given twice or not in these shapes.

An item's bill of materials (``bom``, lines as :class:`compliance_app.engine.bom.BomLine` dicts)
is written as CSV text under ``bill_of_materials:`` (one line per part, header
:data:`BOM_COLUMNS`): 5,000 lines read in a fraction of a second where the same lines as YAML
mappings take seconds. Lines that CSV cannot hold exactly (other keys, a value that is not a
finite number) are written as the entry holds them, under ``bom:``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from typing import Any

from compliance_app.dossier.untrusted import AnswersError
from compliance_app.engine.deal import HOME, JOIN, SEP

LISTS = {"items": "m2_items", "destinations": "m2_destinations", "groups": "m7_groups"}
"""File section -> the list step it holds (``rules/ruleset.yaml``, ``deal:``; a test checks
that they agree)."""
PREFIX = {"items": "item", "destinations": "dest", "groups": "group"}
PAIR_KEYS = ("item", "destination", "group")
"""Keys of a ``per_item_and_destination`` entry, in qualifier order."""
SECTIONS = ("answers", "items", "destinations", "groups", "home", "per_item_and_destination")
BOM_COLUMNS = ("part", "origin", "classification", "value", "currency", "licence_to", "note")
BOM_KEY = "bill_of_materials"
MAX_BOM_LINES = 5_000
"""Most lines in one item's bill of materials (as :class:`compliance_app.engine.entries.Item`)."""


class BomText(str):
    """CSV text of a bill of materials: written as a YAML literal block (``|``)."""


# --- bill of materials as CSV ------------------------------------------------------------------
def bom_to_csv(lines: object) -> BomText | None:
    """The CSV text of ``lines``, or None when CSV cannot hold them exactly (see module doc)."""
    if not isinstance(lines, list) or not lines:
        return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BOM_COLUMNS)
    for line in lines:
        if not isinstance(line, dict) or set(line) != set(BOM_COLUMNS):
            return None
        row = []
        for key in BOM_COLUMNS:
            v = line[key]
            if key == "value":
                if v is None:
                    row.append("")
                    continue
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    return None
                if float(v) != v:  # an integer too large for a float
                    return None
                row.append(repr(float(v)))
            elif isinstance(v, str) and "\r" not in v:  # CSV would read a lone CR as a line end
                row.append(v)
            else:
                return None
        writer.writerow(row)
    return BomText(out.getvalue())


def bom_from_csv(text: object, where: str) -> list[dict]:
    """Read the CSV text of a bill of materials (``where`` names it in messages).

    The header names columns of :data:`BOM_COLUMNS` (in any order; a missing column is empty);
    ``value`` is a number or empty (not known). Raises AnswersError with the line number.
    """
    if not isinstance(text, str):
        raise AnswersError(f"The bill of materials of {where} must be CSV text.")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise AnswersError(f"The bill of materials of {where} is not valid CSV: {exc}.") from None
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header if h not in BOM_COLUMNS]
    if unknown or len(set(header)) != len(header):
        raise AnswersError(
            f"The header of the bill of materials of {where} must name each of the columns "
            f"{', '.join(BOM_COLUMNS)} at most once; it reads {', '.join(header)}."
        )
    if len(rows) - 1 > MAX_BOM_LINES:
        raise AnswersError(
            f"The bill of materials of {where} has {len(rows) - 1:,} lines; an item has at most "
            f"{MAX_BOM_LINES:,}."
        )
    lines = []
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(header):
            raise AnswersError(
                f"Line {number} of the bill of materials of {where} has {len(row)} values; the "
                f"header names {len(header)} columns."
            )
        cells = dict(zip(header, row, strict=True))
        line: dict[str, Any] = {k: cells.get(k, "") for k in BOM_COLUMNS}
        line["value"] = _number(cells.get("value", ""), number, where)
        lines.append(line)
    return lines


def _number(cell: str, number: int, where: str) -> float | None:
    if not cell.strip():
        return None
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise AnswersError(
            f"Line {number} of the bill of materials of {where}: the value {cell!r} is not a "
            "number. Write the value as a number (for example 1200.50), or leave it empty if "
            "you do not know it."
        )
    return value


# --- flat answers -> file sections -------------------------------------------------------------
def _entries_ok(value: object, prefix: str) -> bool:
    """A list step's value that the file can lay out: entries with unique string ids."""
    if not isinstance(value, list):
        return False
    ids = [e.get("id") if isinstance(e, dict) else None for e in value]
    return (
        all(isinstance(i, str) and i.startswith(prefix) and SEP not in i for i in ids)
        and len(set(ids)) == len(ids)
        and all("answers" not in e and BOM_KEY not in e for e in value)
    )


def _pair(qualifier: str) -> dict[str, str] | None:
    """``item1+dest2`` -> ``{item: item1, destination: dest2}``; None for another shape."""
    parts = qualifier.split(JOIN)
    if len(parts) < 2:
        return None
    out: dict[str, str] = {}
    for part in parts:
        if part.startswith("item"):
            key = "item"
        elif part == HOME or part.startswith("dest"):
            key = "destination"
        elif part.startswith("group"):
            key = "group"
        else:
            return None
        if key in out or (out and PAIR_KEYS.index(key) < PAIR_KEYS.index(list(out)[-1])):
            return None
        out[key] = part
    return out


def to_layout(answers: Mapping[str, object]) -> dict[str, Any]:
    """The file sections of a deal's flat answers (see the module doc); empty sections are
    left out, except the ``answers:`` mapping and a list step answered with no entries."""
    lists = {
        s: answers[sid] for s, sid in LISTS.items() if _entries_ok(answers.get(sid), PREFIX[s])
    }
    owner: dict[str, tuple[str, int]] = {}
    for section, entries in lists.items():
        for n, e in enumerate(entries):  # type: ignore[arg-type]
            owner[e["id"]] = (section, n)
    deal: dict[str, object] = {}
    per_entry: dict[tuple[str, int], dict[str, object]] = {}
    home: dict[str, object] = {}
    pairs: dict[str, dict[str, object]] = {}
    for key, value in answers.items():
        sid, _, qualifier = key.partition(SEP)
        if not qualifier:
            if key not in (LISTS[s] for s in lists):
                deal[key] = value
            continue
        pair = _pair(qualifier) if sid else None
        if sid and qualifier in owner:
            per_entry.setdefault(owner[qualifier], {})[sid] = value
        elif sid and qualifier == HOME:
            home[sid] = value
        elif pair is not None:
            pairs.setdefault(qualifier, {})[sid] = value
        else:
            deal[key] = value  # kept under its full id: nothing is lost
    out: dict[str, Any] = {"answers": deal}
    for section, entries in lists.items():
        laid = []
        for n, entry in enumerate(entries):  # type: ignore[arg-type]
            e: dict[str, Any] = {}
            for k, v in entry.items():
                text = bom_to_csv(v) if k == "bom" and section == "items" else None
                e[BOM_KEY if text is not None else k] = text if text is not None else v
            if (section, n) in per_entry:
                e["answers"] = per_entry[(section, n)]
            laid.append(e)
        out[section] = laid
    if home:
        out["home"] = {"answers": home}
    if pairs:
        out["per_item_and_destination"] = [
            {**_pair(q), "answers": a}  # type: ignore[dict-item]
            for q, a in pairs.items()
        ]
    return out


# --- file sections -> flat answers -------------------------------------------------------------
def _mapping(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise AnswersError(f"{where} must be a mapping of step ids to answers.")
    return value


def _put(out: dict[str, object], key: object, value: object) -> None:
    if not isinstance(key, str):
        raise AnswersError(f"The step id {key!r} is not text.")
    if key in out:
        raise AnswersError(f"The answer to {key} is given twice in the file.")
    out[key] = value


def _plain(answers: object, where: str) -> dict:
    a = _mapping(answers, f"The answers of {where}")
    bad = [k for k in a if not isinstance(k, str) or SEP in k or not k]
    if bad:
        raise AnswersError(
            f"The answers of {where} are keyed by plain step ids (without '{SEP}'); "
            f"{bad[0]!r} is not one."
        )
    return a


def from_layout(raw: Mapping[str, object]) -> dict[str, object]:
    """The flat answers of a format 2 file's sections (``raw``: the whole document)."""
    out: dict[str, object] = {}
    for key, value in _mapping(raw.get("answers", {}), "The answers section").items():
        _put(out, key, value)
    for section, sid in LISTS.items():
        if section not in raw:
            continue
        entries = raw[section]
        if not isinstance(entries, list):
            raise AnswersError(f"The {section} section must be a list.")
        listed = []
        for n, entry in enumerate(entries, 1):
            where = f"{section[:-1] if section != 'groups' else 'group'} {n}"
            if not isinstance(entry, dict):
                raise AnswersError(f"Entry {n} of the {section} section must be a mapping.")
            eid = entry.get("id")
            if not (isinstance(eid, str) and eid.startswith(PREFIX[section]) and SEP not in eid):
                raise AnswersError(
                    f"Entry {n} of the {section} section needs an id such as {PREFIX[section]}{n}."
                )
            e = {k: v for k, v in entry.items() if k != "answers"}
            if BOM_KEY in e:
                if section != "items" or "bom" in e:
                    raise AnswersError(
                        f"{where.capitalize()} ({eid}) has a bill of materials it cannot have."
                    )
                e = {("bom" if k == BOM_KEY else k): v for k, v in e.items()}
                e["bom"] = bom_from_csv(entry[BOM_KEY], f"{where} ({eid})")
            listed.append(e)
            for step, value in _plain(entry.get("answers", {}), f"{where} ({eid})").items():
                _put(out, f"{step}{SEP}{eid}", value)
        _put(out, sid, listed)
    if "home" in raw:
        home = _mapping(raw["home"], "The home section")
        if set(home) - {"answers"}:
            raise AnswersError("The home section holds only answers.")
        for step, value in _plain(home.get("answers", {}), "home").items():
            _put(out, f"{step}{SEP}{HOME}", value)
    pairs = raw.get("per_item_and_destination", [])
    if not isinstance(pairs, list):
        raise AnswersError("The per_item_and_destination section must be a list.")
    for n, pair in enumerate(pairs, 1):
        if not isinstance(pair, dict) or set(pair) - {*PAIR_KEYS, "answers"}:
            raise AnswersError(
                f"Entry {n} of per_item_and_destination holds item, destination, group and "
                "answers only."
            )
        parts = [pair[k] for k in PAIR_KEYS if k in pair]
        if not parts or not all(isinstance(p, str) and p and SEP not in p for p in parts):
            raise AnswersError(
                f"Entry {n} of per_item_and_destination must name its item and destination."
            )
        qualifier = JOIN.join(parts)
        where = f"per_item_and_destination {n} ({qualifier})"
        for step, value in _plain(pair.get("answers", {}), where).items():
            _put(out, f"{step}{SEP}{qualifier}", value)
    return out
