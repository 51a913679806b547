"""BOM benchmark: a 200-line bill of materials against 10 destinations.

    .venv/bin/python -m bench.bom

Times reading the CSV (:func:`compliance_app.dossier.bom_csv.read_bom_csv`) and building the
10 worksheets (:func:`compliance_app.engine.bom.worksheet`), median of 20 runs, and prints the
result. A measurement only: no test asserts a time.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import time

from compliance_app.dossier.bom_csv import read_bom_csv
from compliance_app.engine.bom import worksheet
from compliance_app.rulebase.loader import load_ruleset

DESTINATIONS = ["FR", "DE", "IN", "AE", "CN", "RU", "IR", "CU", "BR", "JP"]
CLASSES = ["9A515.e.1", "9A515.y.1", "3A001.a.2.c", "7A994", "EAR99", "XV(e)(1)", "9A610.y"]


def synthetic_bom(n: int = 200, seed: int = 13) -> bytes:
    """A cp1252, ';'-delimited BOM with decimal commas: ``n`` lines, about a third US-origin."""
    rnd = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Pièce", "Origine", "ECCN", "Valeur", "Devise", "Licence_vers", "Note"])
    for i in range(n):
        us = rnd.random() < 0.35
        value = f"{rnd.uniform(10, 5000):.2f}".replace(".", ",")
        w.writerow(
            [
                f"Réf. {i:04d}",
                "US" if us else rnd.choice(["FR", "DE", "IT", "ES"]),
                rnd.choice(CLASSES) if us else "",
                value,
                rnd.choice(["EUR", "EUR", "USD"]),
                rnd.choice(["all", "all except AU CA GB", "CN RU", "none"]) if us else "",
                "",
            ]
        )
    return out.getvalue().encode("cp1252")


def main() -> int:
    ruleset = load_ruleset()
    data = synthetic_bom()
    read_s, sheets_s = [], []
    for _ in range(20):
        t = time.perf_counter()
        lines, _problems = read_bom_csv(data)
        read_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        sheets = [worksheet(ruleset, lines, d, 400_000.0, {"USD": 0.92}) for d in DESTINATIONS]
        sheets_s.append(time.perf_counter() - t)
    statuses = ", ".join(f"{ws.destination} {ws.status}" for ws in sheets)
    print(f"BOM of {len(lines)} lines ({len(data):,} bytes), {len(DESTINATIONS)} destinations:")
    print(f"  read CSV: median {statistics.median(read_s) * 1000:.1f} ms")
    print(f"  10 worksheets: median {statistics.median(sheets_s) * 1000:.1f} ms")
    print(f"  statuses: {statuses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
