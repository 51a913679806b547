"""The coverage map (rules/coverage.yaml): in step with the rule base, in docs/coverage.md and
as a page of every report (issue 9, "What the tool does not cover, said plainly")."""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.coverage import markdown
from compliance_app.rulebase.loader import (
    DEFAULT_RULES_DIR,
    RulesetError,
    cached_ruleset,
    load_ruleset,
)

ROOT = Path(__file__).resolve().parent.parent


def test_docs_coverage_md_is_the_current_map() -> None:
    doc = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert doc == markdown(cached_ruleset()), (
        "run: python -m compliance_app coverage > docs/coverage.md"
    )


def test_every_status_is_used_and_every_regime_is_there() -> None:
    areas = cached_ruleset().coverage.areas
    assert {a.status for a in areas} == {"models", "flags", "not_covered"}
    assert {"ITAR", "EAR", "OFAC", "EU/LU"} <= {a.regime for a in areas}


@pytest.mark.parametrize(
    "section",
    ["742.6(b)", "31 CFR Parts 510, 515", "734.7", "734.3(b)(3)", "734.9(e), (f)", "126.1"],
)
def test_what_the_audit_could_not_read_is_flagged(section: str) -> None:
    """Issue 16: texts not read are 'flagged' (or noted), never silently modelled as read."""
    areas = [a for a in cached_ruleset().coverage.areas if section in a.sections]
    assert areas and any(a.status == "flags" or (a.note and "not read" in a.note.en) for a in areas)


def test_cyprus_after_the_suspension_is_said() -> None:
    notes = " ".join(a.note.en for a in cached_ruleset().coverage.areas if a.note)
    assert "Cyprus" in notes and "30 Sep 2026" in notes


def _copy_rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, dst)
    return dst


def test_a_finding_missing_from_the_map_is_a_rule_base_error(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "coverage.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for area in data["areas"]:
        area["findings"] = [f for f in area.get("findings", []) if f != "AUTH_MLA"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_ruleset(rules)
    assert "finding 'AUTH_MLA' is in no area of the coverage map" in err.value.report()


def test_an_unknown_module_in_the_map_is_a_rule_base_error(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "coverage.yaml"
    text = path.read_text(encoding="utf-8").replace("modules: [m4_itar]", "modules: [m4_itr]", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_ruleset(rules)
    assert "unknown module 'm4_itr'" in err.value.report()


def test_every_report_has_the_coverage_page() -> None:
    rs = cached_ruleset()
    af = parse((ROOT / "examples" / "structures_no_us_content.yaml").read_bytes())
    ev = evaluate_deal(rs, af.answers)
    pdf = build_pdf(rs.meta, af, ev, invariant=True)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))
    assert "Whatthisassessmentcovers" in text  # compared without spaces: lines wrap anywhere
    for area in rs.coverage.areas:
        assert re.sub(r"\s+", "", area.title.en[:30]) in text, area.id  # a page may break a line
    assert "NOTCOVERED" in text and "isnotaclearance" in text
