"""The wizard's state, without Streamlit: pages, navigation, widget values, import and summary.

``streamlit_app.py`` only draws widgets and calls these functions, so the logic is unit-tested
without a browser (pitfall S6).

The answers live in one store that no widget owns (pitfall S1): a dict ``step id -> value``
plus a company dict. Widgets are keyed by step id (:func:`widget_key`), are filled from the store
when a step page is entered (:func:`widget_initial_values`) and read back on Next
(:func:`raw_from_widgets`, :func:`apply_answer`). The path is never stored: it is recomputed
from the answers with :func:`compliance_app.engine.evaluation.walk`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from compliance_app.dossier.answers import (
    AnswersError,
    AnswersFile,
    Company,
    RulesetRef,
    dump,
    parse,
)
from compliance_app.dossier.screening import ScreeningRecord
from compliance_app.engine.deal import split
from compliance_app.engine.deal_migrate import migrate_case
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.engine.results import Evaluation
from compliance_app.engine.values import (
    AnswerError,
    AnswerValue,
    normalize,
    refused_answers,
    visible_controls,
)
from compliance_app.rulebase.models import UNKNOWN, Ruleset, Step
from compliance_app.ui.summary import (  # noqa: F401 - part of this module's interface
    AUTHORIZATION_TEXT,
    JURISDICTION_TEXT,
    SEVERITIES,
    access_rows,
    findings_by_severity,
    matrix_rows,
    summary,
)
from compliance_app.ui.walks import about, path_and_pending, step_for  # noqa: F401 - interface

PAGE_START = "start"
PAGE_REVIEW = "review"
PAGE_RESULTS = "results"
PAGE_PARTIES = "parties"
STEP_PREFIX = "step:"
COMPANY_FIELDS = ("name", "country", "contact", "assessment_title")


# --- pages and navigation -------------------------------------------------------------------


def step_page(step_id: str) -> str:
    """``"q_country"`` -> ``"step:q_country"``."""
    return STEP_PREFIX + step_id


def page_step(page: str) -> str | None:
    """The step id of a step page, else None."""
    return page[len(STEP_PREFIX) :] if page.startswith(STEP_PREFIX) else None


def path_of(ruleset: Ruleset, answers: Mapping[str, object]) -> tuple[list[str], str | None]:
    """The steps on the path for these answers and the pending step (None when complete)."""
    return path_and_pending(ruleset, answers)


def resume_page(ruleset: Ruleset, answers: Mapping[str, object]) -> str:
    """Where to continue: the first unanswered step on the path, or the review page."""
    _path, pending = path_of(ruleset, answers)
    return step_page(pending) if pending else PAGE_REVIEW


def resolve_page(ruleset: Ruleset, answers: Mapping[str, object], page: str | None) -> str:
    """A page that can be shown for these answers.

    A step page is only valid for a step on the current path; the results page only for a
    complete path. Anything else goes to where the user should continue.
    """
    if page in (PAGE_START, PAGE_REVIEW, PAGE_PARTIES):
        return page
    path, pending = path_of(ruleset, answers)
    if page == PAGE_RESULTS:
        return page if pending is None else step_page(pending)
    step_id = page_step(page or "")
    if step_id is not None and step_id in path:
        return page  # type: ignore[return-value]
    return PAGE_START if page is None else resume_page(ruleset, answers)


def first_page(ruleset: Ruleset, answers: Mapping[str, object], return_to_review: bool) -> str:
    """Where the start page's button leads: the first question (or back to the review)."""
    if return_to_review:
        return resume_page(ruleset, answers)
    return step_page(ruleset.meta.start)


def next_page(
    ruleset: Ruleset, answers: Mapping[str, object], step_id: str, return_to_review: bool = False
) -> str:
    """The page after ``step_id`` once its answer is stored.

    After a "Change" from the review page, go back to the review as soon as the path is
    complete again; if the changed answer opens new questions, ask them first.
    """
    path, pending = path_of(ruleset, answers)
    if return_to_review:
        return PAGE_REVIEW if pending is None else step_page(pending)
    if step_id in path:
        i = path.index(step_id)
        if i + 1 < len(path):
            return step_page(path[i + 1])
        if pending is None:
            return PAGE_REVIEW
    return resume_page(ruleset, answers)


def previous_page(
    ruleset: Ruleset, answers: Mapping[str, object], step_id: str, return_to_review: bool = False
) -> str:
    """The page before ``step_id``: the previous step on the path, or the start page.

    Nothing is deleted: later answers stay in the store and are shown again on Next.
    """
    if return_to_review:
        return PAGE_REVIEW
    path, _pending = path_of(ruleset, answers)
    if step_id in path:
        i = path.index(step_id)
        return step_page(path[i - 1]) if i > 0 else PAGE_START
    return resume_page(ruleset, answers)


