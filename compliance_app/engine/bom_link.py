"""Answers an item's bill of materials gives (the content kinds; per destination, the US
value counted for de minimis) and its per-destination worksheets, through
:mod:`compliance_app.engine.bom` (15 CFR 734.4, Supp. No. 2 to Part 734)."""

from __future__ import annotations

from collections.abc import Mapping

from compliance_app.engine.bom import BomLine, Worksheet, projected, worksheet
from compliance_app.rulebase.models import Ruleset


def lines_of(item: Mapping[str, object]) -> list[BomLine]:
    """The item's bill of materials as checked lines (the entry model checked them already)."""
    return [BomLine.model_validate(x) for x in item.get("bom") or []]  # type: ignore[union-attr]


def _total(ruleset: Ruleset, answers: Mapping[str, object]) -> float | None:
    value = answers.get(ruleset.meta.de_minimis.total_value_step)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


_projected: dict[tuple, tuple] = {}
"""Recent projections by (rule base, bill, rates, country, value): a walk projects each cell's
bill once per click; bounded, oldest dropped first."""


def answers_from_bom(
    ruleset: Ruleset, item: Mapping[str, object], country: str, answers: Mapping[str, object]
) -> dict[str, object]:
    """``{content step: kinds, US value step: counted value or "idk"}`` for ``item`` going to
    ``country`` (``answers``: the cell's answers, for the product's value); empty when the bill
    has no US line (the questions are then asked) or the country is not known."""
    deal = ruleset.meta.deal
    if deal is None or not item.get("bom") or len(country) != 2:
        return {}
    rates = item.get("rates") or {}
    total = _total(ruleset, answers)
    key = (id(ruleset), ruleset.meta.version, repr(item.get("bom")), repr(rates), country, total)
    if key not in _projected:
        _projected[key] = projected(ruleset, lines_of(item), country, total, rates)  # type: ignore[arg-type]
        if len(_projected) > 512:
            del _projected[next(iter(_projected))]
    kinds, value = _projected[key]
    if not kinds:
        return {}
    out: dict[str, object] = {deal.bom_content_step: kinds, deal.bom_us_value_step: value}
    if deal.bom_us_content_step:
        out[deal.bom_us_content_step] = "yes"  # the bill has US-origin lines
    return out


def worksheet_for(
    ruleset: Ruleset, item: Mapping[str, object], country: str, answers: Mapping[str, object]
) -> Worksheet | None:
    """The de minimis worksheet of ``item`` to ``country``; None without a bill of materials."""
    lines = lines_of(item)
    if not lines or len(country) != 2:
        return None
    rates = item.get("rates") or {}
    return worksheet(ruleset, lines, country, _total(ruleset, answers), rates)  # type: ignore[arg-type]
