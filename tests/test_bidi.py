"""Text-direction controls in user text are shown visibly, in the browser and in the PDF
(issue 11, item 9; docs/security.md): "Evil\u202eFDP.exe\u202c Corp" must never read
"Evilexe.PDF Corp"."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.engine.values import BIDI_CONTROLS, visible_controls
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import DEFAULT_RULES_DIR, cached_ruleset
from compliance_app.ui import state as ui

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "taa_technical_data.yaml"
EVIL = "Evil\u202eFDP.exe\u202c Corp"
SHOWN = "Evil[U+202E]FDP.exe[U+202C] Corp"
LISTED = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
LISTED += [0x200E, 0x200F, 0xFEFF, 0x061C]


def test_every_listed_control_is_shown_visibly():
    assert {ord(c) for c in BIDI_CONTROLS} == set(LISTED)
    for cp in LISTED:
        assert visible_controls(f"a{chr(cp)}b") == f"a[U+{cp:04X}]b"
    assert visible_controls(EVIL) == SHOWN
    assert ui.md_escape(EVIL) == r"Evil\[U\+202E\]FDP\.exe\[U\+202C\] Corp"


def _pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )


def test_the_pdf_shows_the_controls_as_code_points():
    rs = cached_ruleset()
    af = parse(EXAMPLE.read_bytes())
    marks = "RLM\u200fBOM\ufeffALM\u061c"
    items = [{**af.answers["m2_items"][0], "name": marks}]  # m2_description: the item's name
    af = af.model_copy(
        update={
            "company": af.company.model_copy(update={"name": EVIL}),
            "answers": {**af.answers, "m2_items": items},
        }
    )
    text = _pdf_text(build_pdf(rs.meta, af, evaluate_deal(rs, af.answers), invariant=True))
    assert SHOWN in text
    assert "RLM[U+200F]BOM[U+FEFF]ALM[U+061C]" in text
    assert "text-direction controls" in text


@pytest.fixture
def real_rules(monkeypatch):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(DEFAULT_RULES_DIR))


def test_the_review_page_shows_the_controls_as_code_points(real_rules):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    af = parse(EXAMPLE.read_bytes())
    data = EXAMPLE.read_text(encoding="utf-8").replace(af.company.name, EVIL, 1)
    at.file_uploader(key="upload").set_value(("a.yaml", data.encode(), "text/yaml")).run()
    assert at.session_state["company"]["name"] == EVIL  # the data is kept as it is
    assert at.session_state["page"] == ui.PAGE_REVIEW
    shown = [t.value for t in at.text]
    assert SHOWN in shown
    assert not any(c in t for t in shown for c in BIDI_CONTROLS)


def test_an_input_box_holding_controls_gets_a_note(real_rules):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="company_name").input(EVIL).run()
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "invisible text-direction characters" in captions and SHOWN in captions
