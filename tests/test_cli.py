"""The command line says what it did with every answer, and reads the answers inside a PDF
report as the upload in the app does (issue 11, items 4 and 13)."""

from __future__ import annotations

from pathlib import Path

import yaml

from compliance_app.cli import main
from compliance_app.dossier.answers import parse
from compliance_app.engine.evaluation import evaluate
from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).resolve().parent.parent
TAA = ROOT / "examples" / "taa_technical_data.yaml"


def test_a_too_long_answer_is_named_with_its_length(tmp_path, capsys):
    data = yaml.safe_load(TAA.read_text(encoding="utf-8"))
    limit = cached_ruleset().steps["m2_description"].max_length
    data["answers"]["m2_description"] = "x" * 100_000
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr()
    assert "next question is m2_description" in out.out
    assert "Answer refused for m2_description" in out.err
    assert f"at most {limit:,} characters" in out.err and "100,000" in out.err
    assert "counts as not answered" in out.err


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
    expected = evaluate(cached_ruleset(), parse(TAA.read_bytes()).answers)
    assert f'"jurisdiction": "{expected.jurisdiction}"' in out.out
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
