"""EAR country groups in rules/countries.yaml: derived groups stay in step with their sources.

Supp. No. 1 to Part 740 (eCFR of 2026-07-23) is the source of D1, D3, D4, D5, E1, E2, A5, A6;
the foreign direct product groups are unions of them (15 CFR 734.9(c): D:5, E:1, E:2; 734.9(d):
D:1, D:3, D:4, D:5, E:1, E:2), and D:5 is its own list, not derived from 22 CFR 126.1.
"""

from __future__ import annotations

from compliance_app.rulebase.loader import cached_ruleset

EAR_GROUPS = ("D1", "D3", "D4", "D5", "E1", "E2", "A5", "A6")


def _g(gid: str) -> set[str]:
    return set(cached_ruleset().group(gid).countries)


def test_fdp_groups_are_the_unions_of_their_country_groups():
    assert _g("FDP_9X515") == _g("D5") | _g("E1") | _g("E2")
    assert _g("FDP_600") == _g("D1") | _g("D3") | _g("D4") | _g("D5") | _g("E1") | _g("E2")


def test_known_corrections_of_the_d_and_a_columns():
    # India left D:2-D:4 in 2011 (76 FR 4228); Cyprus left D:5 on 30 May 2024 (89 FR 40369);
    # Cambodia left D:5 on 3 Feb 2026 but stays in D:1 and 744.21; the UAE is in A:5.
    assert "IN" not in _g("FDP_600") and "IN" in _g("A5")
    assert "CY" not in _g("D5") and "KH" not in _g("D5")
    assert "KH" in _g("D1") and "KH" in _g("EAR_744_21_SUPP2")
    assert "AE" in _g("A5") and not {"AE"} & (_g("D3") | _g("D4"))


def test_y_content_zero_de_minimis_covers_russia_and_belarus():
    y = _g("E1") | _g("E2") | _g("DE_MINIMIS_Y_NAMED")
    assert {"CN", "RU", "BY", "IR", "KP", "SY", "CU"} <= y


def test_ear_groups_record_where_they_were_read():
    for gid in EAR_GROUPS:
        g = cached_ruleset().group(gid)
        assert g.read_in and g.text_date and g.last_change, gid


def test_confirmed_ear_citations_say_where_and_when_they_were_read():
    for c in cached_ruleset().citations.values():
        if c.id.startswith(("15cfr", "89fr")) and c.confidence == "confirmed":
            assert c.read_in and c.text_date, c.id
