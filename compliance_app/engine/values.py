"""Answer values: checking one against its step, and showing it to a person.

Shapes by step type (see ``docs/rule-format.md``):

=================  =============================================================
yes_no             ``"yes"`` or ``"no"``
yes_no_unknown     ``"yes"``, ``"no"`` or ``"idk"``
one                an option value, or ``"idk"`` if offered
many               a non-empty list of option values, or ``["idk"]``
country            ISO 3166-1 alpha-2 code (``"LU"``), or ``"idk"``
countries          a list of alpha-2 codes (may be empty), or ``["idk"]``
number             a float within the step's bounds, or ``"idk"``
text               a string up to the step's ``max_length``
=================  =============================================================
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pycountry
from pydantic import ValidationError

from compliance_app.engine.entries import MODEL_OF
from compliance_app.rulebase.models import UNKNOWN, Ruleset, Step

AnswerValue = str | float | list[str] | list[dict]


class AnswerError(ValueError):
    """An answer does not fit its step. ``str()`` is a message for the user."""


def country_name(code: str) -> str:
    """``"LU"`` -> ``"Luxembourg"`` (the code itself if unknown)."""
    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    return getattr(c, "common_name", None) or c.name


def country_choices() -> list[tuple[str, str]]:
    """All ISO 3166-1 countries as ``(code, name)``, sorted by name."""
    return sorted(
        ((c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries),
        key=lambda x: x[1],
    )


def _is_country(code: object) -> bool:
    # ASCII only: str.upper() maps "ß" to "SS" and "ﬁ" to "FI", which are country codes
    return (
        isinstance(code, str)
        and len(code) == 2
        and code.isascii()
        and pycountry.countries.get(alpha_2=code) is not None
    )


def normalize(step: Step, value: object) -> AnswerValue:
    """Check ``value`` against ``step`` and return it in canonical form.

    Raises AnswerError with a message that says what to enter.
    """
    t = step.type
    allowed = step.option_values()
    if t in ("yes_no", "yes_no_unknown", "one"):
        if isinstance(value, str) and value in allowed:
            return value
        raise AnswerError(f"Choose one of: {', '.join(step.label_of(v) for v in allowed)}.")
    if t == "many":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise AnswerError("Choose at least one option.")
        bad = [v for v in value if v not in allowed]
        if bad:
            raise AnswerError(f"Not an option of this question: {', '.join(bad)}.")
        if UNKNOWN in value and len(value) > 1:
            raise AnswerError('"I don\'t know" cannot be combined with other options.')
        return [v for v in allowed if v in value]  # option order, no duplicates
    if t == "country":
        if value == UNKNOWN and step.allow_unknown:
            return UNKNOWN
        if isinstance(value, str) and value.isascii() and _is_country(value.upper()):
            return value.upper()
        raise AnswerError("Choose a country.")
    if t == "countries":
        if value == [UNKNOWN] and step.allow_unknown:
            return [UNKNOWN]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError("Choose the countries from the list.")
        bad = [v for v in value if not (v.isascii() and _is_country(v.upper()))]
        if bad:
            raise AnswerError(f"Not a country code: {', '.join(bad)}.")
        return sorted({v.upper() for v in value})
    if t == "number":
        if value == UNKNOWN and step.allow_unknown:
            return UNKNOWN
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerError("Enter a number.")
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range, e.g. 10**400
            raise AnswerError("Enter a finite number.") from None
        if math.isnan(number) or math.isinf(number):
            raise AnswerError("Enter a finite number.")
        if step.minimum is not None and number < step.minimum:
            raise AnswerError(f"Enter a number of at least {step.minimum:g}.")
        if step.maximum is not None and number > step.maximum:
            raise AnswerError(f"Enter a number of at most {step.maximum:g}.")
        return number
    if t == "text":
        if not isinstance(value, str):
            raise AnswerError("Enter text.")
        if len(value) > step.max_length:
            raise AnswerError(
                f"Shorten this answer to at most {step.max_length:,} characters; it has "
                f"{len(value):,}."
            )
        return value
    if t in MODEL_OF:
        return _entries(t, value)
    raise AnswerError(f"Unknown step type {t}.")  # pragma: no cover - models forbid it


_WHAT = {"item_list": "item", "destination_list": "destination", "group_list": "group"}


_checked_entries: dict[tuple[str, str], list[dict]] = {}
"""Recently checked list answers by their text (a walk checks each list once per cell, and a
bill of materials can have thousands of lines); bounded, oldest dropped first."""


def _entries(t: str, value: object) -> list[dict]:
    """A list step's answer: entries checked by their model (ids unique), as plain dicts. The
    result is shared with later calls for equal answers: callers must not change it."""
    key = (t, repr(value))
    found = _checked_entries.get(key)
    if found is None:
        found = _checked_entries[key] = _check_entries(t, value)
        if len(_checked_entries) > 256:
            del _checked_entries[next(iter(_checked_entries))]
    return found


def _check_entries(t: str, value: object) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise AnswerError(f"Add each {_WHAT[t]} with the form.")
    if t != "destination_list" and not value:
        raise AnswerError(f"Add at least one {_WHAT[t]}.")
    out: list[dict] = []
    for n, raw in enumerate(value, 1):
        try:
            entry = MODEL_OF[t].model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or _WHAT[t]
            raise AnswerError(f"{_WHAT[t].capitalize()} {n}, {where}: {first['msg']}.") from None
        out.append(entry.model_dump())
    ids = [e["id"] for e in out]
    if len(set(ids)) != len(ids):
        raise AnswerError(f"Two {_WHAT[t]}s have the same id.")
    return out


def refused_answers(ruleset: Ruleset, answers: Mapping[str, object]) -> dict[str, str]:
    """Step id -> why its answer was refused (the :class:`AnswerError` message), for every
    answer to a step of ``ruleset`` that :func:`normalize` refuses, in rule-base order.

    The evaluation treats such a step as not answered; callers say so instead of letting the
    answer vanish. Answers to steps the rule base does not have are not checked here.
    """
    out: dict[str, str] = {}
    for key, value in answers.items():
        step = ruleset.steps.get(key.partition("@")[0])  # qualified ids: engine.deal
        if step is not None and value is not None:
            try:
                normalize(step, value)
            except AnswerError as exc:
                out[key] = str(exc)
    return out


BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\ufeff\u061c"
)
"""Invisible characters that change the direction of the text around them (embeddings,
overrides, isolates, the LRM/RLM/ALM marks) and the byte order mark: ``"Evil\u202eFDP.exe"``
reads as ``"Evilexe.PDF"``. Wherever user text is shown they are shown as ``[U+202E]``
(:func:`visible_controls`; the PDF does the same, ``docs/security.md``)."""
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def visible_controls(text: object) -> str:
    """``text`` with every :data:`BIDI_CONTROLS` character written as ``[U+XXXX]``; the stored
    value is not changed (for display only)."""
    return _BIDI_RE.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(text))


def is_unknown(value: object) -> bool:
    """True for an "I don't know" answer of any step type."""
    return value == UNKNOWN or (isinstance(value, list) and UNKNOWN in value)


def display(step: Step, value: object, lang: str = "en") -> str:
    """What a person reads for an answer: labels, country names, number with unit."""
    if value is None:
        return "(not answered)"
    if is_unknown(value):
        return "I don't know"
    if step.type in ("country",):
        return f"{country_name(str(value))} ({value})"
    if step.type == "countries":
        items = list(value) if isinstance(value, list) else [str(value)]
        return ", ".join(f"{country_name(c)} ({c})" for c in items) or "(none)"
    if step.type == "many":
        items = value if isinstance(value, list) else [value]
        return "; ".join(step.label_of(str(v), lang) for v in items)
    if step.type == "number":
        unit = step.unit.get(lang) if step.unit else ""
        return f"{float(value):,.2f} {unit}".strip()  # type: ignore[arg-type]
    if step.type == "text":
        return str(value)
    if step.type in MODEL_OF:
        names = [str(e.get("name", "")) for e in value if isinstance(e, dict)]  # type: ignore[union-attr]
        return "; ".join(names) or "(none)"
    return step.label_of(str(value), lang)
