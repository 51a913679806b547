"""The sections of the report: first page, open questions, findings, appendix (the trail).

:class:`ReportStory` builds the list of ReportLab flowables for one report; :mod:`.builder`
turns it into the PDF. Every text that is not a literal of this module is data and goes
through :class:`~compliance_app.report.text.TextSanitizer` before it becomes markup.
"""

from __future__ import annotations

import datetime as dt

import pycountry
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from compliance_app.dossier.answers import AnswersFile
from compliance_app.dossier.review import Review
from compliance_app.engine.results import Evaluation, FindingResult
from compliance_app.engine.values import country_name
from compliance_app.report import coverage_section, deal_section, trail_section, worksheet_section
from compliance_app.report import review_section as report_review
from compliance_app.report import screening_section as report_screening
from compliance_app.report.ids import report_id
from compliance_app.report.style import (
    AUTHORIZATION,
    BLOCKS,
    JURISDICTION,
    LINK,
    MARGINS,
    PARTS_DIFFER,
    SEVERITY,
    styles,
)
from compliance_app.report.text import TextSanitizer, WrapOnceParagraph, url_attr
from compliance_app.rulebase.models import Citation, RulesetMeta

TITLE = "ITAR/EAR self-assessment"
TOOL = "ITAR/EAR self-assessment tool (compliance-app)"


