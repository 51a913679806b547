"""The ``screen`` and ``lists`` commands of ``python -m compliance_app``.

* ``screen NAME [--country CC] [--threshold N] [--json]``: screen one name against every list.
  Exit 0 only for "no match" on every list, all current; 3 for a possible match; 4 when a list
  was missing, empty, unreadable or out of date (not screened, or screened against stale lists).
* ``lists import FILE [FILE ...]``: read list files (any supported format, recognised by content)
  and store them, replacing the earlier import of the same list.
* ``lists status``: every list with its publication date, import date, SHA-256, entry count and
  state.
* ``lists update [--list ID] [--url ID=URL]``: download from the official addresses and import.

``--db URL`` picks the database (default: the drafts' database, ``$COMPLIANCE_DB_URL`` or the
SQLite file of the data folder).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from compliance_app.dossier.screening import PartyRecord
from compliance_app.screening import fetch
from compliance_app.screening.model import KNOWN_LISTS, ListFormatError
from compliance_app.screening.parsers.detect import parse_file
from compliance_app.screening.service import Screener, ScreeningConfigError, outcome_sentence
from compliance_app.screening.store import ListStore
from compliance_app.storage.db import StorageError

EXIT = {"no_match": 0, "possible_match": 3, "stale_lists": 4, "not_screened": 4}


def _store(args: argparse.Namespace) -> ListStore:
    return ListStore(args.db)


def print_party(p: PartyRecord) -> None:
    """The search log of one screening, as plain text."""
    print(f"Query: {p.name}" + (f" (country {p.country})" if p.country else ""))
    print(f"Normalised: {p.normalised or '(nothing left to search)'}")
    print(f"Threshold: {p.threshold:g}    Screened at: {p.screened_at.isoformat()}")
    print("Lists:")
    for r in p.lists:
        sha = f", sha256 {r.sha256[:12]}…" if r.sha256 else ""
        count = f", {r.entries:,} entries" if r.entries is not None else ""
        print(f"  [{r.state.upper()}] {r.label or r.id}: {r.note}{count}{sha}")
    print(f"Hits: {len(p.hits)}")
    for h in p.hits:
        sub = f" / {h.sub_list}" if h.sub_list else ""
        print(f"  {h.score:5.1f}  {KNOWN_LISTS.get(h.list, h.list)}{sub}: {h.entry} {h.entry_name}")
        if h.programmes:
            print(f"         programmes: {'; '.join(h.programmes)}")
        print(f"         {h.explanation}")
    print(f"Outcome: {outcome_sentence(p)}")


def cmd_screen(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        party = Screener(store, threshold=args.threshold).screen(args.name, args.country or "")
    finally:
        store.close()
    if args.json:
        print(json.dumps(party.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print_party(party)
    return EXIT[party.outcome]


def cmd_import(args: argparse.Namespace) -> int:
    store = _store(args)
    failed = 0
    try:
        for name in args.files:
            path = Path(name)
            try:
                data = path.read_bytes()
                parsed = parse_file(data)
                s = store.import_list(parsed, data, path.name)
            except (ListFormatError, OSError) as exc:
                print(f"{path.name}: not imported: {exc}", file=sys.stderr)
                failed += 1
                continue
            published = s.published_on.isoformat() if s.published_on else "not stated in the file"
            print(
                f"{path.name}: imported as {s.label} ({s.source_format}), {s.entry_count:,} "
                f"entries, {s.name_count:,} names, published {published}, sha256 {s.sha256}"
            )
            for w in parsed.warnings:
                print(f"  note: {w}")
    finally:
        store.close()
    return 1 if failed else 0


def cmd_status(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        screener = Screener(store)
        records = screener.list_records()
        stored = store.lists()
    finally:
        store.close()
    print(f"Lists older than {screener.max_age_days:g} days are stale.")
    for r in records:
        s = stored.get(r.id)
        print(f"[{r.state.upper()}] {r.label}")
        if s is None:
            print(f"    not imported; official address: {fetch.OFFICIAL_URLS[r.id]}")
            continue
        published = s.published_on.isoformat() if s.published_on else "not stated in the file"
        print(f"    published: {published}; imported: {s.imported_at.isoformat()}")
        print(f"    file: {s.file_name} ({s.source_format}), sha256 {s.sha256}")
        print(f"    entries: {s.entry_count:,}; names: {s.name_count:,}; {r.note}")
    return 0 if all(r.state == "ok" for r in records) else 4


def cmd_update(args: argparse.Namespace) -> int:
    overrides = {}
    for item in args.url or []:
        list_id, sep, url = item.partition("=")
        if not sep or list_id not in KNOWN_LISTS:
            print(f"--url takes ID=URL with ID one of {', '.join(KNOWN_LISTS)}", file=sys.stderr)
            return 2
        overrides[list_id] = url
    store = _store(args)
    try:
        results = fetch.update(store, args.list or None, overrides)
    finally:
        store.close()
    for r in results:
        if r.stored is None:
            print(f"{KNOWN_LISTS[r.list_id]}: not updated ({r.problem}); the list in use is kept")
        else:
            s = r.stored
            published = s.published_on.isoformat() if s.published_on else "not stated"
            print(f"{s.label}: {s.entry_count:,} entries, published {published}, from {r.url}")
    return 1 if any(r.stored is None for r in results) else 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``screen`` and ``lists`` to the main parser's sub-commands."""
    s = sub.add_parser("screen", help="screen a name against the restricted-party lists")
    s.add_argument("name")
    s.add_argument("--country", help="ISO 3166-1 alpha-2 code of the party's country")
    s.add_argument("--threshold", type=float, default=None, help="score from which a hit counts")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_screen)
    lists = sub.add_parser("lists", help="import, show or update the restricted-party lists")
    lsub = lists.add_subparsers(dest="lists_command", required=True)
    i = lsub.add_parser("import", help="import list files downloaded from the official sites")
    i.add_argument("files", nargs="+")
    i.set_defaults(func=cmd_import)
    st = lsub.add_parser("status", help="every list with its dates, hash and entry count")
    st.set_defaults(func=cmd_status)
    u = lsub.add_parser("update", help="download the lists from their official addresses")
    u.add_argument("--list", action="append", choices=list(KNOWN_LISTS))
    u.add_argument("--url", action="append", metavar="ID=URL", help="another address for a list")
    u.set_defaults(func=cmd_update)
    for p in (s, i, st, u):
        p.add_argument("--db", default=None, help="database URL (default: the drafts' database)")


ERRORS = (StorageError, ScreeningConfigError)
"""Errors the main command line turns into a message and exit code 1."""
