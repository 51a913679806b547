"""The PDF report of one assessment (ReportLab Platypus).

Public API: :func:`build_pdf` and :func:`report_id`. Layout, in the order of the decision map
(section 3.4): a first page with the company, the rule base and its dates, the overall result
(jurisdiction and US authorisation) and the disclaimer; the open questions for the adviser;
the findings; an appendix with every question asked and its answer. Every page carries the
short disclaimer and "Page x of y".

All text that is not a literal of this module (company details, answers, but also rule-base
texts such as "R&D") is data: it is escaped before it becomes ``Paragraph`` markup, and
characters that the bundled font cannot draw are shown as ``[U+XXXX]`` with a note
(:mod:`compliance_app.report.text`, pitfalls R1 and R2).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata

from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    SimpleDocTemplate,
)

from compliance_app.dossier import transport
from compliance_app.dossier.answers import AnswersFile
from compliance_app.dossier.review import Review
from compliance_app.engine.results import Evaluation
from compliance_app.report import attach as report_attach
from compliance_app.report import pdfa
from compliance_app.report.canvas import SHORT_DISCLAIMER, NumberedCanvas
from compliance_app.report.ids import report_id
from compliance_app.report.sections import TITLE, TOOL, ReportStory, _when
from compliance_app.report.style import (
    MARGINS,
)
from compliance_app.report.text import register_fonts
from compliance_app.rulebase.models import LANGS, RulesetMeta

__all__ = ["INVARIANT_DATE", "build_pdf", "report_id"]

INVARIANT_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""Date printed in invariant mode when no ``generated_at`` is given (matches ReportLab's)."""


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
    for_signature: bool = False,
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

    ``review``: an adviser's review (:mod:`compliance_app.dossier.review`). The reviewed report
    adds a
    line on the first page, an "Adviser review" section after the findings (each finding's
    status and comment, general comments, extra next steps, sign-off) and a "Change log";
    the answers and findings are printed exactly as without a review.

    ``for_signature``: the reviewed PDF is about to be signed by the adviser (PAdES,
    :mod:`compliance_app.dossier.signing`): its sign-off block says that the signature of the
    PDF is the adviser's; otherwise a signed-off review is printed as "not digitally signed".

    The PDF is PDF/A-3B (:mod:`compliance_app.report.pdfa`). Attachments
    (:mod:`compliance_app.dossier.transport`), also its PDF/A-3 associated files: the PDF
    carries ``answers.yaml`` (the answers file as ``answers.dump`` writes it), ``review.yaml``
    when reviewed, ``ruleset.json`` (rule base id, version, SHA-256 of its snapshot), and
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
    builder = ReportStory(meta, answers, evaluation, generated_at, lang, regular, bold, review)
    builder.for_signature = for_signature
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
        attachment_date=generated_at.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%SZ"),
    )
    doc.build(story, canvasmaker=canvasmaker)
    pdf = pdfa.to_pdfa3(buffer.getvalue(), modified=generated_at.astimezone(dt.UTC))
    return transport.seal(pdf, seal_key)


def _meta_text(s: str) -> str:
    """Metadata strings: any Unicode is fine there, but no control characters or surrogates."""
    return "".join(
        "\ufffd" if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in s.replace("\n", " ")
    )
