"""Reading BOM CSV files from other people's software, and the ``bom`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance_app.cli import main
from compliance_app.dossier.bom_csv import MAX_LINES, BomError, read_bom_csv, template_csv
from compliance_app.engine.bom import worksheet
from compliance_app.rulebase.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "bom"


def read(name: str):
    return read_bom_csv((FIX / name).read_bytes())


def test_fixtures_are_in_the_formats_they_imitate():
    fr = (FIX / "pcu_excel_fr.csv").read_bytes()
    assert b"Pi\xe8ce;" in fr and b"16\xa0000,00" in fr and b"\r\n" in fr  # cp1252, ';', NBSP
    with pytest.raises(UnicodeDecodeError):
        fr.decode("utf-8")
    assert (FIX / "pcu_excel_utf8_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    sap = (FIX / "sap_export.csv").read_bytes()
    assert sap.count(b"Part;Menge;Origin") == 2 and b"St\xfcckliste" in sap


def test_excel_on_a_french_windows(tmp_path):
    lines, problems = read("pcu_excel_fr.csv")
    assert problems == []
    assert [x.part for x in lines] == [
        "FPGA XQR (fournisseur US)",
        "Châssis usiné",
        "Carte d'alimentation",
        "Câblage",
    ]
    assert [x.value for x in lines] == [16_000.0, 50_000.0, 30_000.0, 24_000.0]
    assert lines[0].licence_to == "all except AU CA GB"
    assert lines[1].note == "Fabriqué à Toulouse"
    ws = worksheet(load_ruleset(), lines, "FR", 120_000.0, {})
    assert ws.status == "below" and ws.percent == pytest.approx(13.333, abs=1e-3)


def test_excel_utf8_with_a_quoted_line_break_keeps_line_numbers():
    lines, problems = read("pcu_excel_utf8_bom.csv")
    assert lines[0].part == "FPGA XQR"  # the byte-order mark is not part of the header
    assert lines[0].note == "Supplier statement, 2026-03-02\r\nsigned by J. Smith"
    # the first record spans lines 2-3, so the bad value is on physical line 4
    assert problems == [
        "Line 4: value 'abc' is not a number; enter it like 16000.50 or leave it empty if unknown."
    ]
    assert lines[1].value is None  # kept, unknown, never zero
    assert lines[2].currency == "USD" and lines[2].value == 1200.0


def test_sap_export_with_title_lines_repeated_header_page_line_and_total():
    lines, problems = read("sap_export.csv")
    assert len(lines) == 13
    assert all(x.value == 1250.5 for x in lines[:12])
    assert lines[-1].part == "Gyro US" and lines[-1].licence_to == "CN IN"
    assert problems[0].startswith("Columns ignored: Menge.")
    assert any(p.startswith("Line 12: the row 'Seite 2' was read as a page line") for p in problems)
    assert any(p.startswith("Line 21: the row 'Summe' was read as a total") for p in problems)
    assert len(problems) == 3


def test_mistakes_are_kept_as_unknown_and_named_by_line():
    lines, problems = read("mistakes_libreoffice.csv")
    assert len(lines) == 7  # nothing dropped
    by_line = {p.split(":")[0]: p for p in problems}
    assert "write GB" in by_line["Line 3"] and lines[1].origin == "unknown"
    assert "'XX'" in by_line["Line 4"] and lines[2].licence_to == ""
    assert "negative" in by_line["Line 5"] and lines[3].value is None
    assert "part is empty" in by_line["Line 6"] and lines[4].part == "(no part name, line 6)"
    assert "no currency" in by_line["Line 7"] and lines[5].value is None
    assert "Line 8" not in by_line  # lower case origin, classification and currency are fine
    assert (lines[6].origin, lines[6].currency, lines[6].value) == ("US", "EUR", 7.5)


@pytest.mark.parametrize(
    ("values", "expected", "problem"),
    [
        (["16.000,50", "1.250"], [16000.5, 1250.0], False),  # the file proves decimal comma
        (["16,000.50", "1,250"], [16000.5, 1250.0], False),  # the file proves decimal point
        (["12,5", "1,250"], [12.5, 1.25], False),
        (["1,250"], [None], True),  # nothing proves it: not guessed
        (["16.000,50", "1,250.00", "1.250"], [16000.5, 1250.0, None], True),  # both styles
    ],
)
def test_ambiguous_thousands_follow_the_file_or_stay_unknown(values, expected, problem):
    rows = "".join(f'P{i};US;EAR99;"{v}";EUR;;\n' for i, v in enumerate(values))
    data = ("part;origin;classification;value;currency;licence_to;note\n" + rows).encode()
    lines, problems = read_bom_csv(data)
    assert [x.value for x in lines] == expected
    assert any("two ways" in p for p in problems) is problem


def test_missing_columns_are_said_once():
    lines, problems = read_bom_csv(b"part,origin\nA,US\nB,FR\n")
    assert problems == [
        "The file has no column classification, value, currency: that information is taken as "
        "unknown on every line."
    ]
    assert [x.classification for x in lines] == ["unknown", "unknown"]


def test_utf16_excel_unicode_text_is_read():
    text = "part\torigin\tclassification\tvalue\tcurrency\nFPGA\tUS\t9A515.e.1\t10\tEUR\n"
    lines, _ = read_bom_csv(text.encode("utf-16"))
    assert lines[0].classification == "9A515.e.1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
        (b"part,origin\n\x00\x01\x02", "binary"),
        (b"PK\x03\x04rest of a zip", "Excel workbook"),
        (b"name,country\nA,US\n", "No recognisable header"),
        (b"", "No recognisable header"),
    ],
)
def test_unreadable_files_are_refused(data, message):
    with pytest.raises(BomError, match=message):
        read_bom_csv(data)


def test_too_many_lines_are_refused():
    head = "part,origin,classification,value,currency,licence_to,note\n"
    rows = [f"P{i},FR,,1,EUR,,\n" for i in range(MAX_LINES + 1)]
    with pytest.raises(BomError, match="more than 5,000 lines"):
        read_bom_csv((head + "".join(rows)).encode())
    lines, _ = read_bom_csv((head + "".join(rows[:MAX_LINES])).encode())
    assert len(lines) == MAX_LINES


def test_template_reads_back_and_is_the_example_file():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    lines, problems = read_bom_csv(data)
    assert problems == [] and len(lines) == 2
    assert lines[0].classification == "9A515.e.1" and lines[1].origin == "FR"
    assert (ROOT / "examples" / "bom-template.csv").read_bytes() == data


def test_cli_prints_each_destination_and_exits_0_with_problems(capsys):
    rc = main(
        ["bom", str(FIX / "pcu_excel_utf8_bom.csv"), "--total", "120000"]
        + ["--to", "FR", "--to", "cn", "--to", "RU", "--rate", "USD=0.92"]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert "Line 4: value 'abc' is not a number" in out
    assert "Destination FR: BELOW (15 CFR 734.4(d))" in out
    assert "Destination CN: ZERO RULE (15 CFR 734.4(a)(6)(i))" in out
    assert "Destination RU: ZERO RULE" in out and "the adviser decides" in out
    assert "percentage: 13.3 %; level: 25 %" in out


def test_cli_json(capsys):
    rc = main(["bom", str(FIX / "pcu_excel_fr.csv"), "--total", "120000", "--to", "IN", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0 and doc["problems"] == []
    (ws,) = doc["worksheets"]
    assert ws["destination"] == "IN" and ws["status"] == "below" and ws["level"] == 25.0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "UK"], "write GB"),
        (["--to", "FR", "--rate", "USD"], "USD=0.92"),
        (["--to", "FR", "--rate", "USD=-1"], "above zero"),
    ],
)
def test_cli_refuses_bad_arguments_with_exit_1(capsys, extra, message):
    rc = main(["bom", str(FIX / "pcu_excel_fr.csv"), "--total", "1", *extra])
    assert rc == 1 and message in capsys.readouterr().err


def test_cli_refuses_an_unreadable_file(capsys, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"hello\nworld\n")
    assert main(["bom", str(bad), "--to", "FR"]) == 1
    assert "No recognisable header" in capsys.readouterr().err
    assert main(["bom", str(tmp_path / "missing.csv"), "--to", "FR"]) == 1


def test_the_benchmark_bom_reads_without_problems():
    from bench.bom import synthetic_bom

    lines, problems = read_bom_csv(synthetic_bom())
    assert len(lines) == 200 and problems == []
    assert {x.origin for x in lines} >= {"US", "FR"}


def test_old_mac_line_endings_and_english_erp_headers():
    data = b"Part Number,Country of Origin,ECCN,Value,Currency\rA,US,EAR99,1,EUR\r"
    data += b"B,US,EAR99,x,EUR\r"
    lines, problems = read_bom_csv(data)
    assert [x.part for x in lines] == ["A", "B"] and lines[0].origin == "US"
    assert problems == [
        "Line 3: value 'x' is not a number; enter it like 16000.50 or leave it empty if unknown."
    ]
