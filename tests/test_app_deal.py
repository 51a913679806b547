"""Issue 10 in the browser's model (AppTest, real rule base): the PCU case walked as a user
would, with two items, two destinations, a bill of materials uploaded as CSV and three groups
of engineers; the results give a de minimis line per destination and an access answer per
group."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from compliance_app.engine.deal import split
from compliance_app.rulebase.loader import cached_ruleset
from compliance_app.ui import state as ui
from testkit.server import ROOT
from testkit.widgets import set_widget
from tests.deal_cases import pcu_deal

APP = str(ROOT / "streamlit_app.py")

BOM = (
    "part;origin;classification;value;currency;licence_to\r\n"
    "RT4G150 rad-hard FPGA;US;9A515.e.1;16000;EUR;all except AU CA GB\r\n"
    "DC/DC converter module;FR;unknown;9000;EUR;\r\n"
    "Aluminium housing;LU;EAR99;3000;EUR;\r\n"
).encode("cp1252")

DEAL = pcu_deal()
LISTS = {  # as typed in the list forms (the bill of materials is uploaded as a CSV file)
    key: [{k: v for k, v in e.items() if k not in ("id", "bom", "rates")} for e in DEAL[key]]
    for key in ("m2_items", "m2_destinations", "m7_groups")
}
LISTS["m7_groups"][2]["name"] = "Chinese national <b>resident</b>"  # user text is data


def answer_for(qid: str) -> object:
    return DEAL[qid]


@pytest.fixture(autouse=True)
def real_rules(monkeypatch):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(ROOT / "rules"))
    monkeypatch.setenv("COMPLIANCE_DB_URL", "sqlite://")


def walk_deal(at: AppTest) -> list[str]:
    rs = cached_ruleset()
    at.text_input(key="company_name").input("LU-Power S.A.")
    at.button(key="start").click().run()
    seen = []
    for _ in range(120):
        qid = ui.page_step(at.session_state["page"])
        if qid is None:
            break
        seen.append(qid)
        if qid == "m2_items":
            set_widget(at, rs, qid, LISTS[qid])
            up = at.file_uploader(key=f"bom_upload_item1_{at.session_state['list_rev']}")
            up.set_value(("pcu-bom.csv", BOM, "text/csv")).run()
            assert not at.exception
        else:
            set_widget(at, rs, qid, LISTS.get(qid) or answer_for(qid))
        at.button(key="next").click().run()
        assert not at.exception
        assert not at.session_state["error"], (qid, at.session_state["error"])
    return seen


def test_the_pcu_deal_walked_in_the_wizard():
    at = AppTest.from_file(APP, default_timeout=60).run()
    seen = walk_deal(at)
    assert at.session_state["page"] == ui.PAGE_REVIEW, seen
    # asked per item, by name; the bill of materials answered the content and the US value
    assert "m2_activities@item1" in seen and "m2_activities@item2" in seen
    assert not any(split(q)[0] in ("m4_content_kinds", "m5_us_value") for q in seen)
    assert "m2_destination" not in {split(q)[0] for q in seen}  # from the destinations list
    items = at.session_state["answers"]["m2_items"]
    assert [x["part"] for x in items[0]["bom"]][0] == "RT4G150 rad-hard FPGA"
    # the review page groups the answers by what they are about
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert "#### The whole deal" in headings
    assert any("PCU\\-200" in h for h in headings)
    at.button(key="see_results").click().run()
    assert not at.exception
    frames = [df.value for df in at.dataframe]
    matrix = next(f for f in frames if "Destination" in f.columns)
    dests = list(matrix["Destination"])
    assert any("France" in d for d in dests) and any("India" in d for d in dests)
    access = next(f for f in frames if "Group" in f.columns)
    by_group = dict(zip(access["Group"], access["Access"], strict=True))
    assert by_group["Chinese national <b>resident</b>"].startswith("Barred")
    assert by_group["Indian engineers"].startswith("Must be named")
    assert by_group["EU engineers"].startswith("Allowed under 22 CFR 126.18 only if")
    calc = [t.value for t in at.text]
    assert any("France (FR)" in c and "13.3 %" in c for c in calc)
    assert any("India (IN)" in c and "13.3 %" in c for c in calc)


def walk_to(target: str, most: int = 12) -> AppTest:
    """A new session, started and answered from the PCU deal up to the page of ``target``."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    rs = cached_ruleset()
    at.text_input(key="company_name").input("LU-Power S.A.")
    at.button(key="start").click().run()
    for _ in range(most):
        qid = ui.page_step(at.session_state["page"])
        if qid == target:
            break
        set_widget(at, rs, qid, LISTS.get(qid) or answer_for(qid))
        at.button(key="next").click().run()
    return at


def test_a_question_asked_per_item_names_it():
    at = walk_to("m2_activities@item1")
    assert at.session_state["page"] == ui.step_page("m2_activities@item1")
    assert "About: PCU\\-200" in [c.value for c in at.caption]


def test_removing_an_item_asks_first_and_says_which_destinations_lose_it():
    at = walk_to("m2_destinations")
    rs = cached_ruleset()
    set_widget(at, rs, "m2_destinations", LISTS["m2_destinations"])
    at.button(key="next").click().run()
    at.button(key="back").click().run()  # back on the destinations page
    at.button(key="back").click().run()
    while ui.page_step(at.session_state["page"]) != "m2_items":
        at.button(key="back").click().run()

    def remove_button(label: str):
        return next(b for b in at.button if b.label.replace("\\", "") == label)

    remove_button("Remove PCU-200").click().run()
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "Remove PCU-200?" in warning and "Prime SA; Operator Ltd" in warning
    remove_button("Cancel").click().run()
    assert [e["name"] for e in at.session_state["answers"]["m2_items"]][0] == "PCU-200"
    remove_button("Remove PCU-200").click().run()
    remove_button("Yes, remove PCU-200").click().run()
    assert not at.exception
    answers = at.session_state["answers"]
    assert [e["name"] for e in answers["m2_items"]] == ["US prime ICD drawings"]
    assert all(d["items"] == [] for d in answers["m2_destinations"])


def test_a_complete_deal_offers_the_review_from_any_question():
    """Trial: after Change then Back the user had to click Next 21 times to get back."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    walk_deal(at)
    assert at.session_state["page"] == ui.PAGE_REVIEW
    at.button(key="review_back").click().run()  # to the last question
    for _ in range(5):
        at.button(key="back").click().run()
    assert ui.page_step(at.session_state["page"]) is not None
    at.button(key="to_review_from_step").click().run()
    assert at.session_state["page"] == ui.PAGE_REVIEW
