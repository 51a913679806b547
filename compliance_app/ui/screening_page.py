"""The parties page: enter each party of the deal, screened at once against the
restricted-party lists on this machine; the hits with their list, entry, programmes and list
dates. Also the short screening panels of the review, results and adviser pages. Logic in
:mod:`.screening_state`. User and list text is shown with ``st.text`` or escaped.
"""

from __future__ import annotations

import streamlit as st

from compliance_app.dossier import review as review_mod
from compliance_app.dossier.screening import ROLES, ScreeningRecord, hit_id
from compliance_app.screening.service import Screener, ScreeningConfigError
from compliance_app.screening.store import ListStore
from compliance_app.storage import store as storage
from compliance_app.ui import forms, list_state
from compliance_app.ui import screening_state as sst
from compliance_app.ui import state as ui
from compliance_app.ui.session import button, enter, go, persist, save_button, ss

SCREENING_STEPS = ("m8_screening",)
"""Question pages that offer the parties page (the question about screening results)."""
NOT_SENT = (
    "The names are compared on this computer with the official lists imported into the tool; "
    "nothing is sent anywhere. A hit is a possible match to check: you cannot clear it, only "
    "your adviser can dismiss it, with a reason."
)


@st.cache_resource(show_spinner=False)
def _screener(url: str) -> Screener:
    return Screener(ListStore(url))


def get_screener() -> Screener | None:
    try:
        return _screener(storage.default_url())
    except (storage.StorageError, ScreeningConfigError) as exc:
        ss.screening_error = str(exc)
        return None


def _widget_values() -> dict[str, object]:
    return {"party_name": "", "party_country": None, "party_role": None}


def on_add_party() -> None:
    screener = get_screener()
    if screener is None:
        return
    try:
        ss.screening = sst.add_party(
            ss.screening,
            screener,
            ss.get("party_name"),
            ss.get("party_country"),
            ss.get("party_role"),
        )
    except sst.PartyInputError as exc:
        ss.screening_error = str(exc)
        return
    ss.screening_error = None
    ss.party_name = ""
    persist()


def on_screen_deal(parties: list[tuple[str, str, str]]) -> None:
    """Screen the deal's destinations and parties not screened yet."""
    screener = get_screener()
    if screener is None:
        return
    try:
        for name, country, role in parties:
            ss.screening = sst.add_party(ss.screening, screener, name, country, role)
    except sst.PartyInputError as exc:
        ss.screening_error = str(exc)
    persist()


def on_rescreen(index: int | None) -> None:
    screener = get_screener()
    if screener is not None and ss.screening is not None:
        ss.screening = sst.rescreen(ss.screening, screener, index)
        persist()


def on_remove(index: int) -> None:
    if ss.screening is not None:
        ss.screening = sst.remove_party(ss.screening, index)
        persist()


def _show(level: str, text: str) -> None:
    {"error": st.error, "warning": st.warning, "success": st.success}[level](ui.md_escape(text))


def page_parties(ruleset) -> None:  # noqa: ANN001
    enter(ui.PAGE_PARTIES, _widget_values())
    st.title("Screen the parties to this deal")
    st.markdown(
        "Enter each party: customer, end user, consignee, intermediaries (agents, "
        "distributors, freight forwarders) and your US partner. " + ui.md_escape(NOT_SENT)
    )
    screener = get_screener()
    if ss.get("screening_error"):
        st.error("There is a problem: " + ui.md_escape(ss.screening_error))
    if screener is not None:
        records = screener.list_records()
        bad = [r for r in records if r.state != "ok"]
        if bad:
            st.warning(
                'Not every list is imported and current, so no result here can be a "no '
                'match": ' + ui.md_escape("; ".join(sst.list_line(r) for r in bad)) + "."
            )
        with st.expander("Lists searched and their dates", expanded=bool(bad)):
            for r in records:
                st.text(sst.list_line(r))
            st.caption(
                "To import or update the lists, see the README (python -m compliance_app lists "
                "update, or lists import FILE)."
            )
    deal = ruleset.meta.deal
    from_deal = sst.deal_parties(
        list_state.entries_of(ss.answers, deal.destinations) if deal else [], ss.screening
    )
    if from_deal and screener is not None:
        names = "; ".join(n for n, _c, _r in from_deal)
        st.markdown("**Parties of your deal not screened yet:** " + ui.md_escape(names))
        button(
            f"Screen these {len(from_deal)} parties",
            "screen_deal",
            on_screen_deal,
            (from_deal,),
            type="primary",
        )
    st.subheader("Add a party")
    st.text_input("Name of the party (as on the contract or order)", key="party_name")
    labels = forms.country_labels()
    st.selectbox(
        "Country (optional)",
        list(labels),
        index=None,
        format_func=labels.get,
        placeholder="Choose a country",
        key="party_country",
    )
    st.selectbox(
        "Role in this deal",
        list(ROLES),
        index=None,
        format_func=ROLES.get,
        placeholder="Choose a role",
        key="party_role",
    )
    button("Screen this party", "screen_party", on_add_party, type="primary")
    record: ScreeningRecord | None = ss.screening
    st.subheader(f"Parties screened ({len(record.parties) if record else 0})")
    for i, p in enumerate(record.parties if record else []):
        with st.container(border=True):
            st.markdown("**" + ui.md_escape(sst.party_title(p, labels)) + "**")
            _show(*sst.outcome_text(p))
            st.caption(f"Screened {p.screened_at.isoformat()}; searched as: {p.normalised}")
            for line in sst.changes_since(p, screener) if screener else []:
                st.warning(ui.md_escape(line + " Screen again to use the lists as they are now."))
            for h in p.hits:
                view = sst.hit_view(p, h, ss.review)
                st.markdown("- " + ui.md_escape(view.title))
                for line in view.detail:
                    st.text("    " + line)
                if view.dismissed:
                    st.text("    " + view.dismissed)
            with st.expander("Lists searched for this party"):
                for r in p.lists:
                    st.text(sst.list_line(r))
            c1, c2 = st.columns(2)
            c1.button("Screen again", key=f"rescreen_{i}", on_click=on_rescreen, args=(i,))
            c2.button("Remove", key=f"remove_{i}", on_click=on_remove, args=(i,))
    if record:
        st.button(
            "Screen every party again", key="rescreen_all", on_click=on_rescreen, args=(None,)
        )
    back = ss.get("parties_back") or ui.PAGE_REVIEW
    button("Back", "parties_back_button", go, (back,))
    save_button(ruleset, "save_parties")


