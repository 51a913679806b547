"""Reading reviews of format 1 (made before reviews were scoped and timed).

Format 1 (``format_version: 1``) had dates without times (``signed_on``, ``log[].on``), two
statuses (agreed, disputed), no scope, no frozen findings and no capacity. :func:`from_v1`
turns such a document (a plain mapping, before validation) into format 2, without inventing
anything: a date becomes midnight UTC of that day, the sign-off covers only the statuses that
were recorded, and a ``migration`` entry is added to the log. The migrated review carries
``migrated_from: 1`` and the app and the PDF show :data:`NOTE`.

Pure function on plain data: no import of the review model (which imports this module).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

NOTE = (
    "This review was made with an earlier version of the tool (review format 1). It records "
    "dates without times (shown as 00:00 UTC), no scope of the sign-off and no copy of the "
    "findings as reviewed. It is shown as it was made; a new sign-off is needed for a review "
    "that covers this result."
)


def _midnight(value: Any) -> Any:
    """``2026-11-30`` (a date or its ISO text) -> ``2026-11-30T00:00:00+00:00``; else as is."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), dt.UTC).isoformat()
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC).isoformat()
        except ValueError:
            return value  # refused by the model with its own message
    return value


def from_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """A format 1 review (mapping) as a format 2 mapping. Unknown keys are kept, so that the
    strict model refuses them with its usual message."""
    out = {k: v for k, v in raw.items() if k not in ("signed_on", "log")}
    out["format_version"] = 2
    out["migrated_from"] = 1
    log = []
    for entry in raw.get("log") or []:
        if isinstance(entry, dict):
            entry = dict(entry)
            for key in ("on", True):  # YAML 1.1 reads an unquoted ``on:`` key as true
                if key in entry:
                    entry["at"] = _midnight(entry.pop(key))
        log.append(entry)
    signed_on = raw.get("signed_on")
    if signed_on is not None:
        findings = [
            {"code": fr.get("code"), "status": fr.get("status")}
            for fr in raw.get("finding_reviews") or []
            if isinstance(fr, dict)
        ]
        out["sign_off"] = {
            "signed_at": _midnight(signed_on),
            "reviewer_name": raw.get("reviewer_name") or "",
            "organisation": raw.get("organisation") or "",
            "report_id": raw.get("report_id") or "",
            "answers_sha256": raw.get("answers_sha256"),
            "ruleset": raw.get("ruleset"),
            "findings": findings,
        }
    log.append({"event": "migration", "by": "", "text": NOTE})
    out["log"] = log
    return out
