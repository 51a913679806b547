"""The PDF report of one assessment (ReportLab Platypus).

Public API: :func:`build_pdf` and :func:`report_id`. Layout, in the order of the decision map
(section 3.4): a first page with the company, the rule base and its dates, the overall result
(jurisdiction and US authorisation) and the disclaimer; the open questions for the adviser;
the findings; an appendix with every question asked and its answer. Every page carries the
short disclaimer and "Page x of y".

All text that is not a literal of this module (company details, answers, but also rule-base
texts such as "R&D") is data: it is escaped before it becomes ``Paragraph`` markup, and
characters that the bundled font cannot draw are shown as ``[U+XXXX]`` with a note
(:mod:`compliance_app.report_text`, pitfalls R1 and R2).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import unicodedata

import pycountry
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from compliance_app import report_attach, report_review, transport
from compliance_app.answers import AnswersFile
from compliance_app.models import LANGS, Citation, RulesetMeta
from compliance_app.report_canvas import SHORT_DISCLAIMER, NumberedCanvas
from compliance_app.report_style import (
    AUTHORIZATION,
    BLOCKS,
    JURISDICTION,
    LINK,
    MARGINS,
    SEVERITY,
    styles,
)
from compliance_app.report_text import TextSanitizer, register_fonts, url_attr
from compliance_app.results import Evaluation, FindingResult, TrailEntry
from compliance_app.review import Review

TITLE = "ITAR/EAR self-assessment"
TOOL = "ITAR/EAR self-assessment tool (compliance-app)"
INVARIANT_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""Date printed in invariant mode when no ``generated_at`` is given (matches ReportLab's)."""


def report_id(answers: AnswersFile, evaluation: Evaluation) -> str:
    """A short, deterministic id for the report of these answers, e.g. ``R-3f9a0c1b2d4e``.

    It is the first 12 hex digits of the SHA-256 of the canonical JSON of the answers file
    (sorted keys, UTF-8) together with the rule base id and version of the evaluation, so the
    same answers evaluated by another rule base version get another id. Never raises.
    """
    canonical = {
        "answers": answers.model_dump(mode="json"),
        "ruleset": [evaluation.ruleset_id, evaluation.ruleset_version],
    }
    data = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
    return "R-" + digest[:12]