def open_parties(back: str) -> None:
    """Callback: go to the parties page, returning to ``back``."""
    ss.parties_back = back
    ss.screening_error = None
    go(ui.PAGE_PARTIES)


def panel(back: str, key: str) -> None:
    """A short summary of the screening with a button to the parties page."""
    record: ScreeningRecord | None = ss.screening
    st.subheader("Screening of the parties")
    if not record:
        st.info(
            "No party has been screened in this assessment yet. Screen the customer, end user, "
            "consignee, intermediaries and US partner against the restricted-party lists."
        )
    else:
        for p in record.parties:
            level, text = sst.outcome_text(p)
            _show(level, f"{p.name}: {text}")
    button("Screen the parties", key, open_parties, (back,))


# --- adviser side --------------------------------------------------------------------------------


def dismiss_key(party_index: int, hit_index: int) -> str:
    return f"dismiss_{party_index}_{hit_index}"


def fill_dismissals(record: ScreeningRecord | None, earlier: review_mod.Review | None) -> None:
    """Fill the adviser's dismissal fields from the review in the uploaded PDF."""
    for i, p in enumerate(record.parties if record else []):
        for j, h in enumerate(p.hits):
            d = earlier.dismissal(p.name, hit_id(h)) if earlier else None
            ss[dismiss_key(i, j)] = d.reason if d else ""


def apply_dismissals(
    review: review_mod.Review, record: ScreeningRecord | None, on
) -> review_mod.Review:  # noqa: ANN001,E501
    """The review with every hit whose reason field is filled dismissed (the others open)."""
    review = review.model_copy(update={"dismissed_hits": []})
    for i, p in enumerate(record.parties if record else []):
        for j, h in enumerate(p.hits):
            reason = str(ss.get(dismiss_key(i, j)) or "").strip()
            if reason:
                review = review_mod.dismiss_hit(review, p.name, hit_id(h), reason, on)
    return review


def adviser_hits(record: ScreeningRecord | None) -> None:
    """The screening hits on the adviser page, each with a field to dismiss it."""
    st.header("Screening hits")
    if not record or not any(p.hits for p in record.parties):
        st.text(
            "The company screened no party with a hit in this tool."
            if record
            else "The company screened no party in this tool."
        )
        for p in record.parties if record else []:
            level, text = sst.outcome_text(p)
            _show(level, f"{p.name}: {text}")
        return
    st.caption(
        "Dismiss a hit only when you are sure it is a different party, and say why (for "
        "example a different date of birth, address or registration number). Leave the field "
        "empty to keep the hit open."
    )
    for i, p in enumerate(record.parties):
        level, text = sst.outcome_text(p)
        _show(level, f"{p.name}: {text}")
        for j, h in enumerate(p.hits):
            view = sst.hit_view(p, h, None)
            st.markdown("- " + ui.md_escape(view.title))
            for line in view.detail:
                st.text("    " + line)
            st.text_area("Reason to dismiss this hit as a false positive", key=dismiss_key(i, j))
