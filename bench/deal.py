"""Deal benchmark (issue 10): a product with a 200-line bill of materials sold to 10
destinations, the whole deal evaluated; and the wizard's walk of the same deal.

    .venv/bin/python -m bench.deal

Builds the PCU deal of ``tests/deal_cases.py`` with the synthetic 200-line BOM of
:mod:`bench.bom` and 10 destinations (every per-destination question answered), then times
:func:`compliance_app.engine.deal_results.evaluate_deal` and
:func:`compliance_app.engine.deal.deal_walk` (what one wizard click walks), median of 15 runs.
Target (issue 10): the evaluation under 1 s. A measurement only: no test asserts a time.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from bench.bom import DESTINATIONS, synthetic_bom
from compliance_app.dossier.bom_csv import read_bom_csv
from compliance_app.engine.deal import deal_walk, split
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import load_ruleset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.deal_cases import pcu_deal  # noqa: E402

DAY = dt.date(2026, 12, 7)


def big_deal(ruleset) -> dict:  # noqa: ANN001
    """The PCU deal with a 200-line BOM and 10 destinations, every question answered."""
    answers = pcu_deal()
    lines, _problems = read_bom_csv(synthetic_bom(200))
    answers["m2_items"][0]["bom"] = [x.model_dump() for x in lines]
    answers["m2_items"][0]["rates"] = {"USD": 0.86}
    answers["m2_destinations"] = [
        {
            "id": f"dest{i + 1}",
            "name": f"Customer {c}",
            "country": c,
            "role": "customer",
            "items": ["item1"],
        }
        for i, c in enumerate(DESTINATIONS)
    ]
    defaults = {
        "m2_other_countries": [],
        "m2_end_use": "civil",
        "m5_licence_needed": "no",
        "m5_product_licence": "idk",
        "m5_sta": "idk",
        "m7_onward": "no",
        "m8_126_1_security_forces": "no",
        "m8_mil_intel": "no",
        "m8_red_flags": ["none"],
        "m7_123_9e": "no",
        "m8_entity_scope": "idk",
        "m8_ru_ear99_listed": "idk",
        "m8_744_supp2": "idk",
        "m5_product_eccn": "idk",
        "m5_fdp": "no",
        "m5_fdp_600": "no",
        "m9_brokering": "no",
        "m10_already_done": "no",
    }
    for _ in range(400):
        pending = deal_walk(ruleset, answers, DAY).pending
        if pending is None:
            break
        base = split(pending)[0]
        step = ruleset.steps[base]
        if pending in answers or base not in defaults:
            value = "idk" if step.allow_unknown else (step.option_values() or ["no"])[0]
            answers[pending] = [value] if step.type in ("many", "countries") else value
        else:
            answers[pending] = defaults[base]
    return answers


def median_s(fn, runs: int = 15) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    rs = load_ruleset()
    answers = big_deal(rs)
    ev = evaluate_deal(rs, answers, on=DAY)
    print(
        f"deal: 1 product with a 200-line BOM x {len(DESTINATIONS)} destinations, "
        f"{len(ev.matrix)} cells, complete={ev.complete}, {len(ev.worksheets)} worksheets"
    )
    t_eval = median_s(lambda: evaluate_deal(rs, answers, on=DAY))
    t_walk = median_s(lambda: deal_walk(rs, answers, DAY))
    print(f"evaluate_deal: {t_eval * 1000:.0f} ms (target < 1000 ms)")
    print(f"deal_walk (one wizard click's walk): {t_walk * 1000:.0f} ms")


if __name__ == "__main__":
    main()
