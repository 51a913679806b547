"""The parties page of the wizard, without Streamlit: checking what the user typed, adding and
removing screened parties, and the texts the page shows (see :mod:`.screening_page`).

The screened parties live in the session as a
:class:`~compliance_app.dossier.screening.ScreeningRecord` (``ss.screening``), saved with the
draft and in the answers file. The user can add, screen again and remove a party, but never
mark a hit cleared: only the adviser can dismiss a hit, with a reason, in the review.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance_app.dossier.review import Review
from compliance_app.dossier.screening import (
    ROLES,
    HitRecord,
    ListRecord,
    PartyRecord,
    ScreeningRecord,
    changed_lists,
    hit_id,
)
from compliance_app.screening.service import Screener, outcome_sentence

MAX_PARTIES = 200
MAX_NAME = 300
OUTCOME_LEVEL = {
    "possible_match": "error",
    "not_screened": "error",
    "stale_lists": "warning",
    "no_match": "success",
}
"""How loudly the page shows each outcome."""


class PartyInputError(ValueError):
    """What the user typed cannot be screened. ``str(error)`` says what to do."""


@dataclass(frozen=True)
class HitView:
    """One hit as the page shows it."""

    title: str
    detail: list[str]
    dismissed: str | None
    """The adviser's dismissal ("Dismissed by ...: reason"), or None while the hit is open."""


def check_party(name: object, country: object, role: object) -> tuple[str, str, str]:
    """The party as typed, checked: ``(name, country code or "", role)``."""
    text = " ".join(str(name or "").split())
    if not text:
        raise PartyInputError("Enter the name of the party.")
    if len(text) > MAX_NAME:
        raise PartyInputError(f"The name is longer than {MAX_NAME} characters.")
    if role not in ROLES:
        raise PartyInputError("Choose the role of the party in this deal.")
    code = str(country or "")
    if code and (len(code) != 2 or not code.isalpha()):
        raise PartyInputError("Choose the country from the list, or leave it empty.")
    return text, code.upper(), str(role)


def add_party(
    record: ScreeningRecord | None, screener: Screener, name: object, country: object, role: object
) -> ScreeningRecord:
    """A new record with the party screened now and added (a party with the same name, country
    and role is screened again in its place)."""
    text, code, r = check_party(name, country, role)
    parties = list(record.parties) if record else []
    party = screener.screen(text, code, r)
    same = [i for i, p in enumerate(parties) if (p.name, p.country, p.role) == (text, code, r)]
    if same:
        parties[same[0]] = party
    elif len(parties) >= MAX_PARTIES:
        raise PartyInputError(f"At most {MAX_PARTIES} parties can be screened in one assessment.")
    else:
        parties.append(party)
    return ScreeningRecord(parties=parties)


def rescreen(
    record: ScreeningRecord, screener: Screener, index: int | None = None
) -> ScreeningRecord:
    """Screen one party (``index``) or every party again, with the lists as they are now."""
    parties = list(record.parties)
    for i, p in enumerate(parties):
        if index is None or i == index:
            parties[i] = screener.screen(p.name, p.country, p.role)
    return ScreeningRecord(parties=parties)


def remove_party(record: ScreeningRecord, index: int) -> ScreeningRecord | None:
    parties = [p for i, p in enumerate(record.parties) if i != index]
    return ScreeningRecord(parties=parties) if parties else None


def list_line(r: ListRecord) -> str:
    """``"EU consolidated list ...: current, published 2026-11-27, 12 entries"``."""
    state = {"ok": "current", "stale": "OUT OF DATE", "missing": "NOT IMPORTED"}.get(
        r.state, r.state.upper()
    )
    bits = [state]
    if r.published:
        bits.append(f"published {r.published.isoformat()}")
    if r.imported:
        bits.append(f"imported {r.imported.date().isoformat()}")
    if r.entries is not None:
        bits.append(f"{r.entries:,} entries")
    return f"{r.label or r.id}: " + ", ".join(bits)


def party_title(p: PartyRecord, country_names: dict[str, str]) -> str:
    country = f", {country_names.get(p.country, p.country)}" if p.country else ""
    return f"{p.name} ({ROLES[p.role]}{country})"


def outcome_text(p: PartyRecord) -> tuple[str, str]:
    """``(level, text)``: "error", "warning" or "success", and the sentence to show."""
    return OUTCOME_LEVEL[p.outcome], outcome_sentence(p)


def hit_view(p: PartyRecord, h: HitRecord, review: Review | None) -> HitView:
    labels = {r.id: r.label or r.id for r in p.lists}
    sub = f" / {h.sub_list}" if h.sub_list else ""
    title = f"{labels.get(h.list, h.list)}{sub}: entry {h.entry}, {h.entry_name}"
    detail = [f"Score {h.score:.1f} (threshold {p.threshold:g})"]
    if h.programmes:
        detail.append("Programmes: " + "; ".join(h.programmes))
    detail.append("Why: " + h.explanation)
    list_date = next((r.published for r in p.lists if r.id == h.list and r.published), None)
    if list_date:
        detail.append(f"List published {list_date.isoformat()}")
    d = review.dismissal(p.name, hit_id(h)) if review else None
    dismissed = None
    if d is not None:
        who = d.by.strip() or "the adviser"
        dismissed = f"Dismissed as a false positive by {who}: {d.reason}"
    return HitView(title, detail, dismissed)


def changes_since(p: PartyRecord, screener: Screener) -> list[str]:
    """Lists that changed since ``p`` was screened (screen again to use them)."""
    return changed_lists(p, screener.list_records())


def deal_parties(
    destinations: list[dict], record: ScreeningRecord | None
) -> list[tuple[str, str, str]]:
    """``(name, country, role)`` of the deal's destinations and parties (the entries of the
    destinations list) not screened yet in ``record``, in list order."""
    done = {(p.name, p.country, p.role) for p in (record.parties if record else [])}
    out = []
    for d in destinations:
        key = (str(d.get("name", "")).strip(), str(d.get("country", "")), str(d.get("role", "")))
        if key[0] and key[2] in ROLES and key not in done and key not in out:
            out.append(key)
    return out
