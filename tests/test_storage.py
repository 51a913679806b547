"""The draft store (compliance_app.storage.store) against SQLite and a real PostgreSQL server.

PostgreSQL: ``$COMPLIANCE_TEST_PG_URL`` if set (``.ci/run`` sets it from
``scripts/start_postgres.sh``), else a throwaway server started for the session when PostgreSQL
is installed (see ``tests/pg.py``); the PostgreSQL cases are skipped only when it is not
installed at all. Each test gets its own empty SQLite file or PostgreSQL schema.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pg
import pytest
import sqlalchemy as sa

from compliance_app.dossier.answers import AnswersFile, Company, RulesetRef
from compliance_app.storage import cli as storage_cli
from compliance_app.storage import db as storage_db
from compliance_app.storage import store as storage
from compliance_app.storage.store import (
    DraftNotFound,
    DraftStore,
    InvalidDraftId,
    StaleDraftError,
    StorageError,
)

MARKER = "Geheimnis-Nutzlast-ß-東京-🛰"
T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def answers_file(**answers: object) -> AnswersFile:
    return AnswersFile(
        ruleset=RulesetRef(id="itar-ear-selfassessment", version="1.0.0"),
        company=Company(name="Société Ørbital S.à r.l.", country="LU", contact="Zoë Müller"),
        answers=answers,  # type: ignore[arg-type]
    )


# --- backends ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_base_url():
    url = os.environ.get("COMPLIANCE_TEST_PG_URL")
    if url:
        yield url
        return
    bindir = pg.find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL is not installed (no initdb/pg_ctl/postgres found) and "
            "COMPLIANCE_TEST_PG_URL is not set; run scripts/start_postgres.sh"
        )
    server = pg.TempPostgres(bindir).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path):
    """An empty database for one test: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'drafts.sqlite3'}"
        return
    base = sa.make_url(request.getfixturevalue("pg_base_url"))
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def make_store(db_url):
    """``make_store(**kwargs)``: a DraftStore on this test's database, closed afterwards."""
    stores: list[DraftStore] = []

    def make(url: str | None = None, **kwargs) -> DraftStore:
        store = DraftStore(url or db_url, **kwargs)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def raw(db_url):
    """A plain engine on the same database, to look at the table directly."""
    engine = sa.create_engine(db_url)
    yield engine
    engine.dispose()


def table_rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.exec_driver_sql("SELECT * FROM drafts")]


def table_text(engine) -> str:
    return repr(table_rows(engine))


# --- round trip -------------------------------------------------------------------------------


def test_create_load_round_trip_non_ascii_and_1mb(make_store):
    store = make_store()
    big = ("Ünïcødé 東京 🛰 " * 80_000)[:1_000_000]
    af = answers_file(
        m1_country="LU",
        m2_activities=["sell_own_product", "receive_technical_data"],
        m5_us_value=12000.5,
        q_description=big,
        q_other=MARKER,
    )
    draft_id, version = store.create(af, page="step:m1_country")
    assert version == 1
    assert storage.is_valid_draft_id(draft_id)
    draft = store.load(draft_id)
    assert draft is not None
    assert draft.answers_file == af
    assert draft.answers_file.answers["q_description"] == big
    assert draft.data == af.model_dump(mode="json")
    assert (draft.page, draft.version) == ("step:m1_country", 1)
    assert draft.created_at == draft.updated_at
    assert draft.updated_at.tzinfo is not None
    assert draft.expires_at - draft.updated_at == timedelta(days=30)


def test_create_accepts_a_plain_dict_and_refuses_other_shapes(make_store):
    store = make_store()
    data = answers_file(a="b").model_dump(mode="json")
    draft_id, _ = store.create(data)
    assert store.load(draft_id).data == data
    with pytest.raises(ValueError, match="not an answers file"):
        store.create({"format": "something-else", "answers": {"a": MARKER}})
    with pytest.raises(ValueError) as info:
        store.create({"ruleset": {"id": "x", "version": "1"}, "answers": {"a": {"b": MARKER}}})
    assert MARKER not in str(info.value)
    with pytest.raises(ValueError, match="page"):
        store.create(data, page="<script>")


