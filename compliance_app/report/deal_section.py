"""A deal in the report (issue 10): the overview of its lists and the results per cell.

* :func:`overview`: the items (name, kind, description), the destinations and parties (name,
  country, role, the items each receives) and the people groups (name, citizenships,
  residences, employment, number of people), read from the answers of the list steps named in
  ``rules/ruleset.yaml`` (``deal:``). Entries come from an answers file, which is untrusted:
  every value is read defensively and printed as data.
* :func:`headline`: the first page's "US authorisation needed: Yes — decided by ..." line
  (``Evaluation.driver``).
* :func:`matrix`: one table row per cell (``Evaluation.matrix``) with the titles of the
  authorisation findings and of the findings that cause them, then the table "Who may see the
  US technical data" for the cells with a people group (``MatrixRow.access``, see
  :data:`compliance_app.engine.deal_results.ACCESS`), each access value as a sentence citing
  its finding; then the de minimis calculations, once per item and destination.
* :func:`step_ref` and :func:`about_text`: qualified step ids (``m5_us_value@item1+dest2``)
  as a person reads them: the step, what it is about and its question number.

``b`` is always the report's builder (:class:`compliance_app.report.sections.ReportStory`).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, Spacer

from compliance_app.engine.deal import HOME, JOIN, split
from compliance_app.engine.deal_results import ACCESS
from compliance_app.engine.entries import EMPLOYMENT_LABELS, KIND_LABELS, ROLE_LABELS, UNKNOWN
from compliance_app.engine.values import country_name
from compliance_app.report.style import AUTHORIZATION, JURISDICTION
from compliance_app.report.tables import grid

WHOLE_DEAL = "the whole deal"
DESCRIPTION_IN_TABLE = 400
"""Longest description printed inside the items table; a longer one follows the table."""

ACCESS_TEXT = {
    "barred": (
        "Barred",
        "These people may not see the US technical data: a citizenship of this group is one "
        "the ITAR prohibits.",
    ),
    "named": (
        "Must be named in the US authorisation",
        "These people may see the US technical data only once they are named in the US "
        "authorisation (for example the TAA).",
    ),
    "exemption": (
        "Exemption conditions",
        "These people may see the US technical data under the exemption only if every one of "
        "its conditions is met and recorded.",
    ),
    "licence": (
        "EAR licence",
        "These people may see the US technical data only under a licence from the US "
        "Commerce Department (BIS).",
    ),
    "allowed": (
        "Allowed",
        "On the answers given, these people may see the US technical data without a US "
        "authorisation.",
    ),
    "open": (
        "Open question",
        "Not decided: answer the open questions of this item and destination first, and give "
        "no access until then.",
    ),
    "no_finding": (
        "Not decided",
        "No rule decided access for these people on the answers given: ask your adviser "
        "before giving them access.",
    ),
}
"""Access of a people group (``MatrixRow.access``): a short label and a plain sentence."""


def is_deal(b: Any) -> bool:
    """True when the evaluation is a deal's (it has a results matrix)."""
    return bool(b.ev.matrix)


def _entries(b: Any, step_id: str) -> list[dict]:
    value = b.answers.answers.get(step_id)
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _country(code: object) -> str:
    code = _str(code).strip()
    if code == UNKNOWN:
        return "I don't know"
    return f"{country_name(code)} ({code})" if code else ""


def _countries(codes: object) -> str:
    if not isinstance(codes, list) or not codes:
        return "(none given)"
    return ", ".join(_country(c) for c in codes)


def home_country(b: Any) -> str:
    """The company's country: the answer of the deal's home-country step, else the company's."""
    sid = b.meta.deal.home_country if b.meta.deal else ""
    value = b.answers.answers.get(sid)
    return _str(value if isinstance(value, str) and value else b.answers.company.country).strip()


def destination_text(b: Any, dest: dict | None) -> str:
    """``"Prime SA, France (FR)"``; ``"Stays in Luxembourg (LU)"`` for no destination."""
    if dest is None:
        home = home_country(b)
        return f"Stays in {_country(home)}" if home else "Stays in the company's country"
    return f"{_str(dest.get('name'))}, {_country(dest.get('country'))}"


