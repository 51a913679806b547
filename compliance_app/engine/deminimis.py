"""EAR de minimis calculation for a foreign-made product with US content.

Implements 15 CFR 734.4 with the calculation method of Supplement No. 2 to Part 734:

* 9x515 or "600 series" .a-.x content and a destination in Country Group D:5: no de minimis
  level, any amount makes the product subject to the EAR (734.4(a)(6)(i)) -> ``zero_rule``;
* 9x515 / "600 series" .y content and a destination in Country Group E:1 or E:2, or Belarus,
  China or Russia (734.4(a)(6)(ii); country groups ``E1``, ``E2`` and ``DE_MINIMIS_Y_NAMED``)
  -> ``zero_rule``. The paragraph was read only in secondary sources: the rule base marks the
  group ``secondary`` and attaches VERIFY_CURRENT_RULE;
* EAR99 content counts only where Part 746 (embargoes and other special controls) requires a
  licence for it at the destination (Supp. No. 2 to Part 734, (a)(1)): for the destinations of
  group ``EAR99_DE_MINIMIS_CHECK`` (Cuba, Iran, North Korea, Syria, Russia, Belarus, Ukraine's
  covered regions) EAR99 content makes the result ``unknown`` (the adviser decides); elsewhere
  it is not counted, and EAR99-only content gives ``below`` with the reason, so the report
  states why the product is not subject;
* otherwise the percentage of counted US content (controlled US content, i.e. content that
  would need a licence to the destination, valued at fair market value, in the same currency
  as the product's value) is compared with the level: 10 % for Country Groups E:1 and E:2
  (734.4(c)), 25 % elsewhere (734.4(d)). At or below the level the product is not subject.

ITAR content is never counted (ITAR has no de minimis: see-through, 22 CFR 120.11(c)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from compliance_app.rulebase.models import UNKNOWN, Ruleset

Status = Literal["not_applicable", "zero_rule", "exceeded", "below", "unknown"]

COUNTED = ("ear_9x515_ax", "ear_9x515_y", "ear_other_ccl")
"""Content option values that count towards de minimis."""


@dataclass(frozen=True)
class DeMinimis:
    """Result. ``percent`` and ``level`` are percentages (0-100), not fractions."""

    status: Status
    percent: float | None = None
    level: float | None = None
    explanation: str = ""


def _in(ruleset: Ruleset, group: str, country: str | None) -> bool:
    if not country:
        return False
    try:
        return country in ruleset.group(group).countries
    except KeyError:
        return False


def calculate(
    ruleset: Ruleset,
    content: list[str] | None,
    destination: str | None,
    us_value: float | str | None,
    total_value: float | str | None,
    unit: str = "",
) -> DeMinimis:
    """Compute the de minimis status.

    Args:
        content: option values of the content step (``itar``, ``ear_9x515_ax``,
            ``ear_9x515_y``, ``ear_other_ccl``, ``ear99``, ``idk``), or None when not asked.
        destination: ISO alpha-2 code of the destination, or None.
        us_value: value of the counted (controlled) US content, same currency as
            ``total_value``; ``"idk"`` or None when unknown.
        total_value: value of the product.
        unit: currency label used in the explanation (e.g. ``EUR``).

    Returns a :class:`DeMinimis`; never raises for odd input (it returns ``unknown``).
    """
    if not content:
        return DeMinimis("not_applicable", explanation="No US content was declared.")
    if "ear_9x515_ax" in content and _in(ruleset, "D5", destination):
        return DeMinimis(
            "zero_rule",
            level=0.0,
            explanation=(
                f"9x515 or 600-series (.a-.x) US content and a Country Group D:5 destination "
                f"({destination}): no de minimis level, any amount counts (15 CFR 734.4(a)(6))."
            ),
        )
    if "ear_9x515_y" in content and any(
        _in(ruleset, g, destination) for g in ("E1", "E2", "DE_MINIMIS_Y_NAMED")
    ):
        return DeMinimis(
            "zero_rule",
            level=0.0,
            explanation=(
                f"9x515 or 600-series .y US content and destination {destination}: no de minimis "
                "level for Country Groups E:1 and E:2, Belarus, China and Russia, any amount "
                "counts (15 CFR 734.4(a)(6)(ii), read in secondary sources: verify)."
            ),
        )
    counted = [c for c in content if c in COUNTED]
    if "ear99" in content and _in(ruleset, "EAR99_DE_MINIMIS_CHECK", destination):
        return DeMinimis(
            "unknown",
            explanation=(
                f"EAR99 US content and destination {destination}: EAR99 content counts for de "
                "minimis where Part 746 requires a licence for it at the destination (Supp. No. 2 "
                "to Part 734, (a)(1)); the adviser decides whether it counts here and at which "
                "level."
            ),
        )
    if not counted:
        if UNKNOWN in content:
            return DeMinimis(
                "unknown", explanation="The classification of the US content is not known."
            )
        if "ear99" in content and (not destination or destination == UNKNOWN):
            return DeMinimis("unknown", explanation="The destination is not known.")
        if "ear99" in content:
            return DeMinimis(
                "below",
                percent=0.0,
                explanation=(
                    f"All US content is EAR99. EAR99 content counts for de minimis only where Part "
                    f"746 requires a licence for it at the destination (Supp. No. 2 to Part 734, "
                    f"(a)(1)); for {destination} it does not, so no US content is counted (0 %) "
                    "and the product is not subject to the EAR by its US content (15 CFR 734.4)."
                ),
            )
        return DeMinimis(
            "not_applicable",
            explanation=(
                "No US content of a kind counted for de minimis "
                "(ITAR parts are handled by see-through, not by a percentage)."
            ),
        )
    if UNKNOWN in content:
        return DeMinimis(
            "unknown", explanation="Part of the US content has an unknown classification."
        )
    if not destination or destination == UNKNOWN:
        return DeMinimis("unknown", explanation="The destination is not known.")
    level = 10.0 if _in(ruleset, "E1", destination) or _in(ruleset, "E2", destination) else 25.0
    if not isinstance(us_value, int | float) or not isinstance(total_value, int | float):
        return DeMinimis(
            "unknown",
            level=level,
            explanation="The values of the US content or of the product are not known.",
        )
    if total_value <= 0 or us_value < 0:
        return DeMinimis(
            "unknown",
            level=level,
            explanation=(
                "De minimis cannot be calculated: the product value must be more than zero."
            ),
        )
    if us_value > total_value:
        return DeMinimis(
            "unknown",
            level=level,
            explanation=(
                f"De minimis cannot be calculated: the US content ({us_value:,.2f} {unit}) is "
                f"worth more than the product ({total_value:,.2f} {unit}). Check both values."
            ).replace(" )", ")"),
        )
    percent = us_value / total_value * 100.0
    status: Status = "exceeded" if percent > level else "below"
    rel = "above" if status == "exceeded" else "at or below"
    cite = "15 CFR 734.4(c)" if level == 10.0 else "15 CFR 734.4(d)"
    return DeMinimis(
        status,
        percent=percent,
        level=level,
        explanation=(
            f"De minimis: controlled US content {us_value:,.2f} {unit} of product value "
            f"{total_value:,.2f} {unit} = {percent:.1f} %, {rel} the {level:.0f} % level for "
            f"{destination} ({cite}; method: Supp. No. 2 to Part 734)."
        ).replace("  ", " "),
    )
