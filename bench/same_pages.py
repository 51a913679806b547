"""The pages the same-elements reference (``bench/same_app.py``) draws: for every question of
the payload example's path, the texts, options and links our question page shows, computed
once (this module has the logic; the page only draws what it is given).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.common import PAYLOAD
from compliance_app.dossier.answers import parse
from compliance_app.engine.deal import split
from compliance_app.engine.deal_migrate import migrate_case
from compliance_app.rulebase.loader import cached_ruleset
from compliance_app.rulebase.models import LIST_TYPES, UNKNOWN
from compliance_app.ui import forms
from compliance_app.ui import state as ui

IDK = "I don't know"
SIDEBAR_NOTE = (
    "Your answers are saved on this server as you go, under the link in the address bar: "
    "bookmark it to continue later, on this or another device. Anyone with the link can see "
    "and change the answers. Use **Delete my data** to delete them now; otherwise they are "
    "deleted 30 days after your last change."
)


@dataclass
class Page:
    key: str
    kind: str
    """radio | many | country | countries | number | text"""
    caption: str
    fraction: float
    question: str
    hint: str | None
    help: str | None
    options: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    captions: list[str] | None = None
    extra: str = ""
    """number: the amount label; text: the length caption."""
    allow_unknown: bool = False
    references: list[str] = field(default_factory=list)
    about: str = ""
    """The "About: ..." caption of a question asked per entry, escaped as ours is."""


def pages() -> tuple[list[Page], str, bytes]:
    """The question pages of the payload walk, the rules caption, and an answers file of the
    size ours is (what a download button carries)."""
    rs = cached_ruleset()
    af = parse(PAYLOAD.read_bytes())
    answers = migrate_case(rs, dict(af.answers))[0]
    path, _pending = ui.path_of(rs, answers)
    countries = forms.country_labels()
    out = []
    for step_id in path:
        step = ui.step_for(rs, step_id, answers)
        if step.type in LIST_TYPES:
            continue  # the list pages are filled outside the timed clicks
        about = ui.about(rs, answers, step_id)
        prog = ui.progress(rs, answers, step_id)
        kind = "radio" if step.type in ("yes_no", "yes_no_unknown", "one") else step.type
        p = Page(
            key=ui.widget_key(step_id),
            kind=kind,
            caption=(
                f"Section {prog.module_number} of {prog.module_count}: {prog.module_title} · "
                f"Question {prog.number}"
            ),
            fraction=prog.fraction,
            question=ui.md_escape(step.question.en)
            if step_id != split(step_id)[0]
            else step.question.en,
            about="About: " + ui.md_escape(about) if about else "",
            hint=step.hint.en if step.hint else None,
            help=step.help.en if step.help else None,
            allow_unknown=bool(step.allow_unknown),
            references=[
                f"- [{ui.md_escape(c.citation)}]({c.url}): {ui.md_escape(c.title)}"
                for c in (rs.citations[c] for c in step.citations if c in rs.citations)
            ],
        )
        if kind in ("radio", "many"):
            p.options = step.option_values()
            p.labels = {v: step.label_of(v) for v in p.options}
            hints = {o.value: o.hint.en for o in step.options if o.hint}
            p.captions = [hints.get(v, "") for v in p.options] if hints else None
        elif kind in ("country", "countries"):
            p.options = ([UNKNOWN] if step.allow_unknown else []) + list(countries)
            p.labels = {**countries, UNKNOWN: IDK}
        elif kind == "number":
            p.extra = f"Amount in {step.unit.en}" if step.unit else "Amount"
        else:
            p.extra = f"At most {step.max_length:,} characters."
        out.append(p)
    meta = rs.meta
    rules = f"Rules {meta.version}, regulations as of {meta.regulations_as_of}."
    company = {f: getattr(af.company, f) for f in ui.COMPANY_FIELDS}
    data = ui.answers_file_bytes(rs, answers, company)
    return out, rules, data
