"""Tests of the PDF report (compliance_app.report.builder), checked through pypdf.

Fixtures are built directly from the result models (the engine is written in parallel); the
helper :func:`make_evaluation` gives a realistic case: five findings of several severities,
two open questions and a trail of fifteen questions.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pytest

from compliance_app.dossier.answers import AnswersFile, Company, RulesetRef
from compliance_app.engine.results import (
    Evaluation,
    FindingResult,
    Firing,
    OpenQuestion,
    TrailEntry,
)
from compliance_app.report.builder import build_pdf, report_id
from compliance_app.rulebase.models import Citation, RulesetMeta

ROOT = Path(__file__).resolve().parent.parent
CHECKED = dt.date(2026, 10, 1)


# --- fixtures ---------------------------------------------------------------------------------
def cite(cid: str, citation: str, title: str, confidence: str = "confirmed") -> Citation:
    return Citation(
        id=cid,
        citation=citation,
        title=title,
        url=f"https://www.ecfr.gov/current/{cid}",
        confidence=confidence,
        checked=CHECKED,
    )


C_120_11 = cite("22cfr120.11", "22 CFR 120.11", "Order of review")
C_123_9 = cite("22cfr123.9", "22 CFR 123.9(a)", "Country of ultimate destination", "secondary")
C_734_4 = cite("15cfr734.4", "15 CFR 734.4", "De minimis U.S. content")
C_XV = cite("usml.xv", "USML Cat. XV note", "Spacecraft note", "unconfirmed")
C_126_1 = cite("22cfr126.1", "22 CFR 126.1", "Prohibited exports, imports, and sales")


def make_meta(**overrides: object) -> RulesetMeta:
    data: dict[str, object] = {
        "id": "itar_ear_selfassessment",
        "title": "ITAR/EAR self-assessment for space SMEs",
        "version": "1.2.0",
        "regulations_as_of": dt.date(2026, 9, 15),
        "last_reviewed": dt.date(2026, 10, 20),
        "start": "m1_country",
        "modules": ["m1", "m3", "m4", "m5", "m8"],
        "de_minimis": {
            "content_step": "m5_content",
            "destination_step": "m5_destination",
            "us_value_step": "m5_us_value",
            "total_value_step": "m5_total_value",
        },
        "deal": {
            "items": "m2_items",
            "destinations": "m2_destinations",
            "groups": "m7_groups",
            "home_country": "m1_country",
            "bom_content_step": "m4_content_kinds",
            "bom_us_value_step": "m5_us_value",
        },
        "disclaimer": {
            "en": "This self-assessment is guidance only and not legal advice. R&D teams: "
            "confirm every result with a qualified export-control adviser.",
            "fr": "Cette auto-évaluation est un guide et non un avis juridique.",
        },
    }
    data.update(overrides)
    return RulesetMeta.model_validate(data)


def make_answers(company: Company | None = None, **answers: object) -> AnswersFile:
    base: dict[str, object] = {
        "m1_country": "LU",
        "m3_us_parts": "yes",
        "m4_jurisdiction": "idk",
        "m5_us_value": 12000.0,
        "m8_destination": ["CN", "FR"],
        "m2_notes_old": "an answer from an earlier path",
    }
    base.update(answers)
    return AnswersFile(
        ruleset=RulesetRef(id="itar_ear_selfassessment", version="1.2.0"),
        company=company
        or Company(
            name="LU-Alpha S.A.",
            country="LU",
            contact="compliance@lu-alpha.example",
            assessment_title="Star tracker sale to CN",
        ),
        answers=base,  # type: ignore[arg-type]
    )


TRAIL_QUESTIONS = [
    ("m1_country", "m1", "Where is your company established?", "LU", "Luxembourg"),
    ("m1_us_owned", "m1", "Is your company owned or controlled by a US person?", "no", "No"),
    ("m1_us_persons", "m1", "Do US persons work for your company?", "no", "No"),
    ("m2_activity", "m2", "What does your company do?", ["sell_own_product"], "Sell own product"),
    ("m3_us_parts", "m3", "Does your product contain US-origin parts?", "yes", "Yes"),
    ("m3_us_data", "m3", "Did you use US technical data?", "no", "No"),
    ("m3_us_software", "m3", "Does your product contain US software?", "no", "No"),
    (
        "m4_jurisdiction",
        "m4",
        "What do the documents say about jurisdiction?",
        "idk",
        "I don't know",
    ),
    ("m4_doubt", "m4", "Is there any reason to doubt that statement?", "no", "No"),
    ("m4_built_in", "m4", "Is the ITAR item built into your product?", "yes", "Yes"),
    ("m5_content", "m5", "Which US content is in the product?", "9a515x", "9A515.x parts"),
    ("m5_us_value", "m5", "Value of the US-origin content?", 12000.0, "12,000 EUR"),
    ("m5_total_value", "m5", "Total value of the product?", "idk", "I don't know"),
    ("m8_destination", "m8", "Where will the product go?", ["CN", "FR"], "China, France"),
    ("m8_notes", "m8", "Anything else about the end user?", "Launch provider", "Launch provider"),
]


def make_trail(extra: list[TrailEntry] | None = None) -> list[TrailEntry]:
    out = []
    for step_id, module, question, answer, text in TRAIL_QUESTIONS:
        out.append(
            TrailEntry(
                step_id=step_id,
                module_id=module,
                question=question,
                answer=answer,
                answer_text=text,
                unknown=answer == "idk",
                citations=[C_120_11] if module == "m4" else [],
            )
        )
    return out + (extra or [])


def make_findings() -> list[FindingResult]:
    return [
        FindingResult(
            code="PROSCRIBED_126_1",
            title="Destination proscribed under 22 CFR 126.1",
            severity="critical",
            advisory=False,
            explanation="China is a proscribed destination for defense articles.",
            next_steps=["Stop the shipment.", "Call your adviser today."],
            citations=[C_126_1],
            fired_by=[
                Firing(
                    rule_id="L8.1",
                    rule_title="ITAR item to a 126.1 country",
                    module_id="m8",
                    steps=["m8_destination", "m4_built_in"],
                    next_step="Notify DDTC under 126.1(e) if a sale was proposed.",
                    citations=[C_126_1],
                    countries=["CN"],
                    groups=["ITAR_126_1"],
                )
            ],
            countries=["CN"],
            groups=["ITAR_126_1"],
        ),
        FindingResult(
            code="ITAR_SEE_THROUGH",
            title="ITAR part built into your product",
            severity="high",
            advisory=False,
            explanation="A defense article built into a non-USML item stays ITAR-controlled.",
            next_steps=["Treat every sale as a retransfer of the ITAR part."],
            citations=[C_120_11, C_123_9],
            fired_by=[
                Firing(
                    rule_id="L4.2",
                    rule_title="ITAR item built in",
                    module_id="m4",
                    steps=["m4_built_in"],
                    next_step=None,
                    citations=[C_XV],
                )
            ],
        ),
        FindingResult(
            code="SUBJECT_EAR_NO_DE_MINIMIS_D5",
            title="Subject to the EAR: no de minimis for D:5",
            severity="medium",
            advisory=False,
            explanation="9x515 content has no de minimis level for D:5 destinations.",
            next_steps=["Apply for a BIS licence."],
            citations=[C_734_4],
            fired_by=[
                Firing(
                    rule_id="L5.10",
                    rule_title="9x515 content to D:5",
                    module_id="m5",
                    steps=["m5_content", "m8_destination"],
                    next_step="Apply for a BIS licence.",
                    citations=[],
                )
            ],
        ),
        FindingResult(
            code="OPEN_QUESTION_ADVISER",
            title="Open questions for your adviser",
            severity="low",
            advisory=True,
            explanation='Some answers were "I don\'t know".',
            next_steps=[],
            citations=[],
            fired_by=[],
            derived="collects every open question of this assessment",
        ),
        FindingResult(
            code="KEEP_RECORDS",
            title="Keep records for five years",
            severity="info",
            advisory=True,
            explanation="Keep the parts list and the classification evidence.",
            next_steps=["File the supplier statements."],
            citations=[],
            fired_by=[],
            derived="added to every assessment",
        ),
    ]


def make_open_questions() -> list[OpenQuestion]:
    return [
        OpenQuestion(
            step_id="m4_jurisdiction",
            question="What do the documents say about jurisdiction?",
            blocks="jurisdiction",
            why="Without it the part may be ITAR or EAR.",
            who="Your US supplier",
            document="Written jurisdiction statement or CJ determination",
        ),
        OpenQuestion(
            step_id="m5_total_value",
            question="Total value of the product?",
            blocks="authorization",
            why="The de minimis percentage needs the total value.",
            who="Your finance team",
            document="Price list or invoice",
        ),
    ]


def make_evaluation(**overrides: object) -> Evaluation:
    """A realistic evaluation: 5 findings, 2 open questions, a trail of 15 entries."""
    trail = overrides.pop("trail", None) or make_trail()
    data: dict[str, object] = {
        "ruleset_id": "itar_ear_selfassessment",
        "ruleset_version": "1.2.0",
        "regulations_as_of": "2026-09-15",
        "countries_as_of": "2026-09-01",
        "complete": True,
        "pending_step": None,
        "path": [t.step_id for t in trail],  # type: ignore[attr-defined]
        "trail": trail,
        "findings": make_findings(),
        "open_questions": make_open_questions(),
        "jurisdiction": "mixed",
        "us_authorization_needed": "yes",
        "unused_answers": ["m2_notes_old"],
        "fired_rules": ["L4.2", "L5.10", "L8.1"],
        "calculations": ["US content 12.0 % of 100,000 EUR; de minimis level 25 % (15 CFR 734.4)."],
    }
    data.update(overrides)
    return Evaluation.model_validate(data)


def build(
    answers: AnswersFile | None = None, evaluation: Evaluation | None = None, **kw: object
) -> bytes:
    return build_pdf(
        make_meta(),
        answers or make_answers(),
        evaluation or make_evaluation(),
        invariant=True,
        **kw,  # type: ignore[arg-type]
    )


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def body_texts(pdf: bytes) -> list[str]:
    """Page texts without the running header and footer (so text flows across pages)."""
    texts = pages_text(pdf)
    out = []
    for n, text in enumerate(texts, start=1):
        for furniture in (
            f"Page {n} of {len(texts)}",
            "Guidance only — not legal advice. Check with an export-control adviser.",
            "ITAR/EAR self-assessment — LU-Alpha S.A.",
            report_id(make_answers(), make_evaluation()),
        ):
            text = text.replace(furniture, "", 1)
        out.append(text)
    return out


def flat(text: str) -> str:
    """Text with line wrapping undone: all whitespace runs become one space."""
    return " ".join(text.split())


def nospace(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return build()


@pytest.fixture(scope="module")
def sample_text(sample_pdf: bytes) -> str:
    return flat("\n".join(pages_text(sample_pdf)))


# --- report id ----------------------------------------------------------------------------------
def test_report_id_is_deterministic_and_short() -> None:
    rid = report_id(make_answers(), make_evaluation())
    assert re.fullmatch(r"R-[0-9a-f]{12}", rid)
    assert rid == report_id(make_answers(), make_evaluation())


def test_report_id_changes_with_the_answers_and_the_rule_base() -> None:
    rid = report_id(make_answers(), make_evaluation())
    assert report_id(make_answers(m1_country="DE"), make_evaluation()) != rid
    other = make_evaluation(ruleset_version="1.3.0")
    assert report_id(make_answers(), other) != rid


# --- first page ------------------------------------------------------------------------------
def test_first_page_shows_company_rule_base_dates_and_result(sample_pdf: bytes) -> None:
    first = flat(pages_text(sample_pdf)[0])
    for expected in [
        "ITAR/EAR self-assessment",
        "LU-Alpha S.A.",
        "Star tracker sale to CN",
        "LU (Luxembourg)",
        "Generated: 2000-01-01 00:00 UTC",
        "Report id: " + report_id(make_answers(), make_evaluation()),
        "itar_ear_selfassessment version 1.2.0",
        "Regulations as of: 2026-09-15",
        "Country lists as of: 2026-09-01",
        "Rule base last reviewed: 2026-10-20",
        "Jurisdiction",
        "Mixed (ITAR and EAR)",
        "US authorisation needed",
        "Yes. A US licence, agreement or other authorisation is required",
        "2 open questions must be answered",
        "Calculations the result rests on • US content 12.0 % of 100,000 EUR",
        "R&D teams: confirm every result",  # disclaimer, escaped
    ]:
        assert expected in first, expected
    assert "incomplete" not in first


def test_generated_at_is_printed_in_utc() -> None:
    when = dt.datetime(2026, 11, 29, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    first = flat(pages_text(build(generated_at=when))[0])
    assert "Generated: 2026-11-29 14:30 UTC" in first


@pytest.mark.parametrize(
    ("jurisdiction", "sentence"),
    [
        ("ITAR", "subject to the ITAR"),
        ("EAR", "listed on the Commerce Control List"),
        ("EAR99", "not listed on the Commerce Control List"),
        ("not_subject", "nothing in this case is subject to the ITAR or the EAR"),
        ("mixed", "parts to the EAR"),
        ("undetermined", "cannot be decided until the open questions"),
    ],
)
def test_every_jurisdiction_has_a_plain_sentence(jurisdiction: str, sentence: str) -> None:
    first = flat(pages_text(build(evaluation=make_evaluation(jurisdiction=jurisdiction)))[0])
    assert sentence in first


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        ("yes", "Yes. A US licence"),
        ("no", "No. On the facts given, no US authorisation is needed."),
        ("likely", "Likely. A US authorisation is probably needed"),
        ("depends", "Depends. Whether a US authorisation is needed turns on"),
        ("undetermined", "Undetermined. A decisive fact is unknown"),
    ],
)
def test_every_authorisation_value_has_a_plain_sentence(value: str, sentence: str) -> None:
    ev = make_evaluation(us_authorization_needed=value)
    assert sentence in flat(pages_text(build(evaluation=ev))[0])


def test_incomplete_assessment_is_flagged_on_the_first_page() -> None:
    ev = make_evaluation(complete=False, pending_step="m5_total_value")
    first = flat(pages_text(build(evaluation=ev))[0])
    assert "This assessment is incomplete: it stopped at question m5_total_value" in first
    assert "provisional" in first


# --- open questions and findings --------------------------------------------------------------
def test_open_questions_come_before_findings_with_why_who_document(sample_text: str) -> None:
    oq = sample_text.index("Open questions for your adviser")
    findings = sample_text.index("Findings Ordered by severity")
    assert oq < findings
    section = sample_text[oq:findings]
    assert "The result above holds only once these questions are answered" in section
    for q in make_open_questions():
        for part in (q.question, q.why, q.who, q.document):
            assert part in section, part
    assert "(question 8 in the appendix)" in section


def test_no_open_questions_says_so() -> None:
    text = flat("\n".join(pages_text(build(evaluation=make_evaluation(open_questions=[])))))
    assert "There are no open questions" in text
    assert "must be answered before" not in text


def test_findings_in_given_order_with_severity_code_title(sample_text: str) -> None:
    start = sample_text.index("Findings Ordered by severity")
    positions = [sample_text.index(f"{f.code} — {f.title}", start) for f in make_findings()]
    assert positions == sorted(positions)
    for label, f in zip(
        ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"], make_findings(), strict=True
    ):
        assert f"[{label}] {f.code}" in sample_text
        assert f.explanation in sample_text


def test_a_finding_names_the_countries_it_is_about(sample_text: str) -> None:
    start = sample_text.index("PROSCRIBED_126_1 — ")
    assert "Countries concerned: China (CN)" in sample_text[start : start + 400]
    assert sample_text.count("Countries concerned:") == 1  # only findings about countries


def test_next_steps_are_a_checklist_including_the_rules_next_step(sample_text: str) -> None:
    assert "☐ Stop the shipment." in sample_text
    assert "☐ Call your adviser today." in sample_text
    assert "☐ Notify DDTC under 126.1(e) if a sale was proposed." in sample_text
    # a rule's next step equal to a catalogue next step is listed once
    assert sample_text.count("☐ Apply for a BIS licence.") == 1


def test_why_lines_trace_findings_to_rules_and_answers(sample_text: str) -> None:
    assert (
        "Why: rule L8.1 (ITAR item to a 126.1 country) fired on answers to: "
        "m8_destination (Q14) = \u201cChina, France\u201d; m4_built_in (Q10) = \u201cYes\u201d"
        in sample_text
    )
    assert (
        "Why: rule L5.10 (9x515 content to D:5) fired on answers to: "
        "m5_content (Q11) = \u201c9A515.x parts\u201d" in sample_text
    )
    assert "Why: added by the assessment: collects every open question" in sample_text


def test_references_mark_unconfirmed_citations(sample_text: str) -> None:
    assert "22 CFR 126.1 — Prohibited exports, imports, and sales" in sample_text
    assert "22 CFR 123.9(a) — Country of ultimate destination (to verify)" in sample_text
    assert "USML Cat. XV note — Spacecraft note (to verify)" in sample_text
    assert "22 CFR 120.11 — Order of review (to verify)" not in sample_text


def test_citation_urls_are_link_annotations(sample_pdf: bytes) -> None:
    uris = set()
    for page in reader(sample_pdf).pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            if obj.get("/Subtype") == "/Link" and "/A" in obj:
                uris.add(obj["/A"].get("/URI"))
    for c in (C_120_11, C_123_9, C_734_4, C_XV, C_126_1):
        assert c.url in uris


# --- appendix -----------------------------------------------------------------------------------
def test_appendix_lists_every_question_and_answer(sample_text: str) -> None:
    appendix = sample_text[sample_text.index("Appendix: questions and answers") :]
    for i, (step_id, _m, question, _a, answer_text) in enumerate(TRAIL_QUESTIONS, start=1):
        assert f"Q{i}. {question}" in appendix
        assert f"step {step_id}" in appendix
        assert answer_text in appendix
    assert appendix.count("I don't know — open question for the adviser") == 2
    assert "Rules that fired L4.2, L5.10, L8.1" in appendix
    assert "Answers not used" in appendix
    assert "m2_notes_old an answer from an earlier path" in appendix


def test_unknown_answers_are_highlighted(sample_pdf: bytes) -> None:
    # the highlight is a filled rectangle in the highlight colour (#fff3b0) behind the answer
    content = b"".join(
        page.get_contents().get_data()
        for page in reader(sample_pdf).pages[-2:]  # type: ignore[union-attr]
    )
    assert b"1 .952941 .690196 rg" in content


# --- every page ----------------------------------------------------------------------------
def test_every_page_has_disclaimer_and_page_x_of_n(sample_pdf: bytes) -> None:
    texts = pages_text(sample_pdf)
    assert len(texts) >= 3
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {len(texts)}" in text
        assert "Guidance only — not legal advice. Check with an export-control adviser." in text


def test_metadata_and_language(sample_pdf: bytes) -> None:
    r = reader(sample_pdf)
    assert r.metadata is not None
    assert r.metadata.title == "ITAR/EAR self-assessment: Star tracker sale to CN"
    assert r.metadata.subject == "ITAR/EAR self-assessment for LU-Alpha S.A."
    assert r.metadata.author and "compliance-app" in r.metadata.author
    assert r.metadata.creator and "itar_ear_selfassessment 1.2.0" in r.metadata.creator
    assert r.trailer["/Root"]["/Lang"] == "en"


def test_french_selects_the_french_disclaimer_and_lang() -> None:
    pdf = build(lang="fr")
    assert reader(pdf).trailer["/Root"]["/Lang"] == "fr"
    assert "Cette auto-évaluation est un guide" in flat(pages_text(pdf)[0])


def test_bad_language_and_mismatched_rule_base_raise() -> None:
    with pytest.raises(ValueError, match="unsupported report language"):
        build(lang="de")
    with pytest.raises(ValueError, match="rule base"):
        build(evaluation=make_evaluation(ruleset_version="9.9.9"))


# --- robustness -------------------------------------------------------------------------------
def _text_entry(step_id: str, text: str) -> TrailEntry:
    return TrailEntry(
        step_id=step_id,
        module_id="m8",
        question="Describe the end use.",
        answer=text,
        answer_text=text,
        unknown=False,
        citations=[],
    )


def test_a_20000_character_word_is_printed_in_full() -> None:
    word = "".join(chr(ord("a") + i % 26) for i in range(20_000))
    ev = make_evaluation(trail=make_trail([_text_entry("m8_long", word)]))
    pdf = build(evaluation=ev)
    text = nospace("".join(body_texts(pdf)))
    assert word in text


def test_5000_lines_are_printed_and_split_across_pages() -> None:
    lines = [f"L{i:04d}" for i in range(5000)]  # 30,000 characters: under the print cap
    ev = make_evaluation(trail=make_trail([_text_entry("m8_lines", "\n".join(lines))]))
    pdf = build(evaluation=ev)
    texts = body_texts(pdf)
    assert len(texts) > 50
    printed = [ln.strip() for text in texts for ln in text.splitlines() if ln.strip()]
    start = printed.index("L0000")
    assert printed[start : start + 5000] == lines


def test_a_huge_answer_is_capped_with_a_note() -> None:
    huge = "z" * 60_000
    ev = make_evaluation(trail=make_trail([_text_entry("m8_huge", huge)]))
    text = flat("\n".join(pages_text(build(evaluation=ev))))
    assert "[10,000 more characters not printed; the answers file keeps the full text.]" in text


def test_empty_company_and_no_findings_still_build() -> None:
    ev = make_evaluation(findings=[], open_questions=[], trail=[], path=[], unused_answers=[])
    answers = make_answers(company=Company())
    pdf = build(answers, ev)
    text = flat("\n".join(pages_text(pdf)))
    assert "Company: (not given)" in text
    assert "No findings." in text
    assert reader(pdf).metadata.subject == "ITAR/EAR self-assessment"  # type: ignore[union-attr]


def test_non_invariant_build_uses_the_current_date() -> None:
    pdf = build_pdf(make_meta(), make_answers(), make_evaluation())
    first = flat(pages_text(pdf)[0])
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    assert f"Generated: {today}" in first


# --- with the real engine ---------------------------------------------------------------------
MINI = ROOT / "tests" / "fixtures" / "mini_rules"


@pytest.mark.skipif(not MINI.is_dir(), reason="the engine's fixture rule base is not there")
def test_engine_output_on_the_fixture_rule_base_is_reported() -> None:
    """The engine's own Evaluation (not a hand-made one) goes through build_pdf."""
    from compliance_app.engine.evaluation import evaluate
    from compliance_app.rulebase.loader import load_ruleset

    ruleset = load_ruleset(MINI)
    answers = {"q_country": "LU", "q_broker": "no", "q_note": "Ørsted & <Co>"}
    answers |= {"q_content": ["ear_9x515_ax"], "q_dest": "DE", "q_us_value": 12.0}
    answers |= {"q_total_value": "idk"}
    ev = evaluate(ruleset, answers)
    af = AnswersFile(
        ruleset=RulesetRef(id=ruleset.meta.id, version=ruleset.meta.version),
        company=Company(name="Mini & Co", country="DE"),
        answers=answers,  # type: ignore[arg-type]
    )
    pdf = build_pdf(ruleset.meta, af, ev, invariant=True)
    text = flat("\n".join(pages_text(pdf)))
    assert f"{ruleset.meta.id} version {ruleset.meta.version}" in text
    assert ev.findings and ev.trail
    for f in ev.findings:
        assert f"{f.code} — {f.title}" in text
    for i, entry in enumerate(ev.trail, start=1):
        assert f"Q{i}. {flat(entry.question)}" in text
        assert flat(entry.answer_text) in text
    for q in ev.open_questions:
        assert flat(q.why) in text
    for c in ev.calculations:
        assert flat(c) in text