def build_pdf(
    meta: RulesetMeta,
    answers: AnswersFile,
    evaluation: Evaluation,
    *,
    generated_at: dt.datetime | None = None,
    invariant: bool = False,
    lang: str = "en",
    review: Review | None = None,
    seal_key: bytes | None = None,
) -> bytes:
    """Build the PDF report of one assessment and return its bytes.

    Inputs:

    * ``meta``: the rule base metadata (id, version, dates, disclaimer).
    * ``answers``: the answers file; only ``company`` and the raw answers of
      ``evaluation.unused_answers`` are printed from it. All of it is treated as untrusted
      text: printed exactly, never interpreted as markup.
    * ``evaluation``: the engine's result for these answers (path, trail, findings, open
      questions, jurisdiction, authorisation).
    * ``generated_at``: the date printed as "generated"; defaults to now (UTC), or to
      2000-01-01 in invariant mode. A timezone-aware value is printed in UTC.
    * ``invariant``: build in ReportLab's invariant mode (fixed creation date and document
      id), so that two builds of the same input give identical bytes. For tests.
    * ``lang``: ``"en"`` or ``"fr"``; selects the disclaimer text of the rule base and the
      ``/Lang`` entry of the PDF catalogue. The report's own labels are in English.

    Contents: first page (title, company, assessment title, country, contact, date, report
    id, rule base id/version, regulations-as-of and last-reviewed dates, result box with the
    jurisdiction and "US authorisation needed", the engine's calculations (e.g. de minimis),
    a warning when the assessment is incomplete, a note when characters had to be
    substituted, the disclaimer); open questions for the adviser; findings in the given
    order with severity, code, title, explanation, next steps as a checklist, references as
    links ("(to verify)" when not confirmed) and the rules that fired them; an appendix with
    every question asked, its answer ("I don't know" highlighted) and citations, the rules
    that fired, then the answers not used. Every page has a header, the short disclaimer and
    "Page x of y". Metadata: title, author, subject, creator and ``/Lang``.

    ``review``: an adviser's review (:mod:`compliance_app.review`). The reviewed report adds a
    line on the first page, an "Adviser review" section after the findings (each finding's
    status and comment, general comments, extra next steps, sign-off) and a "Change log";
    the answers and findings are printed exactly as without a review.

    Attachments (:mod:`compliance_app.transport`): the PDF carries ``answers.yaml`` (the
    answers file as ``answers.dump`` writes it), ``review.yaml`` when reviewed, and
    ``manifest.json`` (SHA-256 of each attachment, the result, and a seal over the whole PDF:
    SHA-256, or HMAC-SHA-256 with ``seal_key``). ``transport.read_upload`` reads them back.

    Free-text answers of any length are printed (at most 50,000 characters each, with a note
    saying how much was left out); a long word is broken across lines and pages.

    Raises ``ValueError`` if ``lang`` is not supported or if ``evaluation`` was produced by a
    different rule base (id or version) than ``meta``. User text never makes it raise.
    """
    if lang not in LANGS:
        raise ValueError(f"unsupported report language {lang!r}; expected one of {LANGS}")
    if (evaluation.ruleset_id, evaluation.ruleset_version) != (meta.id, meta.version):
        raise ValueError(
            f"the evaluation was made with rule base {evaluation.ruleset_id} "
            f"{evaluation.ruleset_version}, not {meta.id} {meta.version}"
        )
    if generated_at is None:
        generated_at = INVARIANT_DATE if invariant else dt.datetime.now(dt.UTC)
    regular, bold = register_fonts()
    builder = _Builder(meta, answers, evaluation, generated_at, lang, regular, bold, review)
    story = builder.story()

    company = answers.company.name.strip()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGINS[0],
        rightMargin=MARGINS[1],
        topMargin=MARGINS[2],
        bottomMargin=MARGINS[3],
        title=_meta_text(
            TITLE
            + (f": {answers.company.assessment_title}" if answers.company.assessment_title else "")
        ),
        author=TOOL,
        subject=_meta_text(f"{TITLE} for {company}" if company else TITLE),
        creator=_meta_text(f"{TOOL}, rule base {meta.id} {meta.version}"),
        keywords=["ITAR", "EAR", "export control", "self-assessment"],
        lang=lang,
        displayDocTitle=True,
        invariant=1 if invariant else 0,
        initialFontName=regular,
    )
    header_left = builder.text.plain(f"{TITLE} — {company}" if company else TITLE)
    canvasmaker = functools.partial(
        NumberedCanvas,
        header_left=header_left,
        header_right=builder.rid,
        footer=SHORT_DISCLAIMER,
        font=regular,
        bold_font=bold,
        margins=MARGINS,
        attachments=report_attach.report_attachments(
            answers,
            evaluation,
            report_id=builder.rid,
            generated_at=_when(generated_at),
            review=review,
            sealed_with_key=seal_key is not None,
        ),
    )
    doc.build(story, canvasmaker=canvasmaker)
    return transport.seal(buffer.getvalue(), seal_key)


def _meta_text(s: str) -> str:
    """Metadata strings: any Unicode is fine there, but no control characters or surrogates."""
    return "".join(
        "\ufffd" if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in s.replace("\n", " ")
    )


class _Paragraph(Paragraph):
    """A ``Paragraph`` that breaks its lines once per width.

    ``KeepTogether`` and the groups that ``keepWithNext`` styles make measure their content
    (``wrap``), then the frame wraps each paragraph again at the same width: over a third of
    all line breaking in a long report was this repeat. ``wrap`` only depends on the width
    (the style and text are fixed), so the second call returns the first one's result; a
    ``split`` (which may drop the broken lines) forgets it.
    """

    _wrap_memo: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        memo = self._wrap_memo
        if memo is not None and memo[0] == availWidth and hasattr(self, "blPara"):
            self.width, self.height = memo[1]
            return memo[1]
        size = super().wrap(availWidth, availHeight)
        normal = hasattr(self, "blPara") and size == (availWidth, self.height)
        self._wrap_memo = (availWidth, size) if normal else None
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self._wrap_memo = None
        return super().split(availWidth, availHeight)


