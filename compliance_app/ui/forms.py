"""Form helpers of the wizard, without Streamlit (pitfall S6): country labels, length and
required-field checks, the company country and rule-base changes (the adviser's review:
:mod:`compliance_app.ui.review_forms`).

``streamlit_app.py`` and the ``ui_pages``/``ui_upload``/``ui_adviser`` modules draw widgets and
call these functions; the tests call them directly.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pycountry

from compliance_app.dossier import versions
from compliance_app.dossier.answers import AnswersFile
from compliance_app.engine.results import Evaluation
from compliance_app.engine.values import BIDI_CONTROLS, AnswerError, visible_controls
from compliance_app.rulebase.models import Ruleset

COMPANY_MAX = 300
"""Longest company name, contact and assessment title (as in the answers file)."""

COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "TR": ("Turkey",),
    "CZ": ("Czech Republic",),
    "GB": ("Great Britain", "UK", "England", "Scotland", "Wales"),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
    "US": ("USA", "America"),
    "NL": ("Holland",),
    "RU": ("Russia",),
    "IR": ("Iran",),
    "SY": ("Syria",),
    "TW": ("Taiwan",),
    "VN": ("Vietnam",),
    "LA": ("Laos",),
    "MD": ("Moldova",),
    "MK": ("Macedonia",),
    "CI": ("Ivory Coast",),
    "CV": ("Cape Verde",),
    "SZ": ("Swaziland",),
    "MM": ("Burma",),
    "VA": ("Vatican",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "PS": ("Palestine",),
    "BN": ("Brunei",),
    "FM": ("Micronesia",),
}
"""Well-known English names that ISO 3166 does not list (so typing them finds the country)."""


def fold(text: str) -> str:
    """``"Türkiye"`` -> ``"Turkiye"``: without diacritics, for search and sorting."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1)
def country_labels() -> dict[str, str]:
    """Every ISO 3166-1 country, code -> picker label, in alphabetical order (diacritics ignored).

    The label starts with the short name and the code, then other names it is known by, so
    typing ``TR``, ``Turkey``, ``Turkiye`` or ``Türkiye`` finds it:
    ``"Türkiye (TR), also Turkiye, Turkey"``. Computed once per process.
    """
    rows = []
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        short = fold(name).casefold()
        others: list[str] = []
        for other in (c.name, getattr(c, "official_name", None)):
            # "Republic of Türkiye" adds nothing to "Türkiye"; "Czech Republic" does to "Czechia"
            if other and short not in fold(other).casefold() and other not in others:
                others.append(other)
        for other in (fold(name), *COUNTRY_ALIASES.get(c.alpha_2, ())):
            if other != name and other not in others:
                others.append(other)
        label = f"{name} ({c.alpha_2})" + (f", also {', '.join(others)}" if others else "")
        rows.append((fold(name).casefold(), c.alpha_2, label))
    return {code: label for _key, code, label in sorted(rows)}


@functools.lru_cache(maxsize=1)
def country_short_labels() -> dict[str, str]:
    """code -> ``"Türkiye (TR)"`` (for the review page)."""
    return {code: label.split(", also ")[0] for code, label in country_labels().items()}


# --- checks on Next / Start ----------------------------------------------------------------


def length_problem(text: object, limit: int) -> str | None:
    """The message for a text longer than ``limit`` characters, else None."""
    n = len(text) if isinstance(text, str) else 0
    if n > limit:
        return f"Shorten this to at most {limit:,} characters; you entered {n:,}."
    return None


def check_text_answer(raw: object, limit: int) -> None:
    """Raise AnswerError if a text answer is too long (the widget has no ``max_chars``: a
    paste beyond it would be dropped silently)."""
    problem = length_problem(raw, limit)
    if problem:
        raise AnswerError(problem)


def controls_note(value: object) -> str | None:
    """A note for an input box whose text holds invisible text-direction controls (the box
    shows the text as typed, which may then read in the wrong order), else None."""
    if isinstance(value, str) and not BIDI_CONTROLS.isdisjoint(value):
        return (
            "This text contains invisible text-direction characters. With them shown, it reads: "
            + visible_controls(value)
        )
    return None


COMPANY_LABELS = {
    "name": "Company name",
    "contact": "Contact person (optional)",
    "assessment_title": "Assessment title (optional)",
}


def company_errors(company: Mapping[str, str]) -> dict[str, str]:
    """Field -> message for the start page (GOV.UK style: say what to do)."""
    errors: dict[str, str] = {}
    if not str(company.get("name") or "").strip():
        errors["name"] = "Enter the company name."
    for f in COMPANY_LABELS:
        problem = length_problem(company.get(f) or "", COMPANY_MAX)
        if problem:
            errors[f] = problem
    return errors


# --- the company country is the answer to the first question ------------------------------


def country_step(ruleset: Ruleset) -> str | None:
    """The step that asks where the company is established: the first step, if it asks for a
    country (``m1_country`` in the shipped rules). Its answer is ``company.country``."""
    step = ruleset.steps.get(ruleset.meta.start)
    return step.id if step is not None and step.type == "country" else None


def sync_company_country(
    ruleset: Ruleset, answers: Mapping[str, object], company: Mapping[str, str]
) -> dict[str, str]:
    """The company with ``country`` set from the answer to :func:`country_step` (cleared when
    that answer is "I don't know"); unchanged when the step is not answered."""
    sid = country_step(ruleset)
    out = dict(company)
    if sid is None or sid not in answers:
        return out
    value = answers[sid]
    out["country"] = value if isinstance(value, str) and len(value) == 2 else ""
    return out


# --- rule-base changes since an uploaded file ------------------------------------------------


@dataclass
class Upgrade:
    """What changed since the rule-base version an uploaded file was made with."""

    old_version: str
    new_version: str
    changes: list[str] = field(default_factory=list)
    affecting: list[str] = field(default_factory=list)
    appeared: list[str] = field(default_factory=list)
    disappeared: list[str] = field(default_factory=list)
    had_previous: bool = False


def upgrade_of(
    ruleset: Ruleset,
    af: AnswersFile,
    evaluation: Evaluation,
    previous_codes: Sequence[str] | None,
) -> Upgrade | None:
    """The changes since ``af``'s rule-base version (None when it is the current one)."""
    changes = versions.changes_since(af.ruleset, ruleset)
    if changes is None:
        return None
    old = versions.load_snapshot(af.ruleset.version) if changes.known else None
    up = Upgrade(
        old_version=changes.old_version,
        new_version=changes.new_version,
        changes=changes.lines(),
        affecting=changes.affecting(af.answers),
        had_previous=previous_codes is not None,
    )
    if previous_codes is not None:
        fc = versions.compare_results(previous_codes, evaluation, changes, old)
        up.appeared = [f"{c.title} ({c.code}): {c.why}" for c in fc.appeared]
        up.disappeared = [f"{c.title} ({c.code}): {c.why}" for c in fc.disappeared]
    return up
