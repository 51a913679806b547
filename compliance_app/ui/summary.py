"""The results in words, without Streamlit: the jurisdiction and authorisation sentences and
the findings grouped by severity (re-exported by :mod:`compliance_app.ui.state`)."""

from __future__ import annotations

from compliance_app.engine.results import Evaluation, FindingResult

SEVERITIES = ("critical", "high", "medium", "low", "info")

JURISDICTION_TEXT = {
    "ITAR": ("ITAR", "On your answers, the ITAR (US State Department) applies."),
    "EAR": (
        "EAR",
        "On your answers, the EAR (US Commerce Department) applies and the item is on the "
        "Commerce Control List.",
    ),
    "EAR99": (
        "EAR99",
        "On your answers, the EAR applies, but the item is not on the Commerce Control List.",
    ),
    "mixed": ("ITAR and EAR", "On your answers, both the ITAR and the EAR apply to parts of it."),
    "not_subject": (
        "Neither ITAR nor EAR",
        "On your answers, neither the ITAR nor the EAR applies.",
    ),
    "undetermined": (
        "Not determined",
        "The jurisdiction cannot be determined yet: some decisive answers are open.",
    ),
}
AUTHORIZATION_TEXT = {
    "yes": ("Yes", "A US authorisation (licence or agreement) is needed."),
    "likely": ("Likely", "A US authorisation is probably needed; a detail is still open."),
    "depends": ("Depends", "Whether a US authorisation is needed depends on a choice you make."),
    "undetermined": (
        "Not determined",
        "Whether a US authorisation is needed cannot be decided until the open questions "
        "are answered.",
    ),
    "no": ("No", "No US authorisation was found to be needed on your answers."),
}


def summary(evaluation: Evaluation) -> tuple[str, str, str, str]:
    """``(jurisdiction label, sentence, authorisation label, sentence)`` for the results."""
    j_label, j_text = JURISDICTION_TEXT[evaluation.jurisdiction]
    a_label, a_text = AUTHORIZATION_TEXT[evaluation.us_authorization_needed]
    if len({r.jurisdiction for r in evaluation.matrix}) > 1:  # a deal whose parts differ
        j_text += (
            " This is the deal as a whole: its items and destinations differ (see the results "
            "per item and destination)."
        )
    return j_label, j_text, a_label, a_text


def findings_by_severity(evaluation: Evaluation) -> list[tuple[str, list[FindingResult]]]:
    """Findings grouped by severity, most severe first; empty groups left out."""
    groups = [(s, [f for f in evaluation.findings if f.severity == s]) for s in SEVERITIES]
    return [(s, items) for s, items in groups if items]


ACCESS_TEXT = {
    "barred": "Barred: a 22 CFR 126.1 nationality; no access without DDTC's approval.",
    "named": "Must be named in the US authorisation (TAA or licence) before access.",
    "exemption": (
        "Allowed under 22 CFR 126.18 only if every condition of the exemption is met and "
        "recorded (see the finding)."
    ),
    "licence": "An EAR licence is needed for release (deemed reexport).",
    "allowed": "Allowed: no EAR licence needed for release (734.20).",
    "open": "Open: answer the open questions first.",
    "no_finding": "No restriction found on your answers.",
}
"""What a people group's access to US technical data needs (``MatrixRow.access``)."""


def matrix_rows(evaluation: Evaluation, titles: dict[str, str]) -> list[dict[str, str]]:
    """The results table: one row per item and destination, as plain strings. The rows of an
    item's people groups are folded into one (the strongest authorisation; every authorisation
    and cause of its groups); what each group needs is in :func:`access_rows`."""
    rank = ["yes", "likely", "undetermined", "depends", "no"]
    folded: dict[tuple[str, str], dict] = {}
    for r in evaluation.matrix:
        row = folded.setdefault(
            (r.item, r.destination),
            {"j": r.jurisdiction, "a": r.us_authorization_needed, "which": [], "causes": []},
        )
        if rank.index(r.us_authorization_needed) < rank.index(row["a"]):
            row["a"] = r.us_authorization_needed
        if r.jurisdiction != row["j"]:
            row["j"] = (
                "mixed" if "undetermined" not in (r.jurisdiction, row["j"]) else ("undetermined")
            )
        row["which"] += [c for c in r.authorisations if c not in row["which"]]
        row["causes"] += [c for c in r.causes if c not in row["causes"]]
    return [
        {
            "Item": item,
            "Destination": destination,
            "Jurisdiction": JURISDICTION_TEXT[row["j"]][0],
            "US authorisation needed": AUTHORIZATION_TEXT[row["a"]][0],
            "Which": "; ".join(titles.get(c, c) for c in row["which"]) or "-",
            "Because of": "; ".join(titles.get(c, c) for c in row["causes"]) or "-",
        }
        for (item, destination), row in folded.items()
    ]


def access_rows(evaluation: Evaluation, titles: dict[str, str]) -> list[dict[str, str]]:
    """Who may see the US technical data: one row per item (data) and people group."""
    seen = set()
    rows = []
    for r in evaluation.matrix:
        if not r.group or (r.item, r.group) in seen:
            continue
        seen.add((r.item, r.group))
        rows.append(
            {
                "Technical data": r.item,
                "Group": r.group,
                "Access": ACCESS_TEXT.get(r.access, r.access),
                "Authorisations": "; ".join(titles.get(c, c) for c in r.authorisations) or "-",
            }
        )
    return rows