def review_back_page(ruleset: Ruleset, answers: Mapping[str, object]) -> str:
    """The Back link of the review page: the last question on the path."""
    path, _pending = path_of(ruleset, answers)
    return step_page(path[-1]) if path else PAGE_START


# --- answers and widgets ----------------------------------------------------------------------


def widget_key(step_id: str, part: str | None = None) -> str:
    """Session-state key of a step's widget (``part``: an option value, or ``idk``)."""
    return f"w_{step_id}" if part is None else f"w_{step_id}__{part}"


def company_key(name: str) -> str:
    return f"company_{name}"


def stored_value(step: Step, stored: object) -> AnswerValue | None:
    """The stored answer in canonical form, or None if missing or no longer valid."""
    if stored is None:
        return None
    try:
        return normalize(step, stored)
    except AnswerError:
        return None


def widget_initial_values(step: Step, stored: object) -> dict[str, object]:
    """Session-state values that make the step's widgets show the stored answer."""
    value = stored_value(step, stored)
    key = widget_key(step.id)
    t = step.type
    if t in ("yes_no", "yes_no_unknown", "one", "country"):
        return {key: value}
    if t == "many":
        chosen = value if isinstance(value, list) else []
        return {widget_key(step.id, v): v in chosen for v in step.option_values()}
    if t == "countries":
        return {key: list(value) if isinstance(value, list) else []}
    if t == "number":
        out: dict[str, object] = {key: value if isinstance(value, float) else None}
        if step.allow_unknown:
            out[widget_key(step.id, UNKNOWN)] = value == UNKNOWN
        return out
    return {key: value if isinstance(value, str) else ""}


def raw_from_widgets(step: Step, state: Mapping[str, object]) -> object:
    """The answer as the widgets hold it (not yet checked; see :func:`apply_answer`)."""
    key = widget_key(step.id)
    t = step.type
    if t == "many":
        return [v for v in step.option_values() if state.get(widget_key(step.id, v))]
    if t == "countries":
        return list(state.get(key) or [])  # type: ignore[call-overload]
    if t == "number":
        if step.allow_unknown and state.get(widget_key(step.id, UNKNOWN)):
            return UNKNOWN
        return state.get(key)
    if t == "text":
        return state.get(key) or ""
    return state.get(key)


def apply_answer(
    ruleset: Ruleset, answers: Mapping[str, object], step_id: str, raw: object
) -> dict[str, object]:
    """A new answers dict with ``raw`` checked and stored for ``step_id``.

    Raises AnswerError with a message that says what to do (shown next to the field).
    Answers of other steps, on the path or not, are kept unchanged.
    """
    step = ruleset.steps[split(step_id)[0]]
    if step.type == "number" and raw is None:
        unit = f", in {step.unit.en}" if step.unit else ""
        idk = ', or tick "I don\'t know"' if step.allow_unknown else ""
        raise AnswerError(f"Enter a number{unit}{idk}.")
    if step.type == "countries" and isinstance(raw, list) and UNKNOWN in raw and len(raw) > 1:
        raise AnswerError('"I don\'t know" cannot be combined with countries.')
    value = normalize(step, raw)
    new = dict(answers)
    new[step_id] = value
    return new


# --- progress -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    number: int
    """Question number on the path (1-based)."""
    module_number: int
    module_count: int
    module_title: str
    fraction: float
    """An honest estimate: sections done, plus the share of this section's questions asked."""


def progress(ruleset: Ruleset, answers: Mapping[str, object], step_id: str) -> Progress:
    """Where ``step_id`` stands. The total number of questions depends on the answers, so the
    bar counts sections (modules), which always come in the same order."""
    path, _pending = path_of(ruleset, answers)
    number = path.index(step_id) + 1 if step_id in path else len(path) + 1
    modules = ruleset.modules
    base = split(step_id)[0]
    index = next((i for i, m in enumerate(modules) if base in {s.id for s in m.steps}), 0)
    module = modules[index]
    ids = {s.id for s in module.steps}
    before = path[: number - 1]
    within = len({split(s)[0] for s in before if split(s)[0] in ids})
    fraction = (index + within / max(len(module.steps), 1)) / max(len(modules), 1)
    return Progress(
        number=number,
        module_number=index + 1,
        module_count=len(modules),
        module_title=module.title.en,
        fraction=min(max(fraction, 0.0), 1.0),
    )


# --- company and the answers file ---------------------------------------------------------


