"""The ``bom`` command of ``python -m compliance_app``: the de minimis worksheet per destination.

``bom FILE.csv --total 120000 --to FR --to IN [--rate USD=0.92] [--currency EUR] [--json]``
reads the bill of materials (:mod:`compliance_app.dossier.bom_csv`), prints the problems found
in the file, then for each destination the worksheet of :func:`compliance_app.engine.bom.worksheet`
(each line: counted yes/no/unknown and why; the sum, percentage, level, status and section).
Exit 0 when the file was read (even with problems), 1 when it was refused or an argument is
wrong. See ``docs/bom.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from compliance_app.dossier.bom_csv import BomError, read_bom_csv
from compliance_app.engine.bom import Worksheet, worksheet
from compliance_app.engine.bom_lines import country_problem
from compliance_app.rulebase.loader import DEFAULT_RULES_DIR, load_ruleset


def _rates(pairs: list[str]) -> dict[str, float]:
    """``["USD=0.92"]`` -> ``{"USD": 0.92}``; raises ValueError with a sentence."""
    out: dict[str, float] = {}
    for pair in pairs:
        code, _, number = pair.partition("=")
        code = code.strip().upper()
        try:
            rate = float(number)
        except ValueError:
            rate = -1.0
        if len(code) != 3 or not code.isalpha() or not rate > 0:
            raise ValueError(f"--rate '{pair}' must look like USD=0.92 (a rate above zero).")
        out[code] = rate
    return out


def _money(value: float | None, currency: str) -> str:
    return "unknown" if value is None else f"{value:,.2f} {currency}"


def print_worksheet(ws: Worksheet) -> None:
    """One destination's worksheet as plain text."""
    print(f"Destination {ws.destination}: {ws.status.upper().replace('_', ' ')} ({ws.section})")
    print(f"  {'#':>3}  {'counts':<7} {'value':>16}  {'kind':<13} part / classification")
    for r in ws.lines:
        value = _money(r.value_in_currency, ws.currency)
        what = f"{r.part} / {r.classification}"
        print(f"  {r.number:>3}  {r.counts:<7} {value:>16}  {r.kind:<13} {what}")
        print(f"       {r.reason}")
    percent = "unknown" if ws.percent is None else f"{ws.percent:.1f} %"
    if ws.status in ("zero_rule", "not_applicable"):
        percent = "not used"
    level = "not decided" if ws.level is None else f"{ws.level:g} %"
    print(
        f"  Counted US content: {_money(ws.counted_value, ws.currency)} of "
        f"{_money(ws.total_value, ws.currency)}; percentage: {percent}; level: {level}; "
        f"lines not known: {ws.unknown_lines}."
    )
    print(f"  {ws.explanation}")
    print()


def cmd_bom(args: argparse.Namespace) -> int:
    """Run the ``bom`` command; returns the exit code."""
    try:
        rates = _rates(args.rate or [])
        args.to = [d.strip().upper() for d in args.to]
        if len(args.currency) != 3 or not args.currency.isalpha():
            raise ValueError(f"--currency '{args.currency}' must be an ISO 4217 code like EUR.")
        args.currency = args.currency.upper()
        for dest in args.to:
            if problem := country_problem(dest):
                raise ValueError(f"--to {problem}")
        lines, problems = read_bom_csv(Path(args.file).read_bytes())
    except (BomError, ValueError) as exc:
        print(f"BOM refused: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot read the file: {exc}", file=sys.stderr)
        return 1
    ruleset = load_ruleset(args.rules)
    sheets = [worksheet(ruleset, lines, d, args.total, rates, args.currency) for d in args.to]
    if args.json:
        doc = {
            "file": args.file,
            "problems": problems,
            "lines": [line.model_dump() for line in lines],
            "worksheets": [ws.model_dump() for ws in sheets],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(f"Bill of materials {args.file}: {len(lines)} line(s), {len(problems)} problem(s).")
    for p in problems:
        print(f"  {p}")
    print()
    for ws in sheets:
        print_worksheet(ws)
    print(
        "Guidance only, not legal advice: the adviser confirms classifications and licence needs."
    )
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``bom`` on the ``python -m compliance_app`` parser."""
    b = sub.add_parser("bom", help="de minimis worksheet per destination from a BOM CSV file")
    b.add_argument("file", help="the BOM CSV file (template: examples/bom-template.csv)")
    b.add_argument("--total", type=float, default=None, help="value of one unit of the product")
    b.add_argument("--to", action="append", required=True, help="destination (ISO code), repeat")
    b.add_argument("--rate", action="append", help="exchange rate, e.g. USD=0.92 (repeat)")
    b.add_argument("--currency", default="EUR", help="currency of --total (default EUR)")
    b.add_argument("--json", action="store_true")
    b.add_argument("--rules", default=str(DEFAULT_RULES_DIR), help="rule base folder")
    b.set_defaults(func=cmd_bom)
