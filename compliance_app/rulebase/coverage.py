"""The coverage map as text: ``docs/coverage.md`` is :func:`markdown` of ``rules/coverage.yaml``.

``python -m compliance_app coverage`` prints it; ``tests/test_coverage_map.py`` checks that the
file in ``docs/`` is the current output.
"""

from __future__ import annotations

from compliance_app.rulebase.models import CoverageMap, Ruleset

STATUS = {
    "models": "the tool asks, decides and says what follows",
    "flags": "the tool recognises the case and sends it to the adviser, without deciding",
    "not_covered": "the tool does not look at it: its silence is not a clearance",
}
"""What each status means, as the report and docs/coverage.md say it."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(ruleset: Ruleset, lang: str = "en") -> str:
    """The coverage map of ``ruleset`` as a Markdown page (empty map: a one-line note)."""
    cov: CoverageMap | None = ruleset.coverage
    m = ruleset.meta
    lines = [
        "# What the tool covers",
        "",
        f"Rule base {m.id} {m.version}, regulations as of {m.regulations_as_of.isoformat()}. "
        "Generated from `rules/coverage.yaml` by `python -m compliance_app coverage`; "
        "do not edit by hand.",
        "",
        "For each area of the rules, the tool either **models** it, **flags** it or does "
        "**not cover** it:",
        "",
    ]
    lines += [f"- **{key.replace('_', ' ')}**: {text}." for key, text in STATUS.items()]
    lines.append("")
    if cov is None:
        return "\n".join([*lines, "No coverage map in this rule base.", ""])
    lines.append(f"Map last reviewed {cov.last_reviewed.isoformat()}.")
    for regime in dict.fromkeys(a.regime for a in cov.areas):
        lines += ["", f"## {regime}", "", "| area | status | sections | where | note |"]
        lines.append("|---|---|---|---|---|")
        for a in (a for a in cov.areas if a.regime == regime):
            where = ", ".join(a.modules + a.findings) or "–"
            note = a.note.get(lang) if a.note else ""
            lines.append(
                f"| {_cell(a.title.get(lang))} | {a.status.replace('_', ' ')} | "
                f"{_cell(a.sections)} | {_cell(where)} | {_cell(note)} |"
            )
    return "\n".join(lines) + "\n"
