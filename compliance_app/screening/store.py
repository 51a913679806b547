"""The restricted-party lists in the database (the same SQLite file or PostgreSQL as the drafts).

Tables (``compliance_app.storage.db``, migration ``0003``): ``screening_lists``, one row per list
(label, format, file name, SHA-256 of the file, publication date as the file states it, import
time, counts), and ``screening_entries``, one row per listed party (its names, countries,
programmes and sub-list as JSON). Importing a list replaces the previous import of the same list
in one transaction: a failed import leaves the list in use unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from compliance_app.screening.model import Entry, ListFormatError, Name, ParsedList
from compliance_app.storage.db import (
    StorageError,
    default_url,
    make_engine,
    migrate,
    screening_entries,
    screening_lists,
)


@dataclass(frozen=True)
class StoredList:
    """One imported list, as ``lists status`` shows it."""

    list_id: str
    label: str
    source_format: str
    file_name: str
    sha256: str
    published_on: dt.date | None
    imported_at: dt.datetime
    """UTC, timezone-aware."""
    entry_count: int
    name_count: int


class ListUnreadable(Exception):
    """The stored entries of a list cannot be read back (damaged or incomplete)."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def entry_to_json(e: Entry) -> str:
    return json.dumps(
        {
            "k": e.kind,
            "n": [[n.text, n.kind] for n in e.names],
            "c": e.countries,
            "p": e.programmes,
            "s": e.sub_list,
            "d": e.listed_on,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def entry_from_json(ref: str, text: str) -> Entry:
    d = json.loads(text)
    return Entry(
        ref=ref,
        kind=str(d.get("k") or "unknown"),
        names=[Name(str(t), str(k)) for t, k in d["n"]],
        countries=[str(c) for c in d.get("c") or []],
        programmes=[str(p) for p in d.get("p") or []],
        sub_list=str(d.get("s") or ""),
        listed_on=str(d.get("d") or ""),
    )


class ListStore:
    """The lists in one database. ``url``: SQLAlchemy URL (default: the drafts' database)."""

    def __init__(
        self,
        url: str | None = None,
        clock: Callable[[], dt.datetime] = _utcnow,
        migrate_on_start: bool = True,
    ) -> None:
        self.clock = clock
        self.engine: Engine = make_engine(url or default_url())
        try:
            if migrate_on_start:
                migrate(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise StorageError(
                "The list database cannot be opened or prepared. Check the database URL."
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    def import_list(self, parsed: ParsedList, data: bytes, file_name: str) -> StoredList:
        """Store ``parsed`` (read from ``data``) as the list in use, replacing the previous one.

        Raises ListFormatError when the file holds no entries (the list in use is kept).
        """
        if not parsed.entries:
            raise ListFormatError(
                f"The file holds no entries of the {parsed.label}; the list in use was kept."
            )
        sha = hashlib.sha256(data).hexdigest()
        now = self.clock().astimezone(dt.UTC)
        names = sum(len(e.names) for e in parsed.entries)
        row = {
            "list_id": parsed.list_id,
            "label": parsed.label,
            "source_format": parsed.source_format,
            "file_name": file_name[-300:],
            "file_sha256": sha,
            "published_on": parsed.published,
            "imported_at": now.replace(tzinfo=None),
            "entry_count": len(parsed.entries),
            "name_count": names,
        }
        rows = [
            {
                "list_id": parsed.list_id,
                "ref": e.ref[:200],
                "primary_name": e.primary,
                "data": entry_to_json(e),
            }
            for e in parsed.entries
        ]
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    screening_entries.delete().where(screening_entries.c.list_id == parsed.list_id)
                )
                conn.execute(
                    screening_lists.delete().where(screening_lists.c.list_id == parsed.list_id)
                )
                conn.execute(screening_lists.insert(), [row])
                for i in range(0, len(rows), 5000):
                    conn.execute(screening_entries.insert(), rows[i : i + 5000])
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError("The list could not be saved in the database.") from exc
        return _stored(row)

    def lists(self) -> dict[str, StoredList]:
        """Every imported list by id."""
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.select(screening_lists)).mappings().all()
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError("The list database cannot be read.") from exc
        return {r["list_id"]: _stored(dict(r)) for r in rows}

    def entries(self, list_id: str, expected: int | None = None) -> list[Entry]:
        """The entries of one list. Raises ListUnreadable when they cannot be read back whole
        (a damaged row, or fewer rows than the import stored)."""
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(screening_entries.c.ref, screening_entries.c.data)
                    .where(screening_entries.c.list_id == list_id)
                    .order_by(screening_entries.c.id)
                ).all()
            out = [entry_from_json(ref, data) for ref, data in rows]
        except sa.exc.SQLAlchemyError as exc:
            raise ListUnreadable("the database could not be read") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise ListUnreadable("a stored entry is damaged") from exc
        if expected is not None and len(out) != expected:
            raise ListUnreadable(f"{len(out)} entries stored, {expected} imported")
        return out


def _stored(r: dict) -> StoredList:
    imported = r["imported_at"]
    if imported.tzinfo is None:
        imported = imported.replace(tzinfo=dt.UTC)
    return StoredList(
        list_id=r["list_id"],
        label=r["label"],
        source_format=r["source_format"],
        file_name=r["file_name"],
        sha256=r["file_sha256"],
        published_on=r["published_on"],
        imported_at=imported,
        entry_count=r["entry_count"],
        name_count=r["name_count"],
    )
