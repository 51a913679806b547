"""The wizard's parties page: a party is screened as it is entered, hits show their list, entry,
programme and list date, a missing or stale list is never shown as "no match", the record is
saved with the draft and in the answers file and the PDF; the adviser dismisses a hit with a
reason (the company cannot)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from test_app import APP, MINI, start

from compliance_app.dossier import review as review_mod
from compliance_app.dossier import review_flow
from compliance_app.dossier.answers import dump, parse
from compliance_app.dossier.screening import ScreeningRecord
from compliance_app.engine.evaluation import evaluate
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import load_ruleset
from compliance_app.screening.parsers.detect import parse_file
from compliance_app.screening.service import Screener
from compliance_app.screening.store import ListStore
from compliance_app.storage import store as storage
from compliance_app.ui import screening_state as sst
from compliance_app.ui import state as ui

FIX = Path(__file__).parent / "fixtures" / "screening"
LISTS = ["us_csl_consolidated.json", "eu_fsf.xml", "uk_sanctions_list.csv", "un_consolidated.xml"]


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(MINI))
    monkeypatch.delenv("COMPLIANCE_DB_URL", raising=False)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COMPLIANCE_SCREENING_MAX_AGE_DAYS", "3650")  # the fixtures are old
    return tmp_path


def import_lists(names=LISTS) -> None:
    store = ListStore(storage.default_url())
    for name in names:
        data = (FIX / name).read_bytes()
        store.import_list(parse_file(data), data, name)
    store.close()


def parties_page(name: str, role: str = "end_user", country: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    start(at, "Orbital Parts S.à r.l.")
    at.sidebar.button(key="parties_sidebar").click().run()
    assert at.session_state["page"] == ui.PAGE_PARTIES
    at.text_input(key="party_name").input(name)
    at.selectbox(key="party_role").set_value(role)
    if country:
        at.selectbox(key="party_country").set_value(country)
    at.button(key="screen_party").click().run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "text", "error", "warning", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def test_a_transliterated_reordered_party_is_flagged_with_its_list_and_date(env):
    import_lists()
    at = parties_page("Пригожин Евгений", "end_user", "RU")
    text = page_text(at)
    assert "Possible match" in text
    assert "Specially Designated Nationals" in text and "PRIGOZHIN, Yevgeniy Viktorovich" in text
    assert "RUSSIA-EO14024" in text
    assert "List published 2026-11-27" in text
    record = at.session_state["screening"]
    assert record.parties[0].outcome == "possible_match"
    # saved with the draft, and in the answers file
    draft = storage.DraftStore(storage.default_url()).load(at.session_state["draft_id"])
    assert draft.answers_file.screening.parties[0].hits[0].entry == "23421"
    # the company cannot clear a hit: no such control on the page
    labels = [b.label for b in at.button]
    assert not any("clear" in label.lower() or "dismiss" in label.lower() for label in labels)


def test_a_missing_list_is_never_no_match(env):
    import_lists(LISTS[:3])
    at = parties_page("Acme Widgets GmbH", "customer", "DE")
    text = page_text(at)
    assert "Not screened against every list" in text and 'This is not a "no match"' in text
    assert "UN Security Council consolidated list: missing" in text
    assert "No match on any" not in text


def test_stale_lists_are_named(env, monkeypatch):
    import_lists()
    monkeypatch.setenv("COMPLIANCE_SCREENING_MAX_AGE_DAYS", "1")
    at = parties_page("Acme Widgets GmbH", "customer")
    text = page_text(at)
    assert "out-of-date lists" in text and "stale" in text
    assert "No match on any" not in text


def test_party_input_is_checked():
    with pytest.raises(sst.PartyInputError):
        sst.check_party("   ", "", "customer")
    with pytest.raises(sst.PartyInputError):
        sst.check_party("Acme", "", "boss")
    with pytest.raises(sst.PartyInputError):
        sst.check_party("Acme", "Germany", "customer")
    assert sst.check_party("  Acme   Ltd ", "de", "us_partner") == ("Acme Ltd", "DE", "us_partner")


def record_with_hit(tmp_path) -> ScreeningRecord:
    store = ListStore(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    for name in LISTS:
        data = (FIX / name).read_bytes()
        store.import_list(parse_file(data), data, name)
    screener = Screener(store, now=lambda: dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    rec = sst.add_party(None, screener, "Rosoboronexport JSC", "RU", "customer")
    rec = sst.add_party(rec, screener, "Acme Widgets GmbH", "DE", "consignee")
    store.close()
    return rec


def test_answers_file_and_report_carry_the_search_log_and_the_dismissal(tmp_path):
    rec = record_with_hit(tmp_path)
    rs = load_ruleset(MINI)
    af = ui.answers_file(rs, {"q_country": "LU"}, ui.empty_company(), rec)
    again = parse(dump(af))
    assert again == af and again.screening.parties[0].lists[0].sha256
    old = ui.answers_file(rs, {"q_country": "LU"}, ui.empty_company())
    assert b"screening" not in dump(old)  # files without screening are unchanged
    ev = evaluate(rs, af.answers)
    hit = rec.parties[0].hits[0]
    review = review_flow.start_review(af, ev, reviewer_name="Dr. A. Adviser")
    with pytest.raises(review_mod.ReviewError):
        review_mod.dismiss_hit(review, rec.parties[0].name, f"{hit.list}/{hit.entry}", "  ")
    review = review_mod.dismiss_hit(
        review, rec.parties[0].name, f"{hit.list}/{hit.entry}", "Other <b>firm</b>: reg. no. 12"
    )
    assert review_mod.parse(review_mod.dump(review)) == review
    pdf = build_pdf(rs.meta, af, ev, review=review, invariant=True)
    text = "\n".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert "Restricted-party screening: search log" in text
    assert "Normalised form: rosoboronexport" in text
    assert "published 2026-11-27" in text and "SHA-256" in text
    assert "Threshold: 85" in text
    assert "[DISMISSED BY THE ADVISER]" in text and "Other <b>firm</b>: reg. no. 12" in text
    assert "Acme Widgets GmbH" in text and "No match on any list" in text  # all four lists


def test_a_hostile_screening_section_is_refused(tmp_path):
    from compliance_app.dossier.answers import AnswersError

    rec = record_with_hit(tmp_path)
    rs = load_ruleset(MINI)
    good = ui.answers_file(rs, {}, ui.empty_company(), rec).model_dump(mode="json")
    for bad in (
        {**good, "screening": {"parties": [{**good["screening"]["parties"][0], "cleared": True}]}},
        {**good, "screening": {"parties": [{**good["screening"]["parties"][0], "outcome": "ok"}]}},
        {**good, "screening": {"parties": [good["screening"]["parties"][0]] * 201}},
    ):
        import json

        with pytest.raises(AnswersError):
            parse(json.dumps(bad).encode())


def test_the_parties_of_the_deal_are_offered_for_screening(env, monkeypatch):
    """Issue 10: the destinations and parties the user listed are screened with one click."""
    from compliance_app.rulebase.loader import DEFAULT_RULES_DIR

    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(DEFAULT_RULES_DIR))
    import_lists()
    dests = [
        {"id": "dest1", "name": "Prime SA", "country": "FR", "role": "customer", "items": []},
        {
            "id": "dest2",
            "name": "Пригожин Евгений",
            "country": "RU",
            "role": "end_user",
            "items": [],
        },
    ]
    assert sst.deal_parties(dests, None) == [
        ("Prime SA", "FR", "customer"),
        ("Пригожин Евгений", "RU", "end_user"),
    ]
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    start(at, "Orbital Parts S.à r.l.")
    at.session_state["answers"] = {**at.session_state["answers"], "m2_destinations": dests}
    at.sidebar.button(key="parties_sidebar").click().run()
    at.button(key="screen_deal").click().run()
    assert not at.exception
    record = at.session_state["screening"]
    assert [p.name for p in record.parties] == ["Prime SA", "Пригожин Евгений"]
    assert record.parties[1].hits  # the transliterated name is flagged
    assert sst.deal_parties(dests, record) == []  # nothing left to offer