def test_lone_surrogates_and_control_characters_survive(make_store):
    store = make_store()
    af = answers_file(t="a\ud800b\x00c\u2028d")
    draft_id, _ = store.create(af)
    assert store.load(draft_id).answers_file == af


def test_oversize_draft_refused(make_store):
    store = make_store()
    with pytest.raises(StorageError, match="too large"):
        store.create(answers_file(t="x" * (storage.MAX_DATA_CHARS + 1)))
    assert store.count() == 0


def test_ids_are_unguessable_and_only_their_hash_is_stored(make_store, raw):
    store = make_store()
    ids = {store.create(answers_file(a=str(i)))[0] for i in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 32 and storage.is_valid_draft_id(i) for i in ids)
    text = table_text(raw)
    assert not any(i in text for i in ids)
    keys = {r["key"] for r in table_rows(raw)}
    assert keys == {storage._key(i) for i in ids}


# --- two tabs ---------------------------------------------------------------------------------


def test_stale_write_from_a_second_tab_is_refused(make_store):
    store = make_store()
    draft_id, v1 = store.create(answers_file(), page="start")
    tab_a = store.load(draft_id)
    tab_b = store.load(draft_id)
    assert tab_a.version == tab_b.version == v1

    v2 = store.save(draft_id, answers_file(q1="from A"), "step:q2", tab_a.version)
    assert v2 == 2
    with pytest.raises(StaleDraftError) as info:
        store.save(draft_id, answers_file(q1="from B"), "step:q9", tab_b.version)
    assert info.value.current_version == 2
    assert "another tab" in str(info.value)

    now = store.load(draft_id)
    assert now.answers_file.answers == {"q1": "from A"}
    assert (now.page, now.version) == ("step:q2", 2)
    # tab B reloads and goes on from the newer answers
    v3 = store.save(draft_id, answers_file(q1="from A", q2="B"), "step:q3", now.version)
    assert v3 == 3
    assert store.load(draft_id).answers_file.answers == {"q1": "from A", "q2": "B"}


def test_a_save_from_the_future_is_stale_too(make_store):
    store = make_store()
    draft_id, _ = store.create(answers_file())
    with pytest.raises(StaleDraftError):
        store.save(draft_id, answers_file(), "start", 7)


def test_concurrent_saves_from_threads_lose_nothing(make_store):
    """Threads (tabs, or app processes) each add their own answers, retrying on a stale write:
    at the end every answer of every thread is there and each save got its own version."""
    store = make_store()
    draft_id, _ = store.create(answers_file())
    threads_n, saves_n = 6, 8
    saved = [0] * threads_n
    stale = [0] * threads_n
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def worker(t: int) -> None:
        try:
            barrier.wait()
            for i in range(saves_n):
                while True:
                    draft = store.load(draft_id)
                    answers = dict(draft.answers_file.answers)
                    answers[f"t{t}_{i}"] = f"{MARKER} {t}/{i}"
                    try:
                        store.save(draft_id, answers_file(**answers), f"step:t{t}", draft.version)
                    except StaleDraftError:
                        stale[t] += 1
                        continue
                    saved[t] += 1
                    break
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads_n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not errors, errors
    final = store.load(draft_id)
    expected = {f"t{t}_{i}": f"{MARKER} {t}/{i}" for t in range(threads_n) for i in range(saves_n)}
    assert final.answers_file.answers == expected
    assert final.version == 1 + threads_n * saves_n == 1 + sum(saved)


def test_only_one_of_simultaneous_saves_on_one_version_wins(make_store):
    store = make_store()
    draft_id, version = store.create(answers_file())
    n = 8
    barrier = threading.Barrier(n)
    outcomes: list[object] = [None] * n

    def worker(t: int) -> None:
        barrier.wait()
        try:
            outcomes[t] = store.save(draft_id, answers_file(who=str(t)), "start", version)
        except StaleDraftError as exc:
            outcomes[t] = exc

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    winners = [t for t, o in enumerate(outcomes) if o == version + 1]
    assert len(winners) == 1
    assert sum(isinstance(o, StaleDraftError) for o in outcomes) == n - 1
    final = store.load(draft_id)
    assert final.version == version + 1
    assert final.answers_file.answers == {"who": str(winners[0])}


