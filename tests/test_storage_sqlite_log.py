"""SQLite drafts in write-ahead-log mode (a Next costs one sync instead of three) without
losing durability or privacy: ``synchronous = FULL``, and a deleted or purged draft is in no
file of the database (database, log, shared memory) while the app still runs."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from compliance_app.dossier.answers import AnswersFile, Company, RulesetRef
from compliance_app.storage.store import DraftStore

MARKER = "Vertraulich-Nutzlast-ß-東京-🛰"


def answers_file(**answers: object) -> AnswersFile:
    return AnswersFile(
        ruleset=RulesetRef(id="itar-ear-selfassessment", version="1.0.0"),
        company=Company(name="Société Ørbital S.à r.l."),
        answers=answers,  # type: ignore[arg-type]
    )


def files_of(db: Path) -> list[Path]:
    return [p for p in db.parent.iterdir() if p.name.startswith(db.name)]


def test_sqlite_runs_with_a_write_ahead_log_and_full_sync(tmp_path):
    db = tmp_path / "drafts.sqlite3"
    with DraftStore(f"sqlite:///{db}") as store:
        store.create(answers_file(a="b"))
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        if os.name == "posix":  # the log and shared-memory files are as private as the file
            for p in files_of(db):
                assert p.stat().st_mode & 0o077 == 0, p


def test_a_deleted_draft_is_in_no_file_while_the_store_is_open(tmp_path):
    db = tmp_path / "drafts.sqlite3"
    store = DraftStore(f"sqlite:///{db}")
    try:
        keep, _ = store.create(answers_file(other="kept"))
        draft_id, v = store.create(answers_file(secret=MARKER))
        for i in range(5):  # several versions in the log
            v = store.save(draft_id, answers_file(secret=MARKER, n=str(i)), "review", v)
        assert any(MARKER.encode() in p.read_bytes() for p in files_of(db))
        assert store.delete(draft_id) is True
        for p in files_of(db):  # the store (and its connection) is still open
            assert MARKER.encode() not in p.read_bytes(), p
        assert store.load(keep) is not None
    finally:
        store.close()


def test_a_purged_draft_is_in_no_file_while_the_store_is_open(tmp_path):
    db = tmp_path / "drafts.sqlite3"
    now = {"t": datetime(2026, 12, 1, tzinfo=UTC)}
    store = DraftStore(f"sqlite:///{db}", retention_days=1, clock=lambda: now["t"])
    try:
        draft_id, v = store.create(answers_file(secret=MARKER))
        store.save(draft_id, answers_file(secret=MARKER, more=MARKER), "review", v)
        now["t"] += timedelta(days=2)
        assert store.purge_expired() == 1
        for p in files_of(db):
            assert MARKER.encode() not in p.read_bytes(), p
        raw = sa.create_engine(f"sqlite:///{db}")
        with raw.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM drafts").scalar() == 0
        raw.dispose()
    finally:
        store.close()


def test_processes_opening_a_new_file_at_once_all_switch_it_to_the_log(tmp_path):
    # the first connection switches a new file to WAL; the others found it locked meanwhile
    # ("database is locked", about 1 start in 30 before they waited for the switch)
    import threading

    for round_ in range(20):
        url = f"sqlite:///{tmp_path / f'r{round_}.sqlite3'}"
        barrier = threading.Barrier(6)
        errors: list[BaseException] = []
        stores: list[DraftStore] = []

        def start(url=url, barrier=barrier, errors=errors, stores=stores) -> None:
            barrier.wait()
            try:
                stores.append(DraftStore(url))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=start) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for s in stores:
            s.close()
        assert not errors, [repr(e.__cause__ or e) for e in errors]
        assert len(stores) == 6
