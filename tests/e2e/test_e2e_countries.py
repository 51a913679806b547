"""A country list in a real browser: typing a name and pressing Enter picks that one country,
never "Select all matches" (issue 11, item 10)."""

from __future__ import annotations

import re
from pathlib import Path

from compliance_app.dossier.answers import parse

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
STEP = "m2_other_countries@dest1"  # asked per destination


def chips(w) -> list[str]:
    """The countries selected in the multiselect (each tag has a "Remove <label>" button)."""
    box = w.main().get_by_test_id("stMultiSelect")
    removes = box.get_by_role("button", name=re.compile("^Remove "))
    return [str(b.get_attribute("aria-label"))[len("Remove ") :] for b in removes.all()]


def test_typing_a_country_and_enter_picks_only_that_country(wizard):
    w = wizard
    answers = parse(PAYLOAD.read_bytes()).answers
    w.open()
    w.start("Enter Test SA")
    assert w.answer_until(lambda s: s.id == STEP, answers).id == STEP
    box = w.main().get_by_role("combobox", name=re.compile("^Countries"))
    box.click()
    box.fill("India")
    w.page.get_by_role("option", name="India (IN)", exact=True).wait_for()
    assert not w.page.get_by_role("option", name=re.compile(r"^Select \d+ matches")).count()
    w.act(lambda: w.page.keyboard.press("Enter"))
    w.page.keyboard.press("Escape")
    assert chips(w) == ["India (IN)"]
    # a second country the same way, then Next keeps exactly the two
    box.click()
    box.fill("Luxembourg")
    w.page.get_by_role("option", name="Luxembourg (LU)", exact=True).wait_for()
    w.act(lambda: w.page.keyboard.press("Enter"))
    w.page.keyboard.press("Escape")
    assert sorted(chips(w)) == ["India (IN)", "Luxembourg (LU)"]