# --- delete and expiry ------------------------------------------------------------------------


def test_delete_my_data_removes_the_draft_from_the_database(make_store, raw, backend, db_url):
    store = make_store()
    keep_id, _ = store.create(answers_file(other="someone else"))
    draft_id, _ = store.create(answers_file(secret=MARKER), page="step:secret")
    store.save(draft_id, answers_file(secret=MARKER, more=MARKER), "review", 1)
    assert MARKER in table_text(raw)

    assert store.delete(draft_id) is True

    rows = table_rows(raw)
    assert [r["key"] for r in rows] == [storage._key(keep_id)]
    assert MARKER not in repr(rows)
    assert store.load(draft_id) is None
    with pytest.raises(DraftNotFound):
        store.save(draft_id, answers_file(), "start", 2)
    assert store.delete(draft_id) is False
    assert store.load(keep_id) is not None
    if backend == "sqlite":  # secure_delete: not even left in the file's free pages
        store.close()
        raw.dispose()
        path = Path(sa.make_url(db_url).database)
        leftovers = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        for p in leftovers:
            assert MARKER.encode() not in p.read_bytes(), p


def test_drafts_expire_after_the_retention_period(make_store, raw):
    clock = Clock()
    store = make_store(clock=clock)
    draft_id, _ = store.create(answers_file(secret=MARKER))
    clock.advance(days=29)
    v2 = store.save(draft_id, answers_file(secret=MARKER), "review", 1)  # a save renews it
    clock.advance(days=29, hours=23)
    draft = store.load(draft_id)
    assert draft is not None and draft.version == v2
    assert draft.expires_at == T0 + timedelta(days=59)

    clock.advance(hours=1, seconds=1)  # 30 days and a second after the last save
    assert store.load(draft_id) is None  # not returned, and deleted on sight
    assert table_rows(raw) == []
    with pytest.raises(DraftNotFound):
        store.save(draft_id, answers_file(), "start", v2)


def test_save_after_expiry_is_refused_even_before_the_purge(make_store, raw):
    clock = Clock()
    store = make_store(clock=clock)
    draft_id, _ = store.create(answers_file(secret=MARKER))
    clock.advance(days=31)
    with pytest.raises(DraftNotFound):
        store.save(draft_id, answers_file(secret="new"), "start", 1)
    assert store.purge_expired() == 1
    assert table_rows(raw) == []


def test_purge_expired_deletes_only_old_drafts(make_store, raw):
    clock = Clock()
    store = make_store(clock=clock, retention_days=7)
    old = [store.create(answers_file(secret=MARKER))[0] for _ in range(3)]
    clock.advance(days=5)
    fresh, _ = store.create(answers_file(fresh="yes"))
    assert store.purge_expired(T0 + timedelta(days=6)) == 0
    assert store.purge_expired(T0 + timedelta(days=7, seconds=1)) == 3
    rows = table_rows(raw)
    assert [r["key"] for r in rows] == [storage._key(fresh)]
    assert MARKER not in repr(rows)
    assert all(store.load(i) is None for i in old)
    assert store.purge_expired(T0 + timedelta(days=7, seconds=1)) == 0


def test_a_starting_store_purges_expired_drafts(make_store, raw):
    clock = Clock()
    store = make_store(clock=clock)
    store.create(answers_file(secret=MARKER))
    store.close()
    later = make_store(clock=Clock(T0 + timedelta(days=31)))
    assert later.purged_on_start == 1
    assert table_rows(raw) == []