class ReportStory:
    """Builds the story (list of flowables) of one report."""

    def __init__(
        self,
        meta: RulesetMeta,
        answers: AnswersFile,
        evaluation: Evaluation,
        generated_at: dt.datetime,
        lang: str,
        regular: str,
        bold: str,
        review: Review | None = None,
    ) -> None:
        self.meta = meta
        self.review = review
        self.for_signature = False
        """True when the reviewed PDF is about to be signed (see ``build_pdf``)."""
        self.answers = answers
        self.ev = evaluation
        self.generated_at = generated_at
        self.lang = lang
        self.text = TextSanitizer()
        self.st = styles(regular, bold)
        self.rid = report_id(answers, evaluation)
        # step id -> question number in the appendix, for the "Why" lines
        self.qnum = {t.step_id: i for i, t in enumerate(evaluation.trail, start=1)}
        self.answer_of = {t.step_id: t.answer_text for t in evaluation.trail}
        self.about_of = {t.step_id: t.about for t in evaluation.trail}
        self.findings_by_code = {f.code: f for f in evaluation.findings}
        self.finding_titles = {f.code: f.title for f in evaluation.findings}
        self.entry_names = deal_section.entry_names(self)
        self._note_at = 0

    # small helpers -------------------------------------------------------------------------
    def p(self, markup: str, style: str = "body", **kw: object) -> Paragraph:
        return WrapOnceParagraph(markup, self.st[style], **kw)

    def t(self, text: object) -> str:
        """Escaped markup for any text that is not a literal of this module."""
        return self.text.markup(text)

    def field(self, label: str, value: object) -> Paragraph:
        shown = self.t(value) if str(value or "").strip() else "<i>(not given)</i>"
        return self.p(f"<b>{label}:</b> {shown}", "field")

    def long_text(self, text: object, style: str) -> list[Flowable]:
        pieces, dropped = self.text.chunks(text)
        out: list[Flowable] = [self.p(piece, style) if piece else Spacer(1, 4) for piece in pieces]
        if dropped:
            out.append(
                self.p(
                    f"<i>[{dropped:,} more characters not printed; the answers file keeps "
                    "the full text.]</i>",
                    style,
                )
            )
        return out

    def citation(self, c: Citation) -> Paragraph:
        """Citation text linked to its URL, then its title; "(to verify)" unless confirmed.

        Only ``https://`` URLs become links (the catalogue allows nothing else); the URL is
        percent-encoded where needed and escaped as an attribute value.
        """
        verify = "" if c.confidence == "confirmed" else " <b>(to verify)</b>"
        label = self.t(c.citation)
        if c.url.startswith("https://"):
            label = f'<a href="{url_attr(c.url)}" color="{LINK}"><u>{label}</u></a>'
        return self.p(f"{label} — {self.t(c.title)}{verify}", "ref")

    @property
    def deal(self) -> bool:
        """True for a deal's evaluation (several items, destinations, groups: issue 10)."""
        return deal_section.is_deal(self)

    def about(self, about: str) -> Paragraph:
        """The "About:" line of a finding, open question or answer ("" = the whole deal)."""
        shown = self.t(about) if about else deal_section.WHOLE_DEAL
        return self.p(f"<b>About:</b> {shown}", "small")

    # sections ------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        cover = self.cover()
        rest = deal_section.overview(self) + deal_section.matrix(self) if self.deal else []
        rest += self.open_questions() + self.findings() + worksheet_section.section(self)
        rest += coverage_section.section(self)
        if self.answers.screening is not None:
            rest += report_screening.section(self, self.answers.screening, self.review)
        if self.review is not None:
            rest += report_review.section(self, self.review)
        rest += trail_section.appendix(self)
        note = self.text.note()
        if note:  # known only once every text has been through the sanitizer
            cover.insert(self._note_at, self.p(f"<b>Note:</b> {note}", "warn"))
        return cover + rest

    def cover(self) -> list[Flowable]:
        c = self.answers.company
        meta = self.meta
        out: list[Flowable] = [self.p(TITLE, "title")]
        out.append(self.field("Company", c.name))
        out.append(self.field("Assessment", c.assessment_title))
        out.append(self.field("Country", _country(c.country)))
        if c.contact.strip():
            out.append(self.field("Contact", c.contact))
        out.append(self.field("Generated", _when(self.generated_at)))
        out.append(self.field("Report id", self.rid))
        out.append(
            self.field(
                "Rule base", f"{meta.id} version {meta.version} ({meta.title.get(self.lang)})"
            )
        )
        out.append(self.field("Regulations as of", meta.regulations_as_of.isoformat()))
        if self.ev.countries_as_of:
            out.append(self.field("Country lists as of", self.ev.countries_as_of))
        if self.ev.evaluated_on:
            out.append(self.field("Dated country data evaluated on", self.ev.evaluated_on))
        out.append(self.field("Rule base last reviewed", meta.last_reviewed.isoformat()))
        ref = self.answers.ruleset
        if (ref.id, ref.version) != (meta.id, meta.version):
            out.append(self.field("Answers saved with", f"{ref.id} version {ref.version}"))
        if self.review is not None:
            out.append(report_review.cover_field(self, self.review))
        if self.answers.screening is not None:
            out.append(self.field("Screening", report_screening.summary(self.answers.screening)))
        out.append(Spacer(1, 10))
        out.extend(deal_section.headline(self))
        out.append(self.result_box())
        out.append(Spacer(1, 8))
        calculations = deal_section.calculations(self) if self.deal else self.ev.calculations
        if len(calculations) > 3 and self.deal:
            out.append(
                self.p(
                    f"The result rests on {len(calculations)} de minimis calculations, one per "
                    "item and destination: see the results per item, destination and group."
                )
            )
        elif calculations:
            out.append(self.p("Calculations the result rests on", "label"))
            out.extend(self.p(self.t(c), "check", bulletText="•") for c in calculations)
        if not self.ev.complete:
            pending = self.ev.pending_step
            out.append(
                self.p(
                    "This assessment is incomplete: it stopped at question "
                    f"{deal_section.step_ref(self, pending) if pending else '(unknown)'}, which "
                    "still needs an answer. The result and the findings "
                    "below are provisional.",
                    "warn",
                )
            )
        n = len(self.ev.open_questions)
        if n:
            out.append(
                self.p(
                    f"<b>{n} open question{'s' if n != 1 else ''}</b> must be answered before this "
                    "result can be relied on (see Open questions for your adviser)."
                )
            )
        self._note_at = len(out)
        out.append(Spacer(1, 6))
        out.append(self.p("<b>Disclaimer</b>", "label"))
        out.append(self.p(self.t(meta.disclaimer.get(self.lang)), "disclaimer"))
        return out

    def result_box(self) -> Table:
        j_label, j_text = JURISDICTION[self.ev.jurisdiction]
        a_label, a_text = AUTHORIZATION[self.ev.us_authorization_needed]
        if len({r.jurisdiction for r in self.ev.matrix}) > 1:  # a deal whose parts differ
            j_text += " " + PARTS_DIFFER
        rows = [
            [self.p("<b>Jurisdiction</b>", "box"), self.p(f"<b>{j_label}</b>. {j_text}", "box")],
            [
                self.p("<b>US authorisation needed</b>", "box"),
                self.p(f"<b>{a_label}</b>. {a_text}", "box"),
            ],
        ]
        table = Table(rows, colWidths=[170, A4[0] - MARGINS[0] - MARGINS[1] - 170 - 12])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.st["box"].fontName, 10),
                    ("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#1f2937")),
                    ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9ca3af")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return table

    def open_questions(self) -> list[Flowable]:
        out: list[Flowable] = [CondPageBreak(120), self.p("Open questions for your adviser", "h1")]
        qs = self.ev.open_questions
        if not qs:
            out.append(
                self.p('There are no open questions: no answer that matters was "I don\'t know".')
            )
            return out
        out.append(
            self.p(
                "The result above holds only once these questions are answered. "
                "Take them to your export-control adviser or to the person named."
            )
        )
        review = self.review
        for i, q in enumerate(qs, start=1):
            num = self.qnum.get(q.step_id)
            where = f" (question {num} in the appendix)" if num else ""
            block = [
                self.p(f"{i}. {self.t(q.question)}", "h2"),
                *([self.about(q.about)] if self.deal else []),
                self.p(
                    f"<b>Why it matters:</b> {self.t(q.why)} It decides "
                    f"{BLOCKS.get(q.blocks, self.t(q.blocks))}{where}."
                ),
                self.p(f"<b>Who can answer:</b> {self.t(q.who)}"),
                self.p(f"<b>Document that settles it:</b> {self.t(q.document)}"),
                *(report_review.question_inline(self, self.review, q.step_id) if review else []),
            ]
            out.append(KeepTogether(block))
        return out

    def findings(self) -> list[Flowable]:
        out: list[Flowable] = [CondPageBreak(150), self.p("Findings", "h1")]
        if not self.ev.findings:
            out.append(self.p("No findings."))
            return out
        out.append(
            self.p(
                "Ordered by severity, most severe first. Tick the next steps as you complete them."
            )
        )
        for f in self.ev.findings:
            out.extend(self.finding(f))
        return out

    def finding(self, f: FindingResult) -> list[Flowable]:
        label, color = SEVERITY.get(f.severity, (f.severity.upper(), "#000000"))
        advisory = " <font size=8 color='#4b5563'>(advisory)</font>" if f.advisory else ""
        out: list[Flowable] = [
            CondPageBreak(90),
            self.p(
                f'<font color="{color}">[{self.t(label)}]</font> {self.t(f.code)} — '
                f"{self.t(f.title)}{advisory}",
                "h2",
            ),
            *(report_review.inline(self, self.review, f.code) if self.review else []),
            *([self.about("; ".join(f.about))] if self.deal else []),
            self.p(self.t(f.explanation)),
        ]
        if f.countries:  # the countries the finding is about (e.g. staff nationalities)
            names = ", ".join(f"{country_name(c)} ({c})" for c in f.countries)
            out.append(self.p(f"<b>Countries concerned:</b> {self.t(names)}"))
        steps = list(f.next_steps)
        for firing in f.fired_by:
            if firing.next_step and firing.next_step not in steps:
                steps.append(firing.next_step)
        if steps:
            out.append(self.p("Next steps", "label"))
            out.extend(self.p(self.t(s), "check", bulletText="\u2610") for s in steps)
        cites = _unique(list(f.citations) + [c for fb in f.fired_by for c in fb.citations])
        if cites:
            out.append(self.p("References", "label"))
            out.extend(self.citation(c) for c in cites)
        for fb in f.fired_by:
            steps_read = (
                "; ".join(
                    deal_section.step_ref(self, s)
                    + (
                        f" = \u201c{self.t(_short(self.answer_of[s]))}\u201d"
                        if s in self.answer_of
                        else ""
                    )
                    for s in fb.steps
                )
                or "(no answers)"
            )
            out.append(
                self.p(
                    f"<b>Why:</b> rule {self.t(fb.rule_id)} ({self.t(fb.rule_title)}) "
                    f"fired on answers to: {steps_read}",
                    "small",
                )
            )
        if f.derived:
            out.append(self.p(f"<b>Why:</b> added by the assessment: {self.t(f.derived)}", "small"))
        out.append(Spacer(1, 4))
        return out


def _short(text: str, limit: int = 120) -> str:
    """The first ``limit`` characters of an answer, for the "Why" lines."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _unique(cites: list[Citation]) -> list[Citation]:
    seen: set[str] = set()
    out = []
    for c in cites:
        if c.id not in seen:
            seen.add(c.id)
            out.append(c)
    return out


def _country(code: str) -> str:
    code = code.strip()
    if not code:
        return ""
    try:
        found = pycountry.countries.get(alpha_2=code.upper())
    except (KeyError, LookupError):
        found = None
    return f"{code} ({found.name})" if found else code


def _when(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M")
