"""Content checks of the shipped rule base: citations, dates, stale ITAR numbers, finding codes."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import yaml

from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).parent.parent
CODES_README = ROOT.parent / "shared" / "cases" / "README.md"
REVIEW_INTERVAL = dt.timedelta(days=180)

# Numbers that the 2022 ITAR renumbering (87 FR 16396, effective 2022-09-06) moved; in a current
# citation they mean something else (decision map 5.1). The EAR's 736.2(b)(3)(iv) "GP3" 9x515
# wording was replaced by 734.9 in 2022.
STALE = re.compile(
    r"\b22 CFR 120\.(6|9|10|15|17|19|20|21)\b(?!\.)|736\.2\(b\)\(3\)\(iv\)|\b121\.8\(f\)"
)


def _texts(ruleset):
    for f in ruleset.findings.values():
        yield f"finding {f.code}", f.explanation.en
        for s in f.next_steps:
            yield f"finding {f.code}", s.en
    for step in ruleset.steps.values():
        for t in (step.question, step.hint, step.help):
            if t is not None:
                yield f"step {step.id}", t.en
    for rule in ruleset.rules:
        if rule.next_step is not None:
            yield f"rule {rule.id}", rule.next_step.en


# Old number -> its pre-2022 meaning; a catalogue entry at that number must not carry it.
OLD_MEANING = {
    "22 CFR 120.6": "defense article",
    "22 CFR 120.9": "defense service",
    "22 CFR 120.10": "technical data",
    "22 CFR 120.11": "public domain",
    "22 CFR 120.15": "u.s. person",
    "22 CFR 120.16": "foreign person",
    "22 CFR 120.17": "export",
    "22 CFR 120.39": "regular employee",
    "22 CFR 120.50": "release",
    "22 CFR 120.51": "retransfer",
    "22 CFR 120.22": "technical assistance agreement",
    "22 CFR 124.16": "special retransfer",
}


def test_catalogue_entries_at_moved_numbers_have_their_current_meaning():
    for c in cached_ruleset().citations.values():
        old = OLD_MEANING.get(c.citation)
        assert not (old and c.title.lower().startswith(old)), (c.id, c.title)


def test_no_stale_itar_numbers_in_any_text():
    bad = [
        (where, STALE.search(text).group(0))
        for where, text in _texts(cached_ruleset())
        if STALE.search(text)
    ]
    assert not bad, f"stale pre-2022 numbers: {bad}"


def test_key_renumbered_sections_point_to_the_current_numbers():
    cites = {c.citation: c for c in cached_ruleset().citations.values()}
    expected = {
        "22 CFR 120.62": "U.S. person",
        "22 CFR 120.33": "Technical data",
        "22 CFR 120.41": "Specially designed",
        "22 CFR 120.11": "Order of review",
        "22 CFR 120.12": "ommodity jurisdiction",
    }
    for citation, title in expected.items():
        assert citation in cites, citation
        assert title.lower() in cites[citation].title.lower(), (citation, cites[citation].title)


def test_every_citation_is_an_https_url_checked_on_a_real_date():
    rs = cached_ruleset()
    today = dt.date.today()
    for c in rs.citations.values():
        assert c.url.startswith("https://"), c.id
        assert dt.date(2022, 9, 6) <= c.checked <= today, c.id


def test_rule_files_carry_dates_and_reviews_are_recent():
    rs = cached_ruleset()
    today = dt.date.today()
    for m in rs.modules:
        assert m.regulation_text_date <= m.last_reviewed <= today, m.id
        if today - m.last_reviewed > REVIEW_INTERVAL:
            warnings.warn(f"rule file {m.id} last reviewed {m.last_reviewed}", stacklevel=1)
    assert rs.meta.regulations_as_of <= rs.meta.last_reviewed <= today
    for g in rs.countries.groups:
        assert g.as_of <= g.checked <= today, g.id


def test_every_finding_code_of_the_public_table_exists():
    if not CODES_README.exists():
        codes = set()
    else:
        codes = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", CODES_README.read_text(), re.M))
    assert codes or not CODES_README.exists()
    missing = codes - set(cached_ruleset().findings)
    assert not missing, sorted(missing)


def test_every_finding_has_references_and_next_steps_unless_advisory():
    for f in cached_ruleset().findings.values():
        if f.code in (
            "NOT_SUBJECT_US_EXPORT_CONTROLS",
            "NO_US_AUTH_NEEDED",
            "OPEN_QUESTION_ADVISER",
        ):
            continue
        assert f.citations, f"{f.code} cites nothing"
        assert f.next_steps or f.advisory, f"{f.code} has no next step"


def test_changelog_has_an_entry_for_the_current_version():
    rs = cached_ruleset()
    changelog = (ROOT / "rules" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {rs.meta.version}" in changelog


def test_norway_is_a_country_everywhere():
    """Pitfall Y1 on the shipped data: "NO" stays Norway in the NATO group."""
    data = yaml.safe_load((ROOT / "rules" / "countries.yaml").read_text(encoding="utf-8"))
    nato = next(g for g in data["groups"] if g["id"] == "NATO")
    assert "NO" in nato["countries"] and False not in nato["countries"]
