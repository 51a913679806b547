"""Report of a deal: time to write the PDF of a deal with 10 items and 10 destinations.

The deal: eight own products with US 9x515 and EAR99 content, each sold to all ten destinations
(France, Germany, India, Japan, Brazil, UAE, Singapore, China, South Africa, Norway), and two
sets of US technical data that stay in Luxembourg and are seen by three groups of people: 86
cells. Every question is answered (the same answer for every item and destination, with some
"I don't know"), then each of the 80 product-destination cells gets a de minimis worksheet of
12 lines (the shape ``Evaluation.worksheets`` will hold), as the bill of materials would give.

Prints the time to evaluate the deal (not part of the figure), then the median time of
``build_pdf`` over a few builds after a warm-up (wall clock, and the process's CPU time, which
other work on a shared machine disturbs less), without and with the worksheets, the pages
and the PDF size. No timing is asserted anywhere. Usage: ``python -m bench.report_deal``.
"""

from __future__ import annotations

import statistics
import time
import warnings

from compliance_app.dossier.answers import AnswersFile, Company, RulesetRef
from compliance_app.engine.deal import deal_walk, split
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import cached_ruleset

COUNTRIES = ["FR", "DE", "IN", "JP", "BR", "AE", "SG", "CN", "ZA", "NO"]
REPS = 3
PREFERRED: dict[str, object] = {
    "m1_us_owned": "not_us_owned",
    "m1_icp": "written",
    "m2_other_countries": [],
    "m2_end_use": "government_civil",
    "m2_already_happened": "no",
    "m3_us_content": "yes",
    "m3_us_technology": "none",
    "m3_info_sources": ["us_company"],
    "m3_us_persons": "no",
    "m6_info_content": "technical",
    "m4_item_jurisdiction": "itar",
    "m4_content_kinds": ["ear_9x515_ax", "ear99"],
    "m4_doubt": "no",
    "m4_sme": "no",
    "m5_us_value": 84000.0,
    "m5_total_value": 310000.0,
    "m5_product_eccn": "eccn_9x515_ax",
    "m5_product_licence": "yes",
    "m5_sta": "idk",
    "m7_us_provides": ["technical_data", "services"],
    "m7_existing_approval": "none_yet",
    "m7_exemption_route": "route_d",
    "m7_126_18d_conditions": ["regular_employees", "named_party", "in_territory"],
    "m7_cloud": "no_cloud",
    "m8_screening": "no_hit",
    "m8_affiliates": "no",
    "m8_red_flags": ["none"],
}


def deal_answers(rs) -> dict[str, object]:
    """The deal's lists, then every question on the deal's path answered."""
    items = [
        {"id": f"item{i}", "name": f"PCU-{i}00 power unit", "kind": "own_product"}
        for i in range(1, 9)
    ]
    items += [
        {"id": f"item{i}", "name": f"US prime ICD set {i}", "kind": "us_data"} for i in (9, 10)
    ]
    answers: dict[str, object] = {
        "m1_country": "LU",
        "m2_items": items,
        "m2_destinations": [
            {
                "id": f"dest{j}",
                "name": f"Customer {j} & Co <{code}>",
                "country": code,
                "role": "customer",
                "items": [f"item{i}" for i in range(1, 9)],
            }
            for j, code in enumerate(COUNTRIES, start=1)
        ],
        "m7_groups": [
            {"id": "group1", "name": "EU engineers", "citizenships": ["FR", "LU"]},
            {"id": "group2", "name": "Indian engineers", "citizenships": ["IN"]},
            {"id": "group3", "name": "Chinese engineers", "citizenships": ["CN"]},
        ],
    }
    for i in range(1, 11):
        answers[f"m2_activities@item{i}"] = (
            ["sell_own_product"] if i <= 8 else ["receive_us_info", "give_access"]
        )
    for _ in range(30):
        dw = deal_walk(rs, answers)
        if dw.pending is None:
            return answers
        todo = [q for q in dw.path if q not in answers] or [dw.pending]
        for qid in todo:
            step = rs.steps[split(qid)[0]]
            if step.id in PREFERRED:
                answers[qid] = PREFERRED[step.id]
            elif step.options:
                value = step.options[0].value
                answers[qid] = [value] if step.type == "many" else value
            else:
                answers[qid] = {"number": 1.0, "countries": [], "country": "FR"}.get(
                    step.type, "Answer"
                )
    raise SystemExit(f"the deal's walk did not finish (stopped at {dw.pending})")


def worksheets(ev) -> list[dict]:
    """A 12-line worksheet per product and destination (the BOM helper's shape)."""
    lines = [
        {
            "number": n,
            "part": f"Part {n} <rev {n}> & spares",
            "classification": "9A515.x" if n % 3 == 0 else "EAR99",
            "kind": "ear_9x515_ax" if n % 3 == 0 else "ear99",
            "value_in_currency": 7000.0 if n % 3 == 0 else None if n == 11 else 1200.0,
            "counts": "yes" if n % 3 == 0 else "unknown" if n == 11 else "no",
            "reason": "US-origin content on the CCL that needs a licence to this destination."
            if n % 3 == 0
            else "EAR99 content is not counted here.",
        }
        for n in range(1, 13)
    ]
    out = []
    for r in ev.matrix:
        if r.group:
            continue
        out.append(
            {
                "item": r.item,
                "destination": r.destination[-3:-1],
                "destination_label": r.destination,
                "currency": "EUR",
                "total_value": 310000.0,
                "lines": lines,
                "counted_value": 28000.0,
                "unknown_lines": 1,
                "level": 25.0,
                "percent": None,
                "status": "unknown",
                "explanation": "One line is not known: the result is indeterminate.",
                "section": "15 CFR 734.4(d)",
            }
        )
    return out


def main() -> None:
    rs = cached_ruleset()
    answers = deal_answers(rs)
    t = time.perf_counter()
    ev = evaluate_deal(rs, answers)
    print(f"evaluate_deal: {time.perf_counter() - t:.2f} s, {len(ev.matrix)} cells")
    ref = RulesetRef(id=rs.meta.id, version=rs.meta.version)
    company = Company(name="Alzette Avionics S.A.", country="LU")
    try:
        af = AnswersFile(ruleset=ref, company=company, answers=answers)  # type: ignore[arg-type]
    except ValueError:  # the answers file does not take list answers yet (issue 10, dossier)
        af = AnswersFile.model_construct(
            ruleset=ref, company=company, answers=answers, screening=None
        )
    warnings.simplefilter("ignore", UserWarning)  # pydantic, dumping the unvalidated answers
    build_pdf(rs.meta, af, ev)  # warm-up: fonts
    for label, evaluation in (
        ("without worksheets", ev),
        ("with 80 worksheets of 12 lines", ev.model_copy(update={"worksheets": worksheets(ev)})),
    ):
        times, cpu = [], []
        for _ in range(REPS):
            t, c = time.perf_counter(), time.process_time()
            pdf = build_pdf(rs.meta, af, evaluation)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
        print(
            f"build_pdf, 10 items x 10 destinations ({len(ev.matrix)} cells), {label}: "
            f"median {statistics.median(times):.2f} s of {REPS} (CPU "
            f"{statistics.median(cpu):.2f} s), {pages} pages, "
            f"{len(pdf) / 1e3:.0f} kB"
        )


if __name__ == "__main__":
    main()
