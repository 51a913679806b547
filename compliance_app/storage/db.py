"""The database side of the draft store: configuration, engine, table, migrations, errors.

Used by :mod:`compliance_app.storage.store` (the API) and by ``migrations/env.py``; see
``docs/storage.md``.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

ENV_DB_URL = "COMPLIANCE_DB_URL"
ENV_DATA_DIR = "COMPLIANCE_DATA_DIR"
ENV_RETENTION_DAYS = "COMPLIANCE_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30
DB_FILENAME = "drafts.sqlite3"
APP_DIRNAME = "compliance-app"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 0x636F6D706C69  # pg_advisory_xact_lock key: "compli"
log = logging.getLogger("compliance_app.storage.store")

metadata = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s", "ix": "ix_%(column_0_label)s"})
drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True, comment="SHA-256 hex of the draft id"),
    sa.Column("data", sa.Text, nullable=False, comment="AnswersFile as JSON"),
    sa.Column("page", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, comment="UTC"),
    sa.Column("updated_at", sa.DateTime, nullable=False, index=True, comment="UTC"),
    sa.Column(
        "review", sa.Text, nullable=True, comment="adviser review as YAML (review.dump), or NULL"
    ),
    sa.Column(
        "on_screen",
        sa.Text,
        nullable=True,
        comment="the answer on screen, not yet confirmed with Next, as JSON, or NULL",
    ),
)
"""The drafts. Change a table only together with a new migration (see ``docs/storage.md``)."""

screening_lists = sa.Table(
    "screening_lists",
    metadata,
    sa.Column("list_id", sa.String(32), primary_key=True, comment="us_csl, eu_fsf, uk_sl, un_sc"),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("source_format", sa.String(8), nullable=False, comment="csv, json or xml"),
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("published_on", sa.Date, nullable=True, comment="as the file states it, or NULL"),
    sa.Column("imported_at", sa.DateTime, nullable=False, comment="UTC"),
    sa.Column("entry_count", sa.Integer, nullable=False),
    sa.Column("name_count", sa.Integer, nullable=False),
)
"""One row per restricted-party list: the import in use (a new import replaces it)."""

screening_entries = sa.Table(
    "screening_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "list_id",
        sa.String(32),
        sa.ForeignKey("screening_lists.list_id", ondelete="CASCADE", name="fk_entries_list"),
        nullable=False,
        index=True,
    ),
    sa.Column("ref", sa.String(200), nullable=False, comment="the list's own id of the entry"),
    sa.Column("primary_name", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False, comment="names, countries, programmes as JSON"),
)
"""The entries of each list (``compliance_app.screening.store``)."""


# --- errors -----------------------------------------------------------------------------------


class StorageError(Exception):
    """The draft store failed. ``str(error)`` is a short, true message for the user: no answer
    text, no server path, no instructions for the operator. The details (path, database error,
    what to configure) are logged for the operator (logger ``compliance_app.storage.store``)."""


UNAVAILABLE = (
    "Saving on this server is not available at the moment, so your answers are not saved here. "
    "Download the answers file with Save progress to keep them."
)
"""What a user is told when the draft store cannot be opened at all (the details are logged)."""


MAX_RETENTION_DAYS = 36_500
"""Longest retention accepted (100 years; longer ones overflow date arithmetic)."""
FAILED = {
    "save": (
        "Your answers could not be saved on this server. Download the answers file with Save "
        "progress to keep them."
    ),
    "load": (
        "Your saved answers could not be loaded from this server just now. Reload the page in "
        "a moment, or upload your answers file."
    ),
    "delete": "Your saved answers could not be deleted just now. Try again in a moment.",
    "purge": "Expired saved answers could not be deleted just now.",
}
"""What a user is told when one action of the draft store failed (the reason is logged)."""


def why(exc: BaseException) -> str:
    """An exception for the log: its type and the first line of its message (at most 200
    characters; database errors are raised with their parameters hidden)."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {lines[0][:200] if lines else ''}".rstrip(": ")


class DraftNotFound(StorageError):
    """No such draft: never created, deleted, or expired."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "This saved assessment no longer exists: it was deleted, or it expired after a "
            "period without changes. Start a new assessment, or upload your answers file."
        )


class InvalidDraftId(DraftNotFound):
    """A draft id that this store could never have issued (wrong type, length or alphabet)."""

    def __init__(self) -> None:
        super().__init__(
            "The link does not point to a saved assessment (the draft id in it is not valid). "
            "Start a new assessment, or upload your answers file."
        )


class StaleDraftError(StorageError):
    """The draft was saved elsewhere (another tab) after this copy was loaded."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(
            "These answers were changed in another tab or window after this page was opened. "
            "Your last change was not saved, so that the newer answers are not overwritten. "
            "The page now shows the newer answers; check them and enter your change again."
        )


# --- configuration ------------------------------------------------------------------------------


def default_data_dir() -> Path:
    """``$COMPLIANCE_DATA_DIR``, else the per-user data folder of this app."""
    configured = os.environ.get(ENV_DATA_DIR)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIRNAME


def default_url() -> str:
    """``$COMPLIANCE_DB_URL``, else an SQLite file in :func:`default_data_dir`."""
    return os.environ.get(ENV_DB_URL) or f"sqlite:///{default_data_dir() / DB_FILENAME}"


