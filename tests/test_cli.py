"""The command line says what it did with every answer, and reads the answers inside a PDF
report as the upload in the app does (issue 11, items 4 and 13)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from compliance_app.cli import main
from compliance_app.dossier.answers import dump, parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).resolve().parent.parent
TAA = ROOT / "examples" / "taa_technical_data.yaml"


def test_a_too_long_answer_is_named_with_its_length(tmp_path, capsys):
    data = yaml.safe_load(dump(parse(TAA.read_bytes())))  # format 2
    data["items"][0]["answers"]["m7_cloud"] = "x" * 100_000  # a choice step: refused
    data["items"][0]["name"] = "x" * 130
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr()
    assert "next question is m2_items" in out.out
    assert "Answer refused for m2_items: Item 1, name:" in out.err
    assert "at most 120 characters" in out.err
    assert "Answer refused for m7_cloud@item1" in out.err
    assert "counts as not answered" in out.err
    assert "Note:" not in out.err  # format 2: nothing migrated


def test_a_fitting_file_prints_no_refusal(capsys):
    assert main(["evaluate", str(TAA)]) == 0
    assert "refused" not in capsys.readouterr().err


def test_evaluate_and_report_read_the_answers_inside_a_report_pdf(tmp_path, capsys):
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(TAA), "-o", str(pdf)]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(pdf), "--json"]) == 0
    out = capsys.readouterr()
    assert "not UTF-8" not in out.err
    expected = evaluate_deal(cached_ruleset(), parse(TAA.read_bytes()).answers)
    assert f'"jurisdiction": "{expected.jurisdiction}"' in out.out
    assert json.loads(out.out)["matrix"] == [r.model_dump(mode="json") for r in expected.matrix]
    again = tmp_path / "again.pdf"
    assert main(["report", str(pdf), "-o", str(again)]) == 0
    assert again.read_bytes().startswith(b"%PDF-")


def test_a_damaged_pdf_is_refused_with_the_upload_message(tmp_path, capsys):
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(TAA), "-o", str(pdf)]) == 0
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1
    pdf.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["evaluate", str(pdf)]) == 1
    assert "damaged or changed" in capsys.readouterr().err


def test_evaluate_prints_the_matrix_and_what_findings_are_about(capsys):
    assert main(["evaluate", str(TAA), "--on", "2026-11-30"]) == 0
    out = capsys.readouterr()
    assert out.err.startswith("Note: This assessment was made for one item and one destination.")
    ev = evaluate_deal(cached_ruleset(), parse(TAA.read_bytes()).answers)
    row = ev.matrix[0]
    assert "Per item and destination:\n" in out.out
    assert f"- {row.item} → {row.destination} → {row.group}: jurisdiction {row.jurisdiction};" in (
        out.out
    )
    assert "authorisation findings: " + ", ".join(row.authorisations) in out.out
    taa = next(f for f in ev.findings if f.code == "AUTH_TAA")
    assert f"AUTH_TAA: {taa.title} (" in out.out
    assert f"About: {'; '.join(taa.about)}." in out.out


def test_a_report_made_before_deals_evaluates_with_the_migration_note(capsys):
    old = ROOT / "tests" / "fixtures" / "format1_report_taa.pdf"
    assert main(["evaluate", str(old), "--json"]) == 0
    out = capsys.readouterr()
    assert "Note: This assessment was made for one item" in out.err
    data = json.loads(out.out)
    assert data["jurisdiction"] == "ITAR" and data["matrix"]