def test_retention_from_the_environment(make_store, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_RETENTION_DAYS", "2.5")
    assert make_store().retention == timedelta(days=2.5)
    with pytest.raises(StorageError):
        make_store(retention_days=0)


# --- the adviser review the company opened ---------------------------------------------------


def a_review(comment: str = MARKER):
    from compliance_app.dossier import review as review_mod

    return review_mod.Review(
        reviewer_name="Dr. Ånne Adviser",
        organisation="Luxinnovation",
        finding_reviews=[
            review_mod.FindingReview(code="AUTH_TAA", status="disputed", comment=comment)
        ],
        general_comments="Sound overall.",
    )


def _review_text(comment: str = MARKER) -> str:
    from compliance_app.dossier import review as review_mod

    return review_mod.dump(a_review(comment)).decode("utf-8")


REVIEW_TEXT = _review_text()


def test_review_round_trip_and_null_by_default(make_store, raw):
    store = make_store()
    plain_id, _ = store.create(answers_file(m1_country="LU"))
    plain = store.load(plain_id)
    assert plain.review_text is None and plain.review is None
    assert [r["review"] for r in table_rows(raw)] == [None]

    draft_id, v = store.create(answers_file(m1_country="LU"), page="results", review=REVIEW_TEXT)
    draft = store.load(draft_id)
    assert draft.review_text == REVIEW_TEXT
    assert draft.review == a_review()
    assert draft.review.of("AUTH_TAA").comment == MARKER
    assert MARKER not in repr(draft)

    other = _review_text("Agreed after all.")
    v = store.save(draft_id, draft.data, "results", v, review=other)
    assert store.load(draft_id).review.of("AUTH_TAA").comment == "Agreed after all."
    store.save(draft_id, draft.data, "results", v)  # no review in the session: cleared
    assert store.load(draft_id).review is None
    assert store.load(plain_id).review is None  # the other draft untouched

    with pytest.raises(TypeError):
        store.create(answers_file(), review=a_review())  # type: ignore[arg-type]


def test_a_damaged_stored_review_is_dropped_and_the_answers_still_load(make_store, raw, caplog):
    store = make_store()
    draft_id, _ = store.create(answers_file(m1_country="LU"), review=REVIEW_TEXT)
    with raw.begin() as conn:
        conn.execute(sa.text("UPDATE drafts SET review = :r"), {"r": f"format: nope\n{MARKER}: ["})
    caplog.set_level(logging.DEBUG)
    draft = store.load(draft_id)
    assert draft.answers_file.answers == {"m1_country": "LU"}
    assert draft.review_text is None and draft.review is None
    assert "review" in caplog.text and "dropped" in caplog.text
    assert MARKER not in caplog.text and draft_id not in caplog.text


def test_delete_my_data_deletes_the_review_too(make_store, raw):
    store = make_store()
    draft_id, _ = store.create(answers_file(), review=REVIEW_TEXT)
    assert store.delete(draft_id) is True
    assert table_rows(raw) == []
    assert store.load(draft_id) is None


# --- restart and migrations -------------------------------------------------------------------


def test_a_restart_resumes_the_same_page_and_answers(make_store, db_url):
    first = make_store()
    draft_id, v = first.create(answers_file(m1_country="LU"), page="step:m1_country")
    v = first.save(draft_id, answers_file(m1_country="LU", m2="x"), "step:m3_items", v)
    first.close()

    second = make_store(db_url)  # a new process on the same database
    draft = second.load(draft_id)
    assert draft.page == "step:m3_items"
    assert draft.version == v
    assert draft.answers_file.answers == {"m1_country": "LU", "m2": "x"}
    assert second.save(draft_id, draft.data, "review", draft.version) == v + 1


def test_migrations_create_the_schema_from_empty_and_are_idempotent(db_url, make_store):
    engine = storage.make_engine(db_url)
    try:
        assert "drafts" not in sa.inspect(engine).get_table_names()
        assert storage.schema_revision(engine) is None
        make_store()
        inspector = sa.inspect(engine)
        assert {"drafts", "alembic_version"} <= set(inspector.get_table_names())
        columns = {c["name"] for c in inspector.get_columns("drafts")}
        assert columns == {
            "key", "data", "page", "version", "created_at", "updated_at", "review", "on_screen"
        }  # fmt: skip
        assert storage.schema_revision(engine) == storage.head_revision()
        make_store()  # again: nothing to do, nothing broken
        storage.migrate(engine)
        assert storage.schema_revision(engine) == storage.head_revision()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    finally:
        engine.dispose()


def test_upgrade_0001_to_head_keeps_existing_drafts(db_url, make_store, raw):
    """A database made by release 0001, with drafts in it, upgrades in place."""
    engine = storage.make_engine(db_url)
    try:
        storage.migrate(engine, "0001")
        assert storage.schema_revision(engine) == "0001"
        key = "a" * 64
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO drafts (key, data, page, version, created_at, updated_at) "
                    "VALUES (:k, :d, 'review', 3, :t, :t)"
                ),
                {
                    "k": key,
                    "d": answers_file(m1_country=MARKER).model_dump_json(),
                    "t": datetime.now(UTC).replace(tzinfo=None),
                },
            )
    finally:
        engine.dispose()
    store = make_store()  # a new release starts: migrates to head
    assert storage.schema_revision(store.engine) == storage.head_revision()
    [row] = table_rows(raw)
    assert (row["key"], row["page"], row["version"], row["review"]) == (key, "review", 3, None)
    assert row["on_screen"] is None
    assert MARKER in row["data"]
    draft_id, v = store.create(answers_file(m1_country="LU"), review=REVIEW_TEXT)
    assert store.load(draft_id).review_text == REVIEW_TEXT
    assert len(table_rows(raw)) == 2