# --- with the real rule base, once it exists -------------------------------------------------
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.skipif(not EXAMPLES, reason="no examples/*.yaml yet")
def test_examples_build_with_the_real_rule_base() -> None:
    from compliance_app.dossier import answers as answers_mod
    from compliance_app.engine.deal_results import evaluate_deal
    from compliance_app.rulebase.loader import load_ruleset

    ruleset = load_ruleset()
    for path in EXAMPLES:
        af = answers_mod.parse(path.read_bytes())
        ev = evaluate_deal(ruleset, af.answers)
        pdf = build_pdf(ruleset.meta, af, ev, invariant=True)
        text = flat("\n".join(pages_text(pdf)))
        assert f"{ruleset.meta.id} version {ruleset.meta.version}" in text, path.name
        for f in ev.findings:
            assert f.code in text, (path.name, f.code)
        for entry in ev.trail:
            assert flat(entry.question) in text, (path.name, entry.step_id)


def _uris(pdf: bytes) -> list[str]:
    return [
        str(a.get_object()["/A"]["/URI"])
        for page in reader(pdf).pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object()
    ]


def test_link_targets_are_escaped_attribute_values_and_stay_exact() -> None:
    odd = Citation(
        id="odd",
        citation="15 CFR 740.20",
        title='STA "strategic" <trade>',
        url='https://example.gov/x?a=1&b=2#p"q',
        confidence="confirmed",
        checked=CHECKED,
    )
    finding = make_findings()[0].model_copy(update={"citations": [odd], "fired_by": []})
    pdf = build(evaluation=make_evaluation(findings=[finding], trail=make_trail()))
    assert "https://example.gov/x?a=1&b=2#p%22q" in _uris(pdf)
    assert '15 CFR 740.20 — STA "strategic" <trade>' in flat("\n".join(pages_text(pdf)))


def test_a_long_company_name_is_cut_in_the_header_but_whole_on_the_first_page() -> None:
    name = "Very Long Company Name " * 12 + "END"
    pdf = build(answers=make_answers(company=Company(name=name, country="LU")))
    texts = pages_text(pdf)
    assert name in flat(texts[0])
    header = next(line for line in texts[1].splitlines() if line.startswith("ITAR/EAR self-a"))
    assert header.endswith("…") and "END" not in header
