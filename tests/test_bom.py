"""BOM lines and the de minimis worksheet per destination (15 CFR 734.4; Supp. No. 2)."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from compliance_app.engine.bom import (
    BomLine,
    content_kinds,
    licence_needed,
    line_kind,
    projected,
    worksheet,
)
from compliance_app.engine.deminimis import calculate
from compliance_app.rulebase.loader import load_ruleset


@pytest.fixture(scope="module")
def rs():
    return load_ruleset()


def line(part="P", origin="US", cls="9A515.e.1", value=1000.0, cur="EUR", lic="all", note=""):
    return BomLine(
        part=part,
        origin=origin,
        classification=cls,
        value=value,
        currency=cur,
        licence_to=lic,
        note=note,
    )


FPGA = line("FPGA XQR", cls="9A515.e.1", value=16_000.0, lic="all except AU CA GB")
EU = [
    line("Chassis", origin="FR", cls="unknown", value=50_000.0, lic=""),
    line("Power board", origin="DE", cls="unknown", value=30_000.0, lic=""),
    line("Harness", origin="IT", cls="unknown", value=24_000.0, lic=""),
]
PCU = [FPGA, *EU]


@pytest.mark.parametrize(
    ("classification", "kind"),
    [
        ("XV(e)(1)", "itar"),
        ("USML XV(e)", "itar"),
        ("Cat. XI(c)", "itar"),
        ("USML Category IV", "itar"),
        ("xv(e)(9)", "itar"),
        ("9A515.e.1", "ear_9x515_ax"),
        ("9A515", "ear_9x515_ax"),  # no paragraph: the stricter .a-.x case
        ("9A515.x", "ear_9x515_ax"),
        ("9A515.y.1", "ear_9x515_y"),
        ("9E515.y", "ear_9x515_y"),
        ("0A606.a", "ear_9x515_ax"),
        ("9A610.y", "ear_9x515_y"),
        ("9A610.y.1", "ear_9x515_y"),
        ("ECCN 3A611.y", "ear_9x515_y"),
        ("3A001.a.2.c", "ear_other_ccl"),
        ("9A004", "ear_other_ccl"),  # not 9x515 although a spacecraft ECCN
        ("5A992", "ear_other_ccl"),
        ("EAR99", "ear99"),
        ("ear 99", "ear99"),
        ("unknown", "idk"),
        ("radiation-hard FPGA", "idk"),
        ("A515", "idk"),
    ],
)
def test_line_kind_reads_the_classification_as_written(classification, kind):
    assert line_kind(line(cls=classification)) == kind


def test_origin_decides_before_classification():
    assert line_kind(line(origin="FR", cls="XV(e)(1)")) == "not_us"
    assert line_kind(line(origin="unknown", cls="EAR99")) == "idk"


def test_content_kinds_follow_the_option_order_of_m4_content_kinds(rs):
    options = [o.value for o in rs.steps["m4_content_kinds"].options]
    assert options == ["itar", "ear_9x515_ax", "ear_9x515_y", "ear_other_ccl", "ear99"]
    bom = [
        line(cls="EAR99"),
        line(origin="unknown"),
        line(cls="XV(e)"),
        line(origin="FR"),
        line(cls="9A515.y.1"),
        line(cls="EAR99"),
    ]
    assert content_kinds(bom) == ["itar", "ear_9x515_y", "ear99", "idk"]
    assert content_kinds(EU) == []


@pytest.mark.parametrize(
    ("lic", "country", "needed"),
    [
        ("", "FR", "unknown"),
        ("none", "FR", "no"),
        ("all", "FR", "yes"),
        ("all except AU CA GB", "FR", "yes"),
        ("all except AU CA GB", "GB", "no"),
        ("IN CN", "IN", "yes"),
        ("IN, CN", "FR", "no"),
        ("all except fr de", "DE", "no"),
        ("all except FR", None, "unknown"),
        ("ALL", None, "yes"),
    ],
)
def test_licence_needed(lic, country, needed):
    assert licence_needed(line(lic=lic), country) == needed


@pytest.mark.parametrize(
    ("lic", "message"),
    [
        ("all except UK", "write GB"),
        ("IN XX", "'XX' is not a two-letter ISO 3166"),
        ("all except", "followed by country codes"),
        ("France", "'FRANCE' is not a two-letter"),
    ],
)
def test_licence_to_rejects_bad_codes_with_a_sentence(lic, message):
    with pytest.raises(ValidationError, match=message):
        line(lic=lic)


def test_line_model_is_strict():
    with pytest.raises(ValidationError):
        line(origin="fr")
    with pytest.raises(ValidationError):
        line(value=-1.0)
    with pytest.raises(ValidationError):
        line(value=float("nan"))
    with pytest.raises(ValidationError):
        line(cur="eur")
    with pytest.raises(ValidationError):
        BomLine(part="P", origin="US", classification="EAR99", value=1, currency="EUR", qty=2)
    assert line(lic="all except gb au").licence_to == "all except AU GB"


@pytest.mark.parametrize("dest", ["FR", "IN", "AE"])
def test_pcu_is_below_25_percent_where_the_fpga_needs_a_licence(rs, dest):
    ws = worksheet(rs, PCU, dest, 120_000.0, {})
    assert ws.status == "below"
    assert ws.level == 25.0
    assert ws.percent == pytest.approx(13.333, abs=1e-3)
    assert ws.counted_value == 16_000.0
    assert ws.section == "15 CFR 734.4(d)"
    assert [r.counts for r in ws.lines] == ["yes", "no", "no", "no"]
    assert "13.3 %" in ws.explanation and "25 % level" in ws.explanation


def test_pcu_fpga_counts_only_if_it_needs_a_licence(rs):
    no_licence = [line("FPGA", value=16_000.0, lic="all except FR"), *EU]
    ws = worksheet(rs, no_licence, "FR", 120_000.0, {})
    assert ws.lines[0].counts == "no" and "no US licence to FR" in ws.lines[0].reason
    assert ws.status == "below" and ws.percent == 0.0
    not_said = [line("FPGA", value=16_000.0, lic=""), *EU]
    ws = worksheet(rs, not_said, "FR", 120_000.0, {})
    assert ws.lines[0].counts == "unknown" and ws.status == "unknown"


@pytest.mark.parametrize(("dest", "para"), [("CN", "(a)(6)(i)"), ("RU", "(a)(6)(i)")])
def test_pcu_to_d5_is_the_zero_rule(rs, dest, para):
    assert dest in rs.group("D5").countries
    ws = worksheet(rs, PCU, dest, 120_000.0, {})
    assert ws.status == "zero_rule" and ws.level == 0.0
    assert ws.section == f"15 CFR 734.4{para}"
    assert ws.lines[0].counts == "yes" and "any amount" in ws.lines[0].reason


def test_groups_the_tests_rely_on(rs):
    """India and the UAE are in none of the groups that change the level or zero the rule."""
    for dest in ("IN", "AE", "FR"):
        for g in ("D5", "E1", "E2", "DE_MINIMIS_Y_NAMED", "EAR99_DE_MINIMIS_CHECK"):
            assert dest not in rs.group(g).countries, (dest, g)


def test_y_content_zero_rule_says_verify(rs):
    bom = [line("Y part", cls="9A515.y.1", value=100.0), *EU]
    ws = worksheet(rs, bom, "CN", 120_000.0, {})
    assert ws.status == "zero_rule" and ws.section == "15 CFR 734.4(a)(6)(ii)"
    assert "verify" in ws.explanation
    ws_fr = worksheet(rs, bom, "FR", 120_000.0, {})
    assert ws_fr.status == "below" and ws_fr.lines[0].counts == "yes"


def test_explanation_says_verify_while_734_4_is_not_confirmed(rs):
    ws = worksheet(rs, PCU, "FR", 120_000.0, {})
    confirmed = rs.citations["15cfr734.4"].confidence == "confirmed"
    assert ("verify" in ws.explanation) is not confirmed


def test_e1_destination_uses_the_10_percent_level(rs):
    bom = [line("Sensor", cls="3A001.a.2.c", value=11_000.0, lic="all"), *EU]
    ws = worksheet(rs, bom, "IR", 100_000.0, {})
    assert ws.level == 10.0 and ws.status == "exceeded" and ws.section == "15 CFR 734.4(c)"


def test_unknown_value_is_indeterminate_never_below(rs):
    bom = [FPGA, line("Gyro", cls="7A994", value=None, lic="all"), *EU]
    ws = worksheet(rs, bom, "FR", 120_000.0, {})
    assert ws.status == "unknown" and ws.unknown_lines == 1
    assert ws.lines[1].counts == "unknown" and "value is not known" in ws.lines[1].reason
    assert "indeterminate" in ws.explanation
    assert projected(rs, bom, "FR", 120_000.0, {}) == (["ear_9x515_ax", "ear_other_ccl"], "idk")


def test_known_part_above_the_level_with_an_unknown_line_is_exceeded(rs):
    big = line("FPGA", value=40_000.0, lic="all")
    bom = [big, line("Gyro", cls="7A994", value=None, lic="all"), *EU]
    ws = worksheet(rs, bom, "FR", 120_000.0, {})
    assert ws.status == "exceeded" and ws.unknown_lines == 1
    assert "can only add" in ws.explanation
    assert projected(rs, bom, "FR", 120_000.0, {})[1] == 40_000.0


def test_usd_line_without_a_rate_is_unknown_and_with_a_rate_is_converted(rs):
    bom = [line("FPGA", value=10_000.0, cur="USD", lic="all"), *EU]
    ws = worksheet(rs, bom, "FR", 100_000.0, {})
    assert ws.lines[0].counts == "unknown" and "no exchange rate from USD to EUR" in (
        ws.lines[0].reason
    )
    assert ws.status == "unknown"
    ws = worksheet(rs, bom, "FR", 100_000.0, {"USD": 0.9})
    assert ws.lines[0].value_in_currency == pytest.approx(9_000.0)
    assert ws.status == "below" and ws.percent == pytest.approx(9.0)


def test_itar_line_is_not_counted_and_says_why(rs):
    bom = [line("Rad sensor", cls="XV(e)(1)", value=90_000.0), *EU]
    ws = worksheet(rs, bom, "FR", 120_000.0, {})
    assert ws.lines[0].counts == "no"
    assert "no de minimis" in ws.lines[0].reason and "22 CFR 120.11(c)" in ws.lines[0].reason
    assert ws.status == "not_applicable" and ws.counted_value == 0.0


def test_ear99_to_russia_is_for_the_adviser_and_to_france_not_counted(rs):
    bom = [line("Connector", cls="EAR99", value=500.0, lic="none"), *EU]
    ru = worksheet(rs, bom, "RU", 120_000.0, {})
    assert ru.lines[0].counts == "unknown" and "adviser decides" in ru.lines[0].reason
    assert ru.status == "unknown"
    fr = worksheet(rs, bom, "FR", 120_000.0, {})
    assert fr.lines[0].counts == "no" and fr.status == "below" and fr.percent == 0.0


def test_unknown_origin_and_classification_are_unknown_lines(rs):
    bom = [line("Mystery", origin="unknown", value=10.0), line("Odd", cls="see datasheet"), *EU]
    ws = worksheet(rs, bom, "FR", 120_000.0, {})
    assert [r.counts for r in ws.lines[:2]] == ["unknown", "unknown"]
    assert "origin of this part is not known" in ws.lines[0].reason
    assert ws.status == "unknown"


@pytest.mark.parametrize("total", [None, 0.0])
def test_missing_or_zero_total_is_unknown(rs, total):
    ws = worksheet(rs, PCU, "FR", total, {})
    assert ws.status == "unknown" and ws.percent is None


def test_no_us_content_is_not_applicable(rs):
    ws = worksheet(rs, EU, "FR", 120_000.0, {})
    assert ws.status == "not_applicable" and projected(rs, EU, "FR", 120_000.0, {}) == ([], 0.0)


def test_bad_destination_or_rate_is_refused(rs):
    with pytest.raises(ValueError, match="two-letter"):
        worksheet(rs, PCU, "FRA", 1.0, {})
    with pytest.raises(ValueError, match="above zero"):
        worksheet(rs, PCU, "FR", 1.0, {"USD": 0.0})


CLASSES = ["9A515.e.1", "9A515.y.1", "3A001.a", "EAR99", "XV(e)", "unknown", "9A610.y"]
DESTS = ["FR", "IN", "AE", "CN", "RU", "IR", "CU", "KP", "UA", "GB"]


def test_worksheet_and_engine_agree_on_every_random_bom(rs):
    """Where no line is unknown, calculate() on the projection gives the worksheet's status."""
    rnd = random.Random(20261207)
    checked = 0
    for _ in range(300):
        bom = [
            line(
                f"P{i}",
                origin=rnd.choice(["US", "US", "FR", "unknown"]),
                cls=rnd.choice(CLASSES),
                value=rnd.choice([None, 0.0, 500.0, 5_000.0, 20_000.0]),
                lic=rnd.choice(["", "none", "all", "all except GB FR", "CN RU"]),
            )
            for i in range(rnd.randint(1, 6))
        ]
        for dest in DESTS:
            ws = worksheet(rs, bom, dest, 100_000.0, {})
            kinds, value = projected(rs, bom, dest, 100_000.0, {})
            engine = calculate(rs, kinds, dest, value, 100_000.0, "EUR")
            if ws.unknown_lines == 0 or ws.status == "zero_rule":
                assert engine.status == ws.status, (bom, dest)
                checked += 1
            if ws.status == "below":
                assert ws.unknown_lines == 0
    assert checked > 500