def test_the_answer_on_screen_is_saved_apart_from_the_answers(make_store):
    """Issue 11, item 2: what is on the screen survives a reload, without becoming an answer."""
    store = make_store()
    draft_id, v = store.create(answers_file(m1_country="LU"), page="step:m2", on_screen=None)
    assert store.load(draft_id).on_screen_text is None
    screen = '{"step": "m2", "value": ["CN", "IN", "LU"]}'
    v = store.save(draft_id, answers_file(m1_country="LU"), "step:m2", v, on_screen=screen)
    loaded = store.load(draft_id)
    assert loaded.on_screen_text == screen
    assert loaded.answers_file.answers == {"m1_country": "LU"}
    store.save(draft_id, answers_file(m1_country="LU"), "step:m3", v)
    assert store.load(draft_id).on_screen_text is None


def test_the_model_matches_the_migrations(db_url, make_store):
    """Autogenerate finds nothing to do: storage.drafts and versions/ agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    make_store()
    engine = storage.make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), storage.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_migrations_go_down_and_up_again(db_url):
    engine = storage.make_engine(db_url)
    try:
        storage.migrate(engine)
        with engine.begin() as conn:
            from alembic import command

            command.downgrade(storage.alembic_config(conn), "base")
        assert "drafts" not in sa.inspect(engine).get_table_names()
        storage.migrate(engine)
        assert "drafts" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_several_processes_starting_at_once_migrate_once(db_url):
    n = 6
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []
    stores: list[DraftStore] = []

    def start() -> None:
        barrier.wait()
        try:
            stores.append(DraftStore(db_url))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=start) for _ in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    try:
        assert not errors, errors
        assert len(stores) == n
        draft_id, _ = stores[0].create(answers_file(a="b"))
        assert stores[-1].load(draft_id).answers_file.answers == {"a": "b"}
    finally:
        for s in stores:
            s.close()


# --- hostile input, logs, errors --------------------------------------------------------------

HOSTILE_IDS = [
    "",
    "a",
    "A" * 31,
    "A" * 33,
    "A" * 10_000,
    "../../../../etc/passwd__________",
    "' OR '1'='1' --_________________",
    "%27%20OR%201%3D1%20--___________",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00",
    "ÄAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"[:32],
    "ＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡ",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
    None,
    12345,
    b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
]


@pytest.mark.parametrize("bad", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
def test_hostile_draft_ids_are_rejected(make_store, raw, bad):
    store = make_store()
    draft_id, _ = store.create(answers_file(a="b"))
    before = table_rows(raw)
    assert not storage.is_valid_draft_id(bad)
    with pytest.raises(InvalidDraftId):
        store.load(bad)
    with pytest.raises(InvalidDraftId):
        store.save(bad, answers_file(), "start", 1)
    with pytest.raises(InvalidDraftId):
        store.delete(bad)
    assert table_rows(raw) == before
    assert storage.log_tag(bad) == "invalid"


def test_invalid_id_is_a_draft_not_found_with_a_message():
    assert issubclass(InvalidDraftId, DraftNotFound)
    assert issubclass(StaleDraftError, StorageError)
    assert "link" in str(InvalidDraftId())
    assert "no longer exists" in str(DraftNotFound())


def test_no_answers_and_no_draft_ids_in_the_logs(make_store, caplog):
    caplog.set_level(logging.DEBUG)
    store = make_store()
    draft_id, v = store.create(answers_file(secret=MARKER), page="step:secret")
    store.load(draft_id)
    v = store.save(draft_id, answers_file(secret=MARKER + "2"), "review", v)
    with pytest.raises(StaleDraftError):
        store.save(draft_id, answers_file(secret=MARKER + "3"), "review", 1)
    store.delete(draft_id)
    store.purge_expired()
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "draft " + storage.log_tag(draft_id) in text
    assert MARKER not in text
    assert draft_id not in text


def test_database_errors_become_storage_errors_without_answer_text(make_store, raw):
    store = make_store()
    draft_id, v = store.create(answers_file())
    with raw.begin() as conn:
        conn.exec_driver_sql("DROP TABLE drafts")
    with pytest.raises(StorageError) as info:
        store.save(draft_id, answers_file(secret=MARKER), "start", v)
    assert not isinstance(info.value, (StaleDraftError, DraftNotFound))
    assert "could not be saved" in str(info.value)
    chain = f"{info.value!s} {info.value.__cause__!s} {info.value.__cause__!r}"
    assert MARKER not in chain
    with pytest.raises(StorageError, match="could not be loaded"):
        store.load(draft_id)


def test_unreachable_database_is_a_storage_error(caplog):
    with pytest.raises(StorageError, match="not available") as info:
        DraftStore("postgresql+psycopg://nobody:secretpw@127.0.0.1:1/none?connect_timeout=2")
    assert "127.0.0.1" not in str(info.value)  # the user is not told the server's set-up
    assert "cannot be opened" in caplog.text and "secretpw" not in caplog.text


def test_bad_url_is_a_storage_error(caplog):
    with pytest.raises(StorageError, match="not available"):
        DraftStore("this is not a url")
    assert "URL is not valid" in caplog.text


# --- issue 11, item 8: users get a short true message, operators the details in the log ---------


def test_an_unwritable_data_folder_names_no_path_to_the_user(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")  # a file where the folder should be: fails even for root
    folder = blocker / "data"
    with pytest.raises(StorageError) as info:
        DraftStore(f"sqlite:///{folder / 'drafts.sqlite3'}")
    message = str(info.value)
    assert message == storage.UNAVAILABLE
    assert str(tmp_path) not in message and "COMPLIANCE_" not in message
    assert "answers are not saved" in message and "Download the answers file" in message
    assert str(folder) in caplog.text and "COMPLIANCE_DATA_DIR" in caplog.text


def test_a_full_disk_is_not_called_unreachable(tmp_path, caplog):
    store = DraftStore(f"sqlite:///{tmp_path / 'drafts.sqlite3'}")
    draft_id, version = store.create(answers_file())

    @sa.event.listens_for(store.engine, "connect")
    def _full(dbapi_connection, _record) -> None:  # SQLite's own "disk full" (SQLITE_FULL)
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    with pytest.raises(StorageError) as info:
        store.save(draft_id, answers_file(secret="x" * 200_000), "start", version)
    message = str(info.value)
    assert "could not be saved" in message and "Download the answers file" in message
    assert "not reachable" not in message and str(tmp_path) not in message
    assert "database or disk is full" in caplog.text
    store.close()


# --- default location ---------------------------------------------------------------------


def test_default_is_an_sqlite_file_in_the_data_dir_created_on_first_use(tmp_path, monkeypatch):
    monkeypatch.delenv("COMPLIANCE_DB_URL", raising=False)
    data_dir = tmp_path / "not" / "yet"
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(data_dir))
    with DraftStore() as store:
        draft_id, _ = store.create(answers_file(a="b"))
    db = data_dir / "drafts.sqlite3"
    assert db.is_file()
    if os.name == "posix":
        assert db.stat().st_mode & 0o077 == 0
        assert data_dir.stat().st_mode & 0o077 == 0
    with DraftStore() as again:
        assert again.load(draft_id).answers_file.answers == {"a": "b"}


def test_db_url_from_the_environment(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere.db"
    monkeypatch.setenv("COMPLIANCE_DB_URL", f"sqlite:///{target}")
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "unused"))
    with DraftStore() as store:
        store.create(answers_file())
    assert target.is_file()
    assert not (tmp_path / "unused").exists()


def test_per_user_default_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("COMPLIANCE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if os.name == "posix" and sys.platform.startswith("linux"):
        assert storage.default_data_dir() == tmp_path / "compliance-app"
    monkeypatch.delenv("COMPLIANCE_DB_URL", raising=False)
    assert storage.default_url().endswith("drafts.sqlite3")


def test_plain_postgresql_urls_use_psycopg3():
    assert storage_db._normalise_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert storage_db._normalise_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"


def test_command_line_upgrade_current_purge(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert storage_cli.main(["--url", url, "current"]) == 0
    assert "empty" in capsys.readouterr().out
    assert storage_cli.main(["--url", url, "upgrade"]) == 0
    assert storage.head_revision() in capsys.readouterr().out
    clock = Clock(datetime.now(UTC) - timedelta(days=40))
    with DraftStore(url, clock=clock) as store:
        store.create(answers_file(secret=MARKER))
    assert storage_cli.main(["--url", url, "purge"]) == 0
    assert "1 expired draft(s) deleted" in capsys.readouterr().out


# --- the wizard's side (compliance_app.ui.drafts, no Streamlit) ------------------------------


def test_resume_draft_gives_the_wizard_its_state(tmp_path):
    from compliance_app.dossier.answers import AnswersError
    from compliance_app.rulebase.loader import load_ruleset
    from compliance_app.ui import drafts as storage_ui

    ruleset = load_ruleset(Path(__file__).parent / "fixtures" / "mini_rules")
    company = {"name": "Ørbital", "country": "LU", "contact": "", "assessment_title": ""}
    with DraftStore(f"sqlite:///{tmp_path / 'd.sqlite3'}") as store:
        af = storage_ui.draft_data(ruleset, {"q_country": "LU"}, company)
        draft_id, _ = store.create(af, page="step:q_country")
        r = storage_ui.resume_draft(ruleset, store.load(draft_id))
        assert (r.answers, r.company, r.page, r.version) == (
            {"q_country": "LU"},
            company,
            "step:q_country",
            1,
        )
        assert r.warnings == []

        # a page that is not on the path any more goes to where the user should continue
        store.save(draft_id, af, "step:no_such_step", 1)
        assert storage_ui.resume_draft(ruleset, store.load(draft_id)).page.startswith("step:")

        other = af.model_copy(update={"ruleset": RulesetRef(id="mini", version="9.9.9")})
        draft_id2, _ = store.create(other)
        assert (
            "version 9.9.9" in storage_ui.resume_draft(ruleset, store.load(draft_id2)).warnings[0]
        )

        foreign = af.model_copy(update={"ruleset": RulesetRef(id="another", version="1")})
        draft_id3, _ = store.create(foreign)
        with pytest.raises(AnswersError, match="another"):
            storage_ui.resume_draft(ruleset, store.load(draft_id3))


MINI = Path(__file__).parent / "fixtures" / "mini_rules"


def session(**extra) -> dict:
    from compliance_app.ui import drafts as storage_ui

    state = {
        "answers": {},
        "company": {"name": "", "country": "", "contact": "", "assessment_title": ""},
        "page": "start",
        "drawn_page": "start",
        "flash": None,
    }
    state.update(storage_ui.STATE_DEFAULTS)
    state.update(extra)
    return state


def test_wizard_flow_two_tabs_reload_and_delete(make_store, raw):
    from compliance_app.rulebase.loader import load_ruleset
    from compliance_app.ui import drafts as su

    ruleset = load_ruleset(MINI)
    store = make_store()
    tab1, url1 = session(), {}
    su.open_draft(tab1, url1, store, ruleset)
    assert tab1["draft_id"] is None and table_rows(raw) == []  # nothing saved before Start

    tab1["company"] = {**tab1["company"], "name": MARKER}
    tab1["page"] = "step:q_country"
    su.persist(tab1, store, ruleset)  # the start page's button
    su.sync_url(tab1, url1)
    draft_id = tab1["draft_id"]
    assert url1 == {"draft": draft_id} and tab1["draft_version"] == 1
    assert MARKER not in repr(url1)

    tab2, url2 = session(), dict(url1)  # a second tab (or a reload, or a restart)
    su.open_draft(tab2, url2, store, ruleset)
    assert (tab2["page"], tab2["company"]["name"], tab2["draft_version"]) == (
        "step:q_country",
        MARKER,
        1,
    )
    assert tab2["drawn_page"] is None

    tab1["answers"], tab1["page"] = {"q_country": "LU"}, "step:q_broker"
    su.persist(tab1, store, ruleset)
    assert tab1["draft_version"] == 2 and tab1["storage_problem"] is None

    tab2["answers"], tab2["page"] = {"q_country": "DE"}, "step:q_broker"
    su.persist(tab2, store, ruleset)  # stale: tab 1 saved first
    assert "another tab" in tab2["storage_problem"]
    assert tab2["answers"] == {"q_country": "LU"} and tab2["draft_version"] == 2
    assert store.load(draft_id).answers_file.answers == {"q_country": "LU"}

    assert su.delete_data(tab1, url1, store) is True
    assert table_rows(raw) == []
    assert url1 == {} and tab1["storage_notice"] == su.DELETED_NOTE
    assert "answers" not in tab1 and tab1["draft_id"] is None and tab1["draft_checked"]

    su.persist(tab2, store, ruleset)  # the other tab must not bring the data back
    assert tab2["draft_off"] is True and "no longer exists" in tab2["storage_problem"]
    su.persist(tab2, store, ruleset)
    assert table_rows(raw) == []

    tab3, url3 = session(), {"draft": draft_id}  # the old link
    su.open_draft(tab3, url3, store, ruleset)
    assert url3 == {} and "no longer exists" in tab3["storage_problem"]


@pytest.mark.parametrize("bad", ["../../etc/passwd", "x" * 5000, "' OR 1=1 --"])
def test_wizard_with_a_hostile_link_starts_fresh(make_store, bad):
    from compliance_app.rulebase.loader import load_ruleset
    from compliance_app.ui import drafts as su

    state, url = session(), {"draft": bad}
    su.open_draft(state, url, make_store(), load_ruleset(MINI))
    assert url == {} and "not valid" in state["storage_problem"]
    assert state["answers"] == {} and state["draft_id"] is None


def test_wizard_without_a_store_goes_on_in_memory():
    from compliance_app.rulebase.loader import load_ruleset
    from compliance_app.ui import drafts as su

    ruleset = load_ruleset(MINI)
    state, url = session(), {"draft": "A" * 32}
    su.open_draft(state, url, None, ruleset)
    su.persist(state, None, ruleset)
    assert state["draft_id"] is None and url == {"draft": "A" * 32}
    assert su.delete_data(state, url, None) is True  # nothing saved: only the session is cleared


def test_wizard_saves_and_resumes_the_review(make_store, raw):
    from compliance_app.rulebase.loader import load_ruleset
    from compliance_app.ui import drafts as su

    ruleset = load_ruleset(MINI)
    store = make_store()
    tab1, url1 = session(answers={"q_country": "LU"}, page="results", review=a_review()), {}
    su.persist(tab1, store, ruleset)  # e.g. after opening a reviewed PDF
    su.sync_url(tab1, url1)
    assert [r["review"] for r in table_rows(raw)] == [REVIEW_TEXT]

    tab2, url2 = session(), dict(url1)  # a reload, a bookmark or a second tab
    su.open_draft(tab2, url2, store, ruleset)
    assert tab2["review"] == a_review()

    tab1["review"] = None  # a plain answers file opened afterwards
    su.persist(tab1, store, ruleset)
    tab2["answers"] = {"q_country": "DE"}
    su.persist(tab2, store, ruleset)  # stale: the newer draft (without review) is taken over
    assert "another tab" in tab2["storage_problem"] and tab2["review"] is None
    assert [r["review"] for r in table_rows(raw)] == [None]
