"""Screen a party: search every list, say which lists of which date were searched, and never
report "no match" when a list was missing, empty, unreadable or out of date.

:class:`Screener` is used by the wizard (``compliance_app.ui.screening``) and the command line
(``screen NAME``). Its result is a :class:`~compliance_app.dossier.screening.PartyRecord`, the
form kept in the answers file and printed in the report's search log.

Configuration: ``COMPLIANCE_SCREENING_MAX_AGE_DAYS`` (default 7: a list older than this, by the
publication date it states or else by its import date, is "stale") and
``COMPLIANCE_SCREENING_THRESHOLD`` (default :data:`~.matching.DEFAULT_THRESHOLD`).
"""

from __future__ import annotations

import datetime as dt
import os
import threading

from compliance_app.dossier.screening import HitRecord, ListRecord, PartyRecord
from compliance_app.screening.matching import DEFAULT_THRESHOLD, Index
from compliance_app.screening.model import KNOWN_LISTS, Entry
from compliance_app.screening.normalize import normalise
from compliance_app.screening.store import ListStore, ListUnreadable

ENV_MAX_AGE = "COMPLIANCE_SCREENING_MAX_AGE_DAYS"
ENV_THRESHOLD = "COMPLIANCE_SCREENING_THRESHOLD"
DEFAULT_MAX_AGE_DAYS = 7
MAX_HITS = 25


class ScreeningConfigError(ValueError):
    """A screening setting is not valid. ``str(error)`` says which and why."""


def _env_number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ScreeningConfigError(f"{name} must be a number.") from None
    if not low <= value <= high:
        raise ScreeningConfigError(f"{name} must be between {low:g} and {high:g}.")
    return value


def default_max_age_days() -> float:
    return _env_number(ENV_MAX_AGE, DEFAULT_MAX_AGE_DAYS, 0, 3650)


def default_threshold() -> float:
    return _env_number(ENV_THRESHOLD, DEFAULT_THRESHOLD, 50, 100)


class Screener:
    """Screens names against the lists of one :class:`~.store.ListStore`.

    ``today`` (a callable) gives the date the age of a list is counted to (tests pass a fixed
    one). The index of every name is built on first use and rebuilt when a list changes.
    """

    def __init__(
        self,
        store: ListStore,
        max_age_days: float | None = None,
        threshold: float | None = None,
        now=None,  # noqa: ANN001 - a callable returning an aware datetime
    ) -> None:
        self.store = store
        self.max_age_days = default_max_age_days() if max_age_days is None else max_age_days
        self.threshold = default_threshold() if threshold is None else threshold
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._lock = threading.Lock()
        self._cache: tuple[tuple, Index, dict[str, str]] | None = None

    # -- the lists ------------------------------------------------------------------------------

    def list_records(self) -> list[ListRecord]:
        """The state of every known list now: ok, stale, missing, empty (unreadable is known
        only once its entries are read; see :meth:`index`)."""
        stored = self.store.lists()
        today = self._now().date()
        out = []
        for list_id, label in KNOWN_LISTS.items():
            s = stored.get(list_id)
            if s is None:
                out.append(
                    ListRecord(
                        id=list_id,
                        label=label,
                        state="missing",
                        note="not imported: see the README for where to download it",
                    )
                )
                continue
            dated = s.published_on or s.imported_at.date()
            age = (today - dated).days
            note = (
                f"published {s.published_on.isoformat()}"
                if s.published_on
                else f"the file states no publication date; imported {s.imported_at.date()}"
            )
            state = "ok"
            if s.entry_count == 0:
                state, note = "empty", "the imported file held no entries"
            elif age > self.max_age_days:
                state = "stale"
                note += f"; {age} days old (more than {self.max_age_days:g})"
            out.append(
                ListRecord(
                    id=list_id,
                    label=s.label,
                    state=state,
                    published=s.published_on,
                    imported=s.imported_at,
                    sha256=s.sha256,
                    entries=s.entry_count,
                    note=note,
                )
            )
        return out

    def index(self, records: list[ListRecord]) -> tuple[Index, dict[str, str]]:
        """The index of every readable list, and the lists found unreadable (id -> reason)."""
        key = tuple((r.id, r.sha256, r.imported, r.entries) for r in records)
        with self._lock:
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1], self._cache[2]
            lists: list[tuple[str, list[Entry]]] = []
            unreadable: dict[str, str] = {}
            for r in records:
                if r.state in ("missing", "empty"):
                    continue
                try:
                    lists.append((r.id, self.store.entries(r.id, r.entries)))
                except ListUnreadable as exc:
                    unreadable[r.id] = str(exc)
            index = Index(lists)
            self._cache = (key, index, unreadable)
            return index, unreadable

    # -- screening ------------------------------------------------------------------------------

    def screen(self, name: str, country: str = "", role: str = "other") -> PartyRecord:
        """Screen one party. The outcome is never "no_match" unless every list was searched
        and is current (see :mod:`compliance_app.dossier.screening`)."""
        name = " ".join(name.split())[:300]
        country = (country or "").strip().upper()[:2]
        records = self.list_records()
        index, unreadable = self.index(records)
        records = [
            r.model_copy(update={"state": "unreadable", "note": unreadable[r.id]})
            if r.id in unreadable
            else r
            for r in records
        ]
        norm, matches = index.search(name, country, self.threshold)
        labels = {r.id: r.label for r in records}
        hits = [
            HitRecord(
                list=m.list_id,
                sub_list=m.entry.sub_list[:300],
                entry=m.entry.ref[:300],
                entry_name=m.entry.primary[:4000],
                matched_name=m.name.text[:4000],
                score=m.score,
                explanation=m.explanation[:4000],
                programmes=[p[:300] for p in m.entry.programmes[:50]],
                countries=m.entry.countries[:50],
            )
            for m in matches[:MAX_HITS]
            if m.list_id in labels
        ]
        states = {r.state for r in records}
        if hits:
            outcome = "possible_match"
        elif states & {"missing", "empty", "unreadable"} or not norm.text:
            outcome = "not_screened"
        elif "stale" in states:
            outcome = "stale_lists"
        else:
            outcome = "no_match"
        return PartyRecord(
            name=name,
            country=country,
            role=role,  # type: ignore[arg-type]
            normalised=normalise(name).text[:4000],
            screened_at=self._now().astimezone(dt.UTC).replace(microsecond=0),
            threshold=self.threshold,
            outcome=outcome,  # type: ignore[arg-type]
            lists=records,
            hits=hits,
        )


def outcome_sentence(party: PartyRecord) -> str:
    """One plain sentence for the outcome, naming the lists that make it less than a "no match"."""
    bad = party.lists_not_current()
    named = "; ".join(f"{r.label or r.id}: {r.state}" for r in bad)
    if party.outcome == "possible_match":
        text = (
            f"Possible match: {len(party.hits)} listed entr{'y' if len(party.hits) == 1 else 'ies'}"
        )
        text += " to check."
        return text + (f" Not every list was current ({named})." if bad else "")
    if party.outcome == "not_screened":
        if not party.normalised:
            return "Not screened: the name has no letters or digits to search for."
        return f'Not screened against every list ({named}). This is not a "no match".'
    if party.outcome == "stale_lists":
        return f'Screened against out-of-date lists ({named}). This is not a "no match".'
    return "No match on any of the lists searched (all current)."