def retention_problem(raw: str) -> str | None:
    """Why ``raw`` is not a valid ``COMPLIANCE_RETENTION_DAYS`` (a message for the operator),
    or None."""
    try:
        days = float(raw)
    except ValueError:
        days = math.nan
    if math.isfinite(days) and 0 < days <= MAX_RETENTION_DAYS:
        return None
    return (
        f"{ENV_RETENTION_DAYS} must be a number of days above 0 and at most "
        f"{MAX_RETENTION_DAYS:,} (decimals allowed); it is {raw[:40]!r}."
    )


def default_retention_days() -> float:
    """``$COMPLIANCE_RETENTION_DAYS`` (default 30). An invalid value (not a number, ``inf``,
    0 or less, more than :data:`MAX_RETENTION_DAYS`) is logged and raises StorageError."""
    raw = os.environ.get(ENV_RETENTION_DAYS)
    if not raw:
        return DEFAULT_RETENTION_DAYS
    problem = retention_problem(raw)
    if problem:
        log.error("draft store: %s", problem)
        raise StorageError(UNAVAILABLE)
    return float(raw)


def environment_problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """What is wrong with the storage settings ``COMPLIANCE_RETENTION_DAYS``,
    ``COMPLIANCE_DB_URL`` and ``COMPLIANCE_DATA_DIR`` (messages for the operator; the URL is
    never repeated, it may hold a password). Empty when they are fine or not set."""
    env = os.environ if environ is None else environ
    out: list[str] = []
    if env.get(ENV_RETENTION_DAYS) and (problem := retention_problem(env[ENV_RETENTION_DAYS])):
        out.append(problem)
    if env.get(ENV_DB_URL):
        try:
            backend = make_url(env[ENV_DB_URL]).get_backend_name()
        except Exception:  # noqa: BLE001 - any parse failure is a configuration error
            backend = None
        if backend not in ("sqlite", "postgresql"):
            out.append(
                f"{ENV_DB_URL} must be an SQLAlchemy URL of an SQLite or PostgreSQL database "
                "(sqlite:////path/drafts.sqlite3, postgresql://user:password@host/db)."
            )
    elif env.get(ENV_DATA_DIR):
        folder = Path(env[ENV_DATA_DIR]).expanduser()
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK):
            out.append(
                f"{ENV_DATA_DIR} {str(folder)!r} is not a folder this process can create or write."
            )
    return out


def _normalise_url(url: str | URL) -> URL:
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a configuration error
        log.error("draft store: the database URL is not valid (%s); check %s", why(exc), ENV_DB_URL)
        raise StorageError(UNAVAILABLE) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
    return parsed


def _prepare_sqlite_file(url: URL) -> None:
    """Create the folder (private) and the file (owner-only) of an SQLite database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
    except OSError as exc:
        log.error(
            "draft store: the folder %s cannot be created or written (%s); set %s or %s",
            path.parent,
            exc.strerror,
            ENV_DATA_DIR,
            ENV_DB_URL,
        )
        raise StorageError(UNAVAILABLE) from exc


def make_engine(url: str | URL) -> Engine:
    """An engine for the draft store: parameters hidden from errors, SQLite made transactional."""
    parsed = _normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _prepare_sqlite_file(parsed)
        memory = parsed.database in (None, "", ":memory:")
        engine = sa.create_engine(
            parsed,
            hide_parameters=True,
            connect_args={"timeout": 30, "check_same_thread": False},
            poolclass=sa.pool.StaticPool if memory else None,
        )
        _make_sqlite_transactional(engine)
        return engine
    return sa.create_engine(parsed, hide_parameters=True, pool_pre_ping=True)


def _make_sqlite_transactional(engine: Engine) -> None:
    """pysqlite's own transaction handling skips DDL and defers locks; take them over:
    every transaction is ``BEGIN IMMEDIATE`` (one writer at a time, others wait up to the busy
    timeout), so migrations run atomically even when several processes start at once.
    ``secure_delete`` overwrites deleted drafts in the file instead of leaving them in free pages.

    Write-ahead log with ``synchronous = FULL``: a commit (one per Next) appends to the log and
    syncs it once, where the rollback journal synced three times (about 2 ms instead of 12 on
    the benchmark machine), with the same durability. Deleted drafts would stay in the log
    until its next checkpoint: :func:`checkpoint` runs one after every delete and purge.
    """

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _use_wal(cursor: Any, wait_s: float = 30.0) -> None:
    """Switch the file to the write-ahead log (a setting kept in the file: done once, by its
    first connection). Connections opening a new file at once may find it locked while
    another switches it (SQLite does not wait on its busy timeout there): try again until
    the file is in WAL mode or ``wait_s`` has passed."""
    import sqlite3
    import time

    deadline = time.monotonic() + wait_s
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")  # (in memory: stays "memory")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def checkpoint(engine: Engine) -> bool:
    """SQLite: copy the write-ahead log into the database file and empty the log, so a deleted
    draft is in neither file (``secure_delete`` has overwritten it). Waits up to the busy
    timeout for other connections. False if it could not be completed (then SQLite's next
    automatic checkpoint does it); True on other databases, which need none.
    """
    import sqlite3

    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:  # the raw connection: a checkpoint runs outside transactions
        raw: Any = conn.connection.driver_connection
        try:
            busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error:
            return False
    return busy == 0


# --- migrations ---------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic config for the shipped migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest). Safe to run concurrently."""
    from alembic import command

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        command.upgrade(alembic_config(conn), revision)


def schema_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
