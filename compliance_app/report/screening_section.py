"""The search log of the restricted-party screening (helper of ``report``).

Printed when the answers file has a ``screening`` section
(:mod:`compliance_app.dossier.screening`): for each party, the query as typed, its normalised
form, when it was screened, the threshold, every list with its state, publication and import
dates, SHA-256 and entry count, each hit with its list, entry, programmes, score and
explanation, and whether the adviser dismissed it (with the reason), then the outcome. A list
that was missing, empty, unreadable or out of date is named: only "No match" means no hit.
All of it is user or list text and goes through the report's sanitizer.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from compliance_app.dossier.review import Review
from compliance_app.dossier.screening import OUTCOMES, ROLES, ScreeningRecord, hit_id

OUTCOME_COLOURS = {
    "possible_match": "#9b1c1c",
    "not_screened": "#9b1c1c",
    "stale_lists": "#92400e",
    "no_match": "#166534",
}
STATE_TEXT = {
    "ok": "current",
    "stale": "OUT OF DATE",
    "missing": "NOT IMPORTED: not searched",
    "empty": "EMPTY: not searched",
    "unreadable": "UNREADABLE: not searched",
}


def summary(record: ScreeningRecord) -> str:
    """One sentence for the first page: how many parties, with which outcomes."""
    counts = {k: 0 for k in OUTCOMES}
    for p in record.parties:
        counts[p.outcome] += 1
    parts = [f"{n} {OUTCOMES[k].split(':')[0].lower()}" for k, n in counts.items() if n]
    return f"{len(record.parties)} part{'y' if len(record.parties) == 1 else 'ies'} screened: " + (
        "; ".join(parts) + " (see the search log)."
    )


def section(b: Any, record: ScreeningRecord, review: Review | None) -> list[Flowable]:
    """The "Restricted-party screening: search log" section (``b`` is the report's builder)."""
    out: list[Flowable] = [CondPageBreak(150), b.p("Restricted-party screening: search log", "h1")]
    out.append(
        b.p(
            "Each party was screened on this computer against the official lists imported into "
            "the tool (US Consolidated Screening List, EU financial sanctions list, UK Sanctions "
            "List, UN Security Council consolidated list). A hit is a possible match to check, "
            "not proof that the party is listed; only the adviser can dismiss a hit, with a "
            'reason. A list that was missing, empty, unreadable or out of date is named: only "No '
            'match" means that every list was searched, current, without a hit. Screening does '
            "not replace the red-flag checks or ownership checks.",
            "small",
        )
    )
    if not record.parties:
        out.append(b.p("No party was screened."))
    for n, party in enumerate(record.parties, start=1):
        colour = OUTCOME_COLOURS[party.outcome]
        role = ROLES.get(party.role, party.role)
        country = f", {party.country}" if party.country else ""
        head = [
            b.p(f"{n}. {b.t(party.name)} — {b.t(role)}{b.t(country)}", "h2"),
            b.p(f'<font color="{colour}"><b>{b.t(OUTCOMES[party.outcome])}</b></font>', "body"),
        ]
        out.append(KeepTogether(head))
        out.append(b.field("Query", party.name))
        out.append(b.field("Normalised form", party.normalised or "(nothing left to search)"))
        out.append(b.field("Screened at", party.screened_at.isoformat()))
        out.append(b.field("Threshold", f"{party.threshold:g} (score 0-100)"))
        out.append(b.p("Lists searched", "label"))
        for r in party.lists:
            dates = []
            if r.published:
                dates.append(f"published {r.published.isoformat()}")
            if r.imported:
                dates.append(f"imported {r.imported.date().isoformat()}")
            if r.entries is not None:
                dates.append(f"{r.entries:,} entries")
            if r.sha256:
                dates.append(f"SHA-256 {r.sha256[:16]}…")
            text = f"{r.label or r.id}: {STATE_TEXT[r.state]}"
            text += f" ({'; '.join(dates)})" if dates else ""
            style = "answer" if r.state == "ok" else "warn"
            out.append(b.p(b.t(text), style))
        out.append(b.p(f"Hits ({len(party.hits)})", "label"))
        if not party.hits:
            out.append(b.p("None at or above the threshold.", "answer"))
        labels = {r.id: r.label or r.id for r in party.lists}
        for h in party.hits:
            dismissal = review.dismissal(party.name, hit_id(h)) if review else None
            status = (
                '<font color="#166534"><b>[DISMISSED BY THE ADVISER]</b></font>'
                if dismissal
                else '<font color="#9b1c1c"><b>[OPEN]</b></font>'
            )
            sub = f" / {h.sub_list}" if h.sub_list else ""
            out.append(
                b.p(
                    f"{status} {h.score:.1f} — {b.t(labels.get(h.list, h.list))}{b.t(sub)} — entry "
                    f"{b.t(h.entry)}: {b.t(h.entry_name)}",
                    "answer",
                )
            )
            if h.programmes:
                out.append(b.p("Programmes: " + b.t("; ".join(h.programmes)), "answer"))
            out.append(b.p("Why: " + b.t(h.explanation), "answer"))
            if dismissal:
                who = f" by {dismissal.by}" if dismissal.by.strip() else ""
                when = f" on {dismissal.on.isoformat()}" if dismissal.on else ""
                out.append(b.p(b.t(f"Dismissed{who}{when}: {dismissal.reason}"), "answer"))
    return out