def empty_company() -> dict[str, str]:
    return {f: "" for f in COMPANY_FIELDS}


def company_from_widgets(state: Mapping[str, object]) -> dict[str, str]:
    """Company fields exactly as typed (no trimming: printed byte for byte)."""
    return {f: str(state.get(company_key(f)) or "") for f in COMPANY_FIELDS}


def answers_file(
    ruleset: Ruleset,
    answers: Mapping[str, object],
    company: Mapping[str, str],
    screening: ScreeningRecord | None = None,
) -> AnswersFile:
    """The store as an answers file (every answer, also those no longer on the path)."""
    return AnswersFile(
        ruleset=RulesetRef(id=ruleset.meta.id, version=ruleset.meta.version),
        company=Company(**{f: company.get(f, "") for f in COMPANY_FIELDS}),
        answers=dict(answers),  # type: ignore[arg-type]
        screening=screening,
    )


def answers_file_bytes(ruleset: Ruleset, answers, company, screening=None) -> bytes:  # noqa: ANN001
    return dump(answers_file(ruleset, answers, company, screening))


@dataclass
class Imported:
    answers: dict[str, object]
    company: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    screening: ScreeningRecord | None = None


def upload_key(data: bytes, file_id: str = "") -> str:
    """Identity of one upload: the uploader hands the same file to every later run (pitfall
    S3), so a file is imported only when this key has not been seen before."""
    return hashlib.sha256(file_id.encode() + b"\0" + data).hexdigest()


def check_ruleset(ruleset: Ruleset, af: AnswersFile, what: str, refused: str) -> list[str]:
    """Refuse an assessment made for another rule base; warn about another version of this one.

    ``what`` names the assessment in the messages ("This answers file"); ``refused`` says what
    the refusal means for the user. Raises AnswersError; returns the warnings (maybe none).
    """
    meta = ruleset.meta
    if af.ruleset.id != meta.id:
        raise AnswersError(
            f"{what} is for the rule base '{af.ruleset.id}', not '{meta.id}'. {refused}"
        )
    if af.ruleset.version == meta.version:
        return []
    return [
        f"{what} was made with version {af.ruleset.version} of the rules; this is "
        f"version {meta.version}. Check every answer on the review page."
    ]


def first_ids(ids: list[str], n: int = 10) -> str:
    """At most ``n`` step ids for a message (a file may hold hundreds): ``"a, b, …"``."""
    return ", ".join(ids[:n]) + (", …" if len(ids) > n else "")


def import_answers(ruleset: Ruleset, data: bytes) -> Imported:
    """Read an uploaded answers file. Raises AnswersError (nothing applied) when refused.

    A file for another rule base is refused; another version of this rule base is accepted
    with a warning. Answers that no longer fit a question are kept but asked again.
    """
    af = parse(data, ruleset)  # a one-case file (format 1) comes migrated, with a note
    warnings = check_ruleset(
        ruleset, af, "This answers file", "Your current answers were not changed."
    )
    warnings += af.notes
    unknown = [k for k in af.answers if split(k)[0] not in ruleset.steps]
    if unknown:
        warnings.append(
            f"{len(unknown)} answer(s) are for questions these rules do not have "
            f"({first_ids(unknown)}); they are kept in the file but not used."
        )
    invalid = refused_answers(ruleset, af.answers)
    if invalid:
        warnings.append(
            f"{len(invalid)} answer(s) do not fit the current questions and will be asked "
            f"again ({first_ids(list(invalid))})."
        )
        for step_id, reason in list(invalid.items())[:3]:  # why, for the first few
            warnings.append(f"The answer to {step_id} was not taken: {reason}")
    company = {f: getattr(af.company, f) for f in COMPANY_FIELDS}
    return Imported(dict(af.answers), company, warnings, af.screening)


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character so text is shown as data, never as
    Markdown, LaTeX, emoji shortcodes or HTML; text-direction controls are shown as
    ``[U+202E]`` (:func:`~compliance_app.engine.values.visible_controls`)."""
    return _MD_SPECIAL.sub(r"\\\1", visible_controls(text))


def evaluate_today(ruleset: Ruleset, answers: dict) -> Evaluation:
    """The engine's evaluation of ``answers`` on today's date: dated country data (such as the
    22 CFR 126.1(r)(2) suspension for Cyprus) is read for the day the user looks at the result,
    and the report prints that day (``Evaluation.evaluated_on``)."""
    deal, _notes = migrate_case(ruleset, answers)  # an uploaded one-case file, as a deal
    return evaluate_deal(ruleset, deal, on=dt.date.today())