def entry_names(b: Any) -> dict[str, str]:
    """Entry id -> what a person reads (item name, destination label, group name), and
    ``home`` -> the company's country, for the qualifiers of step ids."""
    deal = b.meta.deal
    names = {HOME: destination_text(b, None)}
    if deal is None:  # a rule base for one case
        return names
    names |= {_str(e.get("id")): _str(e.get("name")) for e in _entries(b, deal.items)}
    names |= {_str(e.get("id")): destination_text(b, e) for e in _entries(b, deal.destinations)}
    names |= {_str(e.get("id")): _str(e.get("name")) for e in _entries(b, deal.groups)}
    return names


def about_text(b: Any, qid: str) -> str:
    """What a qualified step id is about (``"PCU-200 → Prime SA, France (FR)"``), "" for a
    step asked once for the deal. The trail's label when there is one, else the entries'."""
    if qid in b.about_of and b.about_of[qid]:
        return b.about_of[qid]
    qualifier = split(qid)[1]
    if not qualifier:
        return ""
    names = b.entry_names
    return " → ".join(names.get(part) or part for part in qualifier.split(JOIN))


def step_ref(b: Any, qid: str) -> str:
    """Markup naming a step as a person reads it: ``m5_us_value for PCU-200 → Prime SA,
    France (FR) (Q23)``; a step asked once keeps its id (``m1_country (Q1)``)."""
    step_id = split(qid)[0]
    about = about_text(b, qid)
    text = b.t(step_id) + (f" for {b.t(about)}" if about else "")
    return text + (f" (Q{b.qnum[qid]})" if qid in b.qnum else "")


def headline(b: Any) -> list[Flowable]:
    """The first page's line naming the cell that decides the overall authorisation."""
    if not b.ev.driver:
        return []
    label = AUTHORIZATION[b.ev.us_authorization_needed][0]
    return [
        b.p(
            f"<b>US authorisation needed: {label}</b> — decided by {b.t(b.ev.driver)}.",
            "box",
        ),
        Spacer(1, 4),
    ]


def overview(b: Any) -> list[Flowable]:
    """The "The deal" section: items, destinations and parties, people groups."""
    deal = b.meta.deal
    if deal is None:
        return []
    items = _entries(b, deal.items)
    dests = _entries(b, deal.destinations)
    groups = _entries(b, deal.groups)
    out: list[Flowable] = [CondPageBreak(150), b.p("The deal", "h1")]
    out.append(
        b.p(
            f"This assessment covers {len(items)} item(s), {len(dests)} destination(s) and "
            f"{len(groups)} group(s) of people who would see US technical data. Each item is "
            "assessed with each destination it goes to and, where it matters, with each group."
        )
    )
    out.append(b.p("Items", "h2"))
    long_ones: list[dict] = []
    rows = []
    for e in items:
        kind = _str(e.get("kind"))
        description = _str(e.get("description"))
        shown = " ".join(description.split())
        if len(description) > DESCRIPTION_IN_TABLE or "\n" in description.strip():
            long_ones.append(e)
            shown = shown[:DESCRIPTION_IN_TABLE] + "… (continued below the table)"
        rows.append([b.t(e.get("name")), b.t(KIND_LABELS.get(kind, kind)), b.t(shown)])
    if rows:
        out.append(grid(b, ["Item", "Kind", "Description"], rows, [0.25, 0.25, 0.5]))
    else:
        out.append(b.p("No item was listed."))
    for e in long_ones:
        out.append(b.p(f"Description of {b.t(e.get('name'))}", "label"))
        out.extend(b.long_text(e.get("description"), "answer"))
    out.append(b.p("Destinations and parties", "h2"))
    names = {_str(e.get("id")): _str(e.get("name")) for e in items}
    rows = []
    for d in dests:
        received = d.get("items") if isinstance(d.get("items"), list) else []
        role = _str(d.get("role"))
        rows.append(
            [
                b.t(d.get("name")),
                b.t(_country(d.get("country"))),
                b.t(ROLE_LABELS.get(role, role)),
                b.t("; ".join(names.get(_str(i), _str(i)) for i in received) or "(none)"),
            ]
        )
    if rows:
        out.append(grid(b, ["Party", "Country", "Role", "Items it receives"], rows, [3, 2, 2, 3]))
    else:
        out.append(b.p("No destination was listed."))
    going = {_str(i) for d in dests if isinstance(d.get("items"), list) for i in d["items"]}
    staying = [names[i] for i in names if i not in going]
    if staying:
        out.append(
            b.p(
                f"These items go to no destination and stay in the company's country, "
                f"{b.t(_country(home_country(b)) or 'not given')}: {b.t('; '.join(staying))}."
            )
        )
    out.append(b.p("People who would see US technical data", "h2"))
    rows = []
    for g in groups:
        employment = _str(g.get("employment") or "employees")
        people = g.get("people")
        rows.append(
            [
                b.t(g.get("name")),
                b.t(_countries(g.get("citizenships"))),
                b.t(_countries(g.get("residences"))),
                b.t(EMPLOYMENT_LABELS.get(employment, employment)),
                b.t(people) if people not in (None, "") else "(not given)",
            ]
        )
    if rows:
        out.append(
            grid(
                b,
                ["Group", "Citizenships", "Residences", "Employment", "People"],
                rows,
                [3, 3, 2.2, 2, 1.2],
            )
        )
    else:
        out.append(b.p("No group of people was listed."))
    return out


