"""Server-side drafts: every answer saved as the user goes, under an unguessable draft id.

A draft is one :class:`~compliance_app.dossier.answers.AnswersFile` (company details and answers,
as
JSON text) plus the wizard page the user is on, the adviser review the company opened with a
reviewed PDF (YAML text of :func:`compliance_app.dossier.review.dump`, or none), a version number
and
timestamps. The draft id travels in the page URL (query parameter ``draft``); the database
keeps only its SHA-256, so a copy of the database or its logs cannot be turned back into
working links.

Storage: SQLite by default (``<data dir>/drafts.sqlite3``, created on first use), or any
SQLAlchemy URL (``COMPLIANCE_DB_URL``), PostgreSQL in particular, so several app processes can
serve the same users. The schema is created and upgraded by Alembic migrations that ship in
``compliance_app/storage/migrations`` and run when a :class:`DraftStore` starts (serialised with an
advisory lock on PostgreSQL and a write transaction on SQLite, so concurrent starts are safe).

Privacy: a draft expires ``retention_days`` after its last save and is then never returned and
is purged; :meth:`DraftStore.delete` removes it at once. Nothing here logs answer text, and
draft ids are logged only as a short hash prefix. SQL parameters are hidden from SQLAlchemy
error messages. Two tabs on one draft cannot overwrite each other: every save names the version
it was based on, and a save based on an older version raises :class:`StaleDraftError`.

No Streamlit here: the UI calls this module (see ``docs/storage.md``). The database side
(configuration, engine, table, migrations, errors) is in :mod:`compliance_app.storage.db`, the
command line (``python -m compliance_app.storage upgrade|current|purge|...``) in
:mod:`compliance_app.storage.cli`; this module re-exports what callers need.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from compliance_app.dossier.answers import AnswersFile
from compliance_app.storage.db import (
    DB_FILENAME,
    DEFAULT_RETENTION_DAYS,
    ENV_DATA_DIR,
    ENV_DB_URL,
    ENV_RETENTION_DAYS,
    FAILED,
    MAX_RETENTION_DAYS,
    UNAVAILABLE,
    DraftNotFound,
    InvalidDraftId,
    StaleDraftError,
    StorageError,
    alembic_config,
    checkpoint,
    default_data_dir,
    default_retention_days,
    default_url,
    drafts,
    head_revision,
    make_engine,
    metadata,
    migrate,
    schema_revision,
    why,
)
from compliance_app.storage.records import (
    MAX_DATA_CHARS,
    PURGE_INTERVAL,
    Draft,
    _aware,
    _check_id,
    _check_on_screen,
    _check_page,
    _check_review,
    _key,
    _parse_review,
    _to_json,
    _utc_naive,
    _utcnow,
    is_valid_draft_id,
    log_tag,
    new_draft_id,
)

__all__ = [
    "DB_FILENAME",
    "DEFAULT_RETENTION_DAYS",
    "ENV_DATA_DIR",
    "ENV_DB_URL",
    "ENV_RETENTION_DAYS",
    "Draft",
    "DraftNotFound",
    "DraftStore",
    "InvalidDraftId",
    "StaleDraftError",
    "StorageError",
    "alembic_config",
    "default_data_dir",
    "default_retention_days",
    "default_url",
    "drafts",
    "head_revision",
    "is_valid_draft_id",
    "log_tag",
    "make_engine",
    "metadata",
    "migrate",
    "new_draft_id",
    "schema_revision",
    "MAX_DATA_CHARS",
]

log = logging.getLogger(__name__)

# --- the store ----------------------------------------------------------------------------------


class DraftStore:
    """Drafts in a database. One instance per process; thread-safe.

    ``url``: an SQLAlchemy URL; default ``$COMPLIANCE_DB_URL`` or an SQLite file in
    ``$COMPLIANCE_DATA_DIR`` (default a per-user folder). ``retention_days``: drafts not saved
    for this long are gone (default ``$COMPLIANCE_RETENTION_DAYS`` or 30). ``clock``: returns
    the current time (tests pass a fake one). The schema is migrated to the newest revision and
    expired drafts are purged when the store starts.
    """

    def __init__(
        self,
        url: str | URL | None = None,
        retention_days: float | None = None,
        clock: Callable[[], datetime] = _utcnow,
        migrate_on_start: bool = True,
    ) -> None:
        days = default_retention_days() if retention_days is None else retention_days
        if not 0 < days <= MAX_RETENTION_DAYS:
            log.error("draft store: retention %r days is not in (0, %d]", days, MAX_RETENTION_DAYS)
            raise StorageError(UNAVAILABLE)
        self.retention = timedelta(days=days)
        self.clock = clock
        self.engine = make_engine(url if url is not None else default_url())
        self._purge_lock = threading.Lock()
        self._last_purge: datetime | None = None
        try:
            if migrate_on_start:
                migrate(self.engine)
            self.purged_on_start = self.purge_expired()
        except StorageError:
            self.engine.dispose()
            raise
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            log.error(
                "draft store: the database %s cannot be opened or prepared (%s); check %s "
                "and that the database server is running",
                self.engine.url.render_as_string(hide_password=True),
                why(exc),
                ENV_DB_URL,
            )
            raise StorageError(UNAVAILABLE) from exc
        log.info(
            "draft store ready: %s, retention %s days",
            self.engine.url.render_as_string(hide_password=True),
            days,
        )

    @property
    def url(self) -> URL:
        return self.engine.url

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> DraftStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- helpers

    def _now(self) -> datetime:
        return _utc_naive(self.clock())

    def _cutoff(self, now: datetime) -> datetime:
        return now - self.retention

    def _fail(self, action: str, exc: sa.exc.SQLAlchemyError) -> StorageError:
        """The user's message for a failed ``action`` ("save", "load", "delete", "purge"); the
        database's reason (a full disk, a read-only file, no connection) goes to the log."""
        log.error("draft store: %s failed: %s", action, why(exc))
        return StorageError(FAILED[action])

    def _maybe_purge(self, now: datetime) -> None:
        if self._last_purge is not None and now - self._last_purge < PURGE_INTERVAL:
            return
        if self._purge_lock.acquire(blocking=False):
            try:
                self.purge_expired(now)
            except StorageError:
                pass  # purging is best effort here; the next call tries again
            finally:
                self._purge_lock.release()

    # -- API

    def create(
        self,
        data: AnswersFile | Mapping[str, Any],
        page: str = "start",
        review: str | None = None,
        on_screen: str | None = None,
    ) -> tuple[str, int]:
        """Store a new draft. Returns ``(draft_id, version)``; the version is 1.

        ``review``: the adviser review the company opened (text of ``review.dump(r)``), or None.
        ``on_screen``: the unconfirmed answer on the screen (JSON text), or None.
        """
        text = _to_json(data)
        page = _check_page(page)
        review_text = _check_review(review)
        on_screen = _check_on_screen(on_screen)
        now = self._now()
        draft_id = new_draft_id()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    drafts.insert().values(
                        key=_key(draft_id),
                        data=text,
                        page=page,
                        review=review_text,
                        on_screen=on_screen,
                        version=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("save", exc) from exc
        log.info("draft %s created", log_tag(draft_id))
        self._maybe_purge(now)
        return draft_id, 1

    def load(self, draft_id: str) -> Draft | None:
        """The draft, or None if it does not exist or has expired (an expired one is deleted).

        Raises InvalidDraftId for a malformed id (a hostile URL parameter touches nothing).
        """
        key = _key(_check_id(draft_id))
        now = self._now()
        try:
            with self.engine.begin() as conn:
                row = conn.execute(sa.select(drafts).where(drafts.c.key == key)).first()
                if row is not None and row.updated_at < self._cutoff(now):
                    conn.execute(drafts.delete().where(drafts.c.key == key))
                    log.info("draft %s expired and deleted", log_tag(draft_id))
                    row = None
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("load", exc) from exc
        if row is None:
            return None
        try:
            data = json.loads(row.data)
        except ValueError as exc:
            raise StorageError("The saved assessment is damaged and cannot be read.") from exc
        review_text = row.review
        if _parse_review(review_text, draft_id) is None:
            review_text = None  # none, or damaged: the answers are still resumed
        return Draft(
            id=draft_id,
            data=data,
            page=row.page,
            version=row.version,
            created_at=_aware(row.created_at),
            updated_at=_aware(row.updated_at),
            expires_at=_aware(row.updated_at + self.retention),
            review_text=review_text,
            on_screen_text=row.on_screen,
        )

    def save(
        self,
        draft_id: str,
        data: AnswersFile | Mapping[str, Any],
        page: str,
        expected_version: int,
        review: str | None = None,
        on_screen: str | None = None,
    ) -> int:
        """Replace the draft's data, page, review and on-screen answer if it is still at
        ``expected_version``.

        ``review`` replaces the stored review (text of ``review.dump(r)``); None clears it.
        ``on_screen`` replaces the unconfirmed on-screen answer (JSON text); None clears it.

        Returns the new version. Raises StaleDraftError if it was saved since (another tab),
        DraftNotFound if it was deleted or has expired, InvalidDraftId for a malformed id.
        """
        key = _key(_check_id(draft_id))
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise TypeError("expected_version must be an int")
        text = _to_json(data)
        page = _check_page(page)
        review_text = _check_review(review)
        on_screen = _check_on_screen(on_screen)
        now = self._now()
        try:
            with self.engine.begin() as conn:
                result = conn.execute(
                    drafts.update()
                    .where(
                        drafts.c.key == key,
                        drafts.c.version == expected_version,
                        drafts.c.updated_at >= self._cutoff(now),
                    )
                    .values(
                        data=text,
                        page=page,
                        review=review_text,
                        on_screen=on_screen,
                        version=drafts.c.version + 1,
                        updated_at=now,
                    )
                )
                if result.rowcount == 1:
                    new_version = expected_version + 1
                else:
                    row = conn.execute(
                        sa.select(drafts.c.version, drafts.c.updated_at).where(drafts.c.key == key)
                    ).first()
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("save", exc) from exc
        if result.rowcount == 1:
            log.debug("draft %s saved (version %d)", log_tag(draft_id), new_version)
            return new_version
        if row is None or row.updated_at < self._cutoff(now):
            log.info("draft %s: save refused, no such draft", log_tag(draft_id))
            raise DraftNotFound()
        log.info(
            "draft %s: stale save refused (based on %d, stored %d)",
            log_tag(draft_id),
            expected_version,
            row.version,
        )
        raise StaleDraftError(row.version)

    def delete(self, draft_id: str) -> bool:
        """Delete the draft at once ("Delete my data"). True if there was one to delete."""
        key = _key(_check_id(draft_id))
        try:
            with self.engine.begin() as conn:
                deleted = conn.execute(drafts.delete().where(drafts.c.key == key)).rowcount
            if not checkpoint(self.engine):
                log.warning("draft %s deleted; its old copy stays in the SQLite log until "
                            "the next checkpoint", log_tag(draft_id))  # fmt: skip
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("delete", exc) from exc
        log.info("draft %s deleted by the user (%d row)", log_tag(draft_id), deleted)
        return deleted > 0

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete every draft not saved within the retention period. Returns how many."""
        moment = self._now() if now is None else _utc_naive(now)
        try:
            with self.engine.begin() as conn:
                count = conn.execute(
                    drafts.delete().where(drafts.c.updated_at < self._cutoff(moment))
                ).rowcount
            if count and not checkpoint(self.engine):
                log.warning("expired drafts purged; old copies stay in the SQLite log until "
                            "the next checkpoint")  # fmt: skip
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("purge", exc) from exc
        self._last_purge = moment
        if count:
            log.info("purged %d expired draft(s)", count)
        return count

    def count(self) -> int:
        """How many drafts are stored (expired ones not yet purged included)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(drafts)).scalar_one()
