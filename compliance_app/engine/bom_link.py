"""Answers an item's bill of materials gives (the content kinds; per destination, the US
value counted for de minimis), through :mod:`compliance_app.engine.bom`."""

from __future__ import annotations

from collections.abc import Mapping

from compliance_app.rulebase.models import Ruleset


def answers_from_bom(
    ruleset: Ruleset, item: dict, country: str, answers: Mapping[str, object]
) -> dict[str, object]:
    """``{content step: kinds, us value step: value or "idk"}`` for ``item`` going to
    ``country``; empty when the item has no bill of materials."""
    return {}