class _Builder:
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
        self._note_at = 0

    # small helpers -------------------------------------------------------------------------
    def p(self, markup: str, style: str = "body", **kw: object) -> Paragraph:
        return _Paragraph(markup, self.st[style], **kw)

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

    # sections ------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        cover = self.cover()
        rest = self.open_questions() + self.findings()
        if self.review is not None:
            rest += report_review.section(self, self.review)
        rest += self.appendix()
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
        out.append(self.field("Rule base last reviewed", meta.last_reviewed.isoformat()))
        ref = self.answers.ruleset
        if (ref.id, ref.version) != (meta.id, meta.version):
            out.append(self.field("Answers saved with", f"{ref.id} version {ref.version}"))
        if self.review is not None:
            out.append(report_review.cover_field(self, self.review))
        out.append(Spacer(1, 10))
        out.append(self.result_box())
        out.append(Spacer(1, 8))
        calculations = self.ev.calculations
        if calculations:
            out.append(self.p("Calculations the result rests on", "label"))
            out.extend(self.p(self.t(c), "check", bulletText="•") for c in calculations)
        if not self.ev.complete:
            pending = self.ev.pending_step or "(unknown)"
            out.append(
                self.p(
                    "This assessment is incomplete: it stopped at question "
                    f"{self.t(pending)}, which still needs an answer. The result and the findings "
                    "below are provisional.",
                    "warn",
                )
            )
        n = len(self.ev.open_questions)
        if n:
            out.append(
                self.p(
                    f"<b>{n} open question{'s' if n != 1 else ''}</b> must be answered before this "
                    "result can be relied on (next section)."
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
        for i, q in enumerate(qs, start=1):
            num = self.qnum.get(q.step_id)
            where = f" (question {num} in the appendix)" if num else ""
            block = [
                self.p(f"{i}. {self.t(q.question)}", "h2"),
                self.p(
                    f"<b>Why it matters:</b> {self.t(q.why)} It decides "
                    f"{BLOCKS.get(q.blocks, self.t(q.blocks))}{where}."
                ),
                self.p(f"<b>Who can answer:</b> {self.t(q.who)}"),
                self.p(f"<b>Document that settles it:</b> {self.t(q.document)}"),
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
            self.p(self.t(f.explanation)),
        ]
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
                    self.t(s)
                    + (f" (Q{self.qnum[s]})" if s in self.qnum else "")
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

    def appendix(self) -> list[Flowable]:
        out: list[Flowable] = [PageBreak(), self.p("Appendix: questions and answers", "h1")]
        if not self.ev.trail:
            out.append(self.p("No question was answered."))
        out.append(
            self.p(
                "Every question asked on the path, in order, with the answer given. "
                'Answers "I don\'t know" are highlighted.',
                "small",
            )
        )
        for i, entry in enumerate(self.ev.trail, start=1):
            out.extend(self.trail_entry(i, entry))
        fired = self.ev.fired_rules
        if fired:
            out.append(self.p("Rules that fired", "h2"))
            out.append(self.p(self.t(", ".join(fired))))
        if self.ev.unused_answers:
            out.append(self.p("Answers not used", "h1"))
            out.append(
                self.p(
                    "These questions were answered but are no longer on the path "
                    "(an earlier answer changed). They are kept in the answers file "
                    "and did not affect the result.",
                    "small",
                )
            )
            for step_id in self.ev.unused_answers:
                value = self.answers.answers.get(step_id)
                if isinstance(value, list):
                    value = ", ".join(str(v) for v in value)
                out.append(self.p(f"<b>{self.t(step_id)}</b>", "label"))
                out.extend(self.long_text("" if value is None else value, "answer"))
        return out

    def trail_entry(self, i: int, entry: TrailEntry) -> list[Flowable]:
        head = [
            self.p(f"Q{i}. {self.t(entry.question)}", "label"),
            self.p(f"step {self.t(entry.step_id)} · module {self.t(entry.module_id)}", "small"),
        ]
        if entry.unknown:
            body: list[Flowable] = [
                self.p(
                    f"<b>Answer:</b> {self.t(entry.answer_text)} — open question for the adviser",
                    "unknown",
                )
            ]
        elif entry.answer is None:
            body = [self.p("<b>Answer:</b> <i>(not answered)</i>", "answer")]
        elif len(entry.answer_text) <= 500 and "\n" not in entry.answer_text:
            body = [self.p(f"<b>Answer:</b> {self.t(entry.answer_text)}", "answer")]
        else:
            body = [self.p("<b>Answer:</b>", "answer")]
            body.extend(self.long_text(entry.answer_text, "answer"))
        cites = [self.citation(c) for c in entry.citations]
        return [KeepTogether(head + body[:1]), *body[1:], *cites, Spacer(1, 3)]


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
