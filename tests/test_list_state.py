"""The deal's lists in the wizard (compliance_app.ui.list_state): add, change, remove, the
bill of materials upload, and messages that say what to fix."""

from __future__ import annotations

import pytest

from compliance_app.engine.values import AnswerError
from compliance_app.rulebase.loader import cached_ruleset
from compliance_app.ui import list_state as ls


@pytest.fixture(scope="module")
def rs():
    return cached_ruleset()


def test_add_change_remove_keeps_ids_and_destinations_consistent(rs):
    a, i1 = ls.add_entry(rs, {}, "m2_items", {"name": "PCU-200", "kind": "own_product"})
    a, i2 = ls.add_entry(rs, a, "m2_items", {"name": "ICD drawings", "kind": "us_data"})
    assert (i1, i2) == ("item1", "item2")
    a, d1 = ls.add_entry(
        rs, a, "m2_destinations", {"name": "Prime", "country": "fr", "items": [i1, i2]}
    )
    assert a["m2_destinations"][0]["country"] == "FR"
    a = ls.update_entry(rs, a, "m2_items", i1, {"name": "PCU-300"})
    assert [e["name"] for e in a["m2_items"]] == ["PCU-300", "ICD drawings"]
    before = dict(a)
    a = ls.remove_entry(rs, a, "m2_items", i1)
    assert [e["id"] for e in a["m2_items"]] == ["item2"]
    assert a["m2_destinations"][0]["items"] == ["item2"]  # no destination keeps a removed item
    assert before["m2_items"][0]["name"] == "PCU-300"  # the old answers were not changed
    a, i3 = ls.add_entry(rs, a, "m2_items", {"name": "New", "kind": "service"})
    assert i3 == "item3"  # the removed item1 is not reused after item2
    assert ls.unassigned_items(rs, a) == ["New"]
    a = ls.update_entry(rs, a, "m2_destinations", d1, {"items": []})
    assert ls.empty_destinations(rs, a) == ["Prime"]


@pytest.mark.parametrize(
    ("step", "fields", "message"),
    [
        ("m7_groups", {"name": "A", "citizenships": []}, "Citizenships: fill this in"),
        ("m7_groups", {"name": "A", "citizenships": ["idk", "FR"]}, "cannot be combined"),
        ("m2_items", {"name": "  ", "kind": "own_product"}, "Name: enter a name."),
        ("m2_destinations", {"name": "X", "country": "XX"}, "Country: not a country code"),
    ],
)
def test_a_bad_entry_says_what_to_fix_and_changes_nothing(rs, step, fields, message):
    with pytest.raises(AnswerError) as exc:
        ls.add_entry(rs, {}, step, fields)
    assert message in str(exc.value)
    assert "Value error" not in str(exc.value)


def test_exchange_rates_are_read_or_refused_with_an_example(rs):
    assert ls.parse_rates("USD=0.86; gbp 1.17") == {"USD": 0.86, "GBP": 1.17}
    assert ls.parse_rates("") == {}
    with pytest.raises(AnswerError, match="USD=0.86"):
        ls.parse_rates("dollars")


def test_a_bill_of_materials_is_read_into_the_item_with_its_problems(rs):
    a, i1 = ls.add_entry(rs, {}, "m2_items", {"name": "PCU-200", "kind": "own_product"})
    csv = (
        "part;origin;classification;value;currency\r\n"
        "FPGA;US;9A515.e.1;16 000,50;EUR\r\nX;US;EAR99;abc;EUR\r\n"
    )
    a, problems = ls.set_bom(rs, a, i1, csv.encode("cp1252"))
    bom = a["m2_items"][0]["bom"]
    assert bom[0]["value"] == 16000.5 and bom[1]["value"] is None  # never guessed as zero
    assert any("abc" in p for p in problems)
    with pytest.raises(AnswerError):
        ls.set_bom(rs, a, i1, b"\x00\x01\x02 binary")
