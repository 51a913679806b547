"""The ReportLab pitfalls R1-R3 of /work/shared/cases/pitfalls.md, one test (group) each.

R1: user text in a Paragraph is parsed as markup  -> printed exactly, never raises.
R2: the built-in fonts draw black boxes             -> Latin/Greek/Cyrillic in regular and
                                                       bold; visible substitutes otherwise.
R3: output is not byte-reproducible                 -> invariant mode gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_app.dossier.answers import AnswersFile, Company, RulesetRef
from compliance_app.engine.results import Evaluation, FindingResult, TrailEntry
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.models import RulesetMeta

ROOT = Path(__file__).resolve().parent.parent

META = RulesetMeta.model_validate(
    {
        "id": "itar_ear_selfassessment",
        "title": "ITAR/EAR self-assessment",
        "version": "1.0.0",
        "regulations_as_of": dt.date(2026, 9, 15),
        "last_reviewed": dt.date(2026, 10, 20),
        "start": "m1_country",
        "modules": ["m1"],
        "de_minimis": {
            "content_step": "a",
            "destination_step": "b",
            "us_value_step": "c",
            "total_value_step": "d",
        },
        "deal": {
            "items": "m2_items",
            "destinations": "m2_destinations",
            "groups": "m7_groups",
            "home_country": "m1_country",
            "bom_content_step": "m4_content_kinds",
            "bom_us_value_step": "m5_us_value",
        },
        "disclaimer": "Guidance only.",
    }
)


def _answers(
    name: str = "ACME", title: str = "Check", contact: str = "", **ans: str
) -> AnswersFile:
    return AnswersFile(
        ruleset=RulesetRef(id="itar_ear_selfassessment", version="1.0.0"),
        company=Company(name=name, country="LU", contact=contact, assessment_title=title),
        answers=dict(ans),
    )


def _evaluation(texts: list[str], *, bold_texts: list[str] | None = None) -> Evaluation:
    """A small evaluation whose free-text answers are ``texts`` (one trail entry each) and
    whose finding titles (printed in bold) are ``bold_texts``."""
    trail = [
        TrailEntry(
            step_id=f"m1_text_{i}",
            module_id="m1",
            question=f"Free text question {i}?",
            answer=text,
            answer_text=text,
            unknown=False,
            citations=[],
        )
        for i, text in enumerate(texts)
    ]
    findings = [
        FindingResult(
            code=f"BOLD_{i}",
            title=text,
            severity="info",
            advisory=True,
            explanation="Explanation.",
            next_steps=[text],
            citations=[],
            fired_by=[],
        )
        for i, text in enumerate(bold_texts or [])
    ]
    return Evaluation(
        ruleset_id="itar_ear_selfassessment",
        ruleset_version="1.0.0",
        regulations_as_of="2026-09-15",
        complete=True,
        pending_step=None,
        path=[t.step_id for t in trail],
        trail=trail,
        findings=findings,
        open_questions=[],
        jurisdiction="not_subject",
        us_authorization_needed="no",
        unused_answers=[],
    )


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _lines(pdf: bytes) -> list[str]:
    """Extracted lines with whitespace runs collapsed (undoes only spacing differences)."""
    return [" ".join(line.split()) for line in _text(pdf).splitlines()]


def _fonts_used(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


# --- R1 ----------------------------------------------------------------------------------------
R1_INPUTS = [
    "AT&T",
    "Müller & Söhne <GmbH>",
    "0.1 <A <0.9",
    "ACME<br/><font size=40>BIG</font>",
    "&amp; &lt;b&gt; &#169; &nbsp;",
    '<a href="https://evil.example">x</a>',
    "<para>\"quoted\" 'single'</para>",
]


@pytest.mark.parametrize("value", R1_INPUTS)
def test_r1_user_text_is_printed_exactly_never_as_markup(value: str) -> None:
    pdf = build_pdf(
        META,
        _answers(name=value, title=value, contact=value, m1_text_0=value),
        _evaluation([value]),
        invariant=True,
    )
    lines = _lines(pdf)
    # company name, assessment title, contact and the free-text answer: all exact
    assert f"Company: {value}" in lines
    assert f"Assessment: {value}" in lines
    assert f"Contact: {value}" in lines
    assert f"Answer: {value}" in lines
    # nothing the input "asked for" happened: no injected link
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert not page.get("/Annots")


def test_r1_metadata_keeps_user_text_exactly() -> None:
    value = "Müller & Söhne <GmbH>"
    pdf = build_pdf(META, _answers(name=value, title=value), _evaluation([]), invariant=True)
    meta = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert meta.subject == f"ITAR/EAR self-assessment for {value}"
    assert meta.title == f"ITAR/EAR self-assessment: {value}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=60))
def test_r1_any_user_string_builds(value: str) -> None:
    """Whatever the string (markup, control characters, surrogates, CJK), the build succeeds."""
    name = value[:300]
    pdf = build_pdf(
        META, _answers(name=name, m1_text_0=value), _evaluation([value]), invariant=True
    )
    assert pdf.startswith(b"%PDF-")


# --- R2 ----------------------------------------------------------------------------------------
R2_INPUTS = ["Łódź Spółka, Győr Kft., ООО Ромашка, Ørsted, 1 000 €", "Αθήνα"]


@pytest.mark.parametrize("value", R2_INPUTS)
def test_r2_latin_greek_cyrillic_regular_and_bold(value: str) -> None:
    # the company name is printed in regular on the first page and in bold in the header;
    # the finding title is bold, the free-text answer regular
    pdf = build_pdf(
        META,
        _answers(name=value, m1_text_0=value),
        _evaluation([value], bold_texts=[value]),
        invariant=True,
    )
    lines = _lines(pdf)
    assert f"Company: {value}" in lines  # regular
    assert f"Answer: {value}" in lines  # regular
    assert f"[INFO] BOLD_0 — {value} (advisory)" in " ".join(lines)  # bold, may wrap
    assert f"☐ {value}" in lines  # regular, with the checkbox glyph
    assert any(line.startswith(f"ITAR/EAR self-assessment — {value}") for line in lines)
    assert "could not be drawn" not in _text(pdf)
    fonts = _fonts_used(pdf)
    # only the bundled TrueType faces, both of them, as subsets; no built-in Type 1 font
    assert {f.split("+", 1)[-1] for f in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}, fonts


def test_r2_undrawable_characters_get_a_visible_explained_substitute() -> None:
    value = "北京 Space 🚀"
    pdf = build_pdf(
        META,
        _answers(name=value, m1_text_0=value),
        _evaluation([value], bold_texts=[value]),
        invariant=True,
    )
    text = _text(pdf)
    flat = " ".join(text.split())
    assert "北" not in text and "🚀" not in text
    assert "Company: [U+5317][U+4EAC] Space [U+1F680]" in flat
    assert "Answer: [U+5317][U+4EAC] Space [U+1F680]" in flat
    # the first page says why, naming the code points
    first = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Some characters could not be drawn with the report's font" in first
    assert "U+4EAC, U+5317, U+1F680" in first


def test_r2_control_characters_are_substituted_not_dropped() -> None:
    value = "A\x00B\x07C\x1bD"
    pdf = build_pdf(META, _answers(m1_text_0=value), _evaluation([value]), invariant=True)
    assert "Answer: A[U+0000]B[U+0007]C[U+001B]D" in _lines(pdf)


def test_r2_fonts_come_from_the_package() -> None:
    from compliance_app.report import text as report_text

    assert report_text.FONT_DIR == ROOT / "compliance_app" / "report" / "fonts"
    assert (report_text.FONT_DIR / "DejaVuSans.ttf").is_file()
    assert (report_text.FONT_DIR / "DejaVuSans-Bold.ttf").is_file()


# --- R3 ----------------------------------------------------------------------------------------
def test_r3_invariant_builds_are_byte_identical() -> None:
    args = (META, _answers(name="Ørsted"), _evaluation(["x"], bold_texts=["y"]))
    first = build_pdf(*args, invariant=True)
    second = build_pdf(*args, invariant=True)
    assert first == second
    meta = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.year == 2000  # ReportLab's fixed invariant date


def test_r3_invariant_builds_are_identical_across_processes() -> None:
    """Font subset names or hash seeds must not leak into the bytes."""
    code = (
        "import sys, hashlib; sys.path.insert(0, 'tests');"
        "import test_pitfalls_reportlab as t;"
        "pdf = t.build_pdf(t.META, t._answers(name='Łódź'), t._evaluation(['Αθήνα']),"
        " invariant=True);"
        "print(hashlib.sha256(pdf).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(digests) == 1, digests


def test_r3_non_invariant_builds_differ_only_in_time_and_id() -> None:
    """Production builds carry real timestamps; tests compare text and metadata instead."""
    args = (META, _answers(), _evaluation(["x"]))
    when = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    a = build_pdf(*args, generated_at=when)
    b = build_pdf(*args, generated_at=when)
    assert _text(a) == _text(b)
    ma = pypdf.PdfReader(io.BytesIO(a)).metadata
    mb = pypdf.PdfReader(io.BytesIO(b)).metadata
    assert ma is not None and mb is not None
    assert (ma.title, ma.subject, ma.author) == (mb.title, mb.subject, mb.author)
    assert ma.creation_date is not None and ma.creation_date.year >= 2026


def test_r2_lone_surrogates_do_not_break_the_build() -> None:
    """pydantic refuses lone surrogates, but the report must not depend on that: objects made
    with ``model_construct`` (no validation) still give a PDF with a visible substitute."""
    value = "bad \ud800 text"
    answers = _answers().model_copy(
        update={
            "company": Company.model_construct(
                name=value, country="LU", contact="", assessment_title=""
            )
        }
    )
    ev = _evaluation(["x"])
    entry = TrailEntry.model_construct(**{**ev.trail[0].__dict__, "answer_text": value})
    ev = ev.model_copy(update={"trail": [entry]})
    pdf = build_pdf(META, answers, ev, invariant=True)
    lines = _lines(pdf)
    assert "Answer: bad [U+D800] text" in lines
    assert "Company: bad [U+D800] text" in lines
    meta = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None and meta.subject == "ITAR/EAR self-assessment for bad \ufffd text"