def _titles(b: Any, codes: list[str]) -> str:
    if not codes:
        return "(none)"
    return "<br/>".join(b.t(b.finding_titles.get(c, c)) for c in codes)


def matrix(b: Any) -> list[Flowable]:
    """The results per cell, who may see the US technical data, and the calculations."""
    rows_in = b.ev.matrix
    with_group = any(r.group for r in rows_in)
    out: list[Flowable] = [CondPageBreak(150), b.p("Results per item, destination and group", "h1")]
    out.append(
        b.p(
            "One row per item and destination (and group of people, where the item involves "
            "US technical data). The authorisations are the findings that say which US "
            "authorisation is needed or may be used; the causes are the findings that decide "
            "them. Each finding is explained in the Findings section."
        )
    )
    header = ["Item", "Destination", *(["Group"] if with_group else [])]
    header += ["Jurisdiction", "US authorisation", "Authorisations", "What causes them"]
    rows = []
    for r in rows_in:
        auth = f"<b>{AUTHORIZATION[r.us_authorization_needed][0]}</b>"
        if r.open_questions:
            auth += f"<br/>{r.open_questions} open question(s)"
        if not r.complete:
            auth += "<br/>incomplete"
        rows.append(
            [
                b.t(r.item),
                b.t(r.destination),
                *([b.t(r.group) if r.group else "(no group)"] if with_group else []),
                JURISDICTION[r.jurisdiction][0],
                auth,
                _titles(b, r.authorisations),
                _titles(b, r.causes),
            ]
        )
    fractions = [1.0, 1.2, *([0.9] if with_group else []), 1.15, 1.25, 1.95, 1.8]
    out.append(grid(b, header, rows, fractions))
    if with_group:
        out.extend(access(b))
    calcs = calculations(b)
    if calcs:
        out.append(b.p("De minimis calculations", "h2"))
        out.extend(b.p(b.t(c), "check", bulletText="•") for c in calcs)
    return out


def access_sentence(b: Any, value: str) -> str:
    """Markup: the access value as a sentence, then the finding that says it with its
    citations (``See the finding “...” (22 CFR ...).``)."""
    label, sentence = ACCESS_TEXT.get(
        value, ("Not decided", "Ask your adviser before giving these people access.")
    )
    text = f"<b>{label}.</b> {b.t(sentence)}"
    codes = ACCESS.get(value, ())
    finding = next((b.findings_by_code[c] for c in codes if c in b.findings_by_code), None)
    if finding is not None:
        cites = "; ".join(c.citation for c in finding.citations)
        text += f" See the finding “{b.t(finding.title)}”" + (f" ({b.t(cites)})." if cites else ".")
    return text


def access(b: Any) -> list[Flowable]:
    """The table "Who may see the US technical data" (cells with a people group)."""
    rows = [
        [b.t(r.group), b.t(r.item), b.t(r.destination), access_sentence(b, r.access)]
        for r in b.ev.matrix
        if r.group
    ]
    return [
        b.p("Who may see the US technical data", "h2"),
        b.p(
            "For each group of people and each item that involves US technical data: whether "
            "they may see it, and on what condition. An open question is never a yes."
        ),
        grid(b, ["Group", "Item", "Destination", "Access"], rows, [1.2, 1.2, 1.4, 3.2]),
    ]


def calculations(b: Any) -> list[str]:
    """The de minimis calculations of the deal, once per item and destination."""
    seen: dict[tuple[str, str], str] = {}
    for r in b.ev.matrix:
        if r.calculation:
            seen.setdefault((r.item, r.destination), f"{r.item} → {r.destination}: {r.calculation}")
    return list(seen.values())
