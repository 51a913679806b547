"""Server-side drafts: every answer saved as the user goes, under an unguessable draft id.

A draft is one :class:`~compliance_app.answers.AnswersFile` (company details and answers, as
JSON text) plus the wizard page the user is on, the adviser review the company opened with a
reviewed PDF (YAML text of :func:`compliance_app.review.dump`, or none), a version number and
timestamps. The draft id travels in the page URL (query parameter ``draft``); the database
keeps only its SHA-256, so a copy of the database or its logs cannot be turned back into
working links.

Storage: SQLite by default (``<data dir>/drafts.sqlite3``, created on first use), or any
SQLAlchemy URL (``COMPLIANCE_DB_URL``), PostgreSQL in particular, so several app processes can
serve the same users. The schema is created and upgraded by Alembic migrations that ship in
``compliance_app/migrations`` and run when a :class:`DraftStore` starts (serialised with an
advisory lock on PostgreSQL and a write transaction on SQLite, so concurrent starts are safe).

Privacy: a draft expires ``retention_days`` after its last save and is then never returned and
is purged; :meth:`DraftStore.delete` removes it at once. Nothing here logs answer text, and
draft ids are logged only as a short hash prefix. SQL parameters are hidden from SQLAlchemy
error messages. Two tabs on one draft cannot overwrite each other: every save names the version
it was based on, and a save based on an older version raises :class:`StaleDraftError`.

No Streamlit here: the UI calls this module (see ``docs/storage.md``). The database side
(configuration, engine, table, migrations, errors) is in :mod:`compliance_app.storage_db`, the
command line (``python -m compliance_app.storage upgrade|current|purge|...``) in
:mod:`compliance_app.storage_cli`; this module re-exports what callers need.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import URL

from compliance_app import review as review_mod
from compliance_app.answers import AnswersFile
from compliance_app.storage_db import (
    DB_FILENAME,
    DEFAULT_RETENTION_DAYS,
    ENV_DATA_DIR,
    ENV_DB_URL,
    ENV_RETENTION_DAYS,
    DraftNotFound,
    InvalidDraftId,
    StaleDraftError,
    StorageError,
    alembic_config,
    default_data_dir,
    default_retention_days,
    default_url,
    drafts,
    head_revision,
    make_engine,
    metadata,
    migrate,
    schema_revision,
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
]

log = logging.getLogger(__name__)

DRAFT_ID_BYTES = 24
"""Random bytes in a draft id: 192 bits, written as 32 URL-safe base64 characters."""
_DRAFT_ID_RE = re.compile(r"[A-Za-z0-9_-]{32}")
_PAGE_RE = re.compile(r"[A-Za-z0-9_:.\-]{1,200}")
MAX_DATA_CHARS = 4_000_000
"""Largest draft accepted, in characters of JSON (an answers file upload is at most 1 MB)."""
PURGE_INTERVAL = timedelta(hours=1)
"""How often a running store purges expired drafts on its own (also purged when it starts)."""

# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """One stored draft as loaded."""

    id: str
    data: dict[str, Any] = field(repr=False)
    """The answers file as a JSON-compatible dict (``AnswersFile.model_dump(mode="json")``)."""
    page: str
    version: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    """When it will be purged unless saved again (``updated_at`` + retention), UTC."""
    review_text: str | None = field(default=None, repr=False)
    """The adviser review the company opened (YAML of :func:`compliance_app.review.dump`), or
    None. A stored review that cannot be read is dropped (with a warning) when loading."""

    @property
    def review(self) -> review_mod.Review | None:
        """The review as a :class:`~compliance_app.review.Review`, or None (none, or unreadable)."""
        return _parse_review(self.review_text, self.id)

    @property
    def answers_file(self) -> AnswersFile:
        """The data as an :class:`AnswersFile`. Raises StorageError if it no longer fits."""
        try:
            return AnswersFile.model_validate(self.data)
        except ValidationError as exc:
            raise StorageError(
                "The saved assessment cannot be read by this version of the app. "
                "Start a new assessment, or upload your answers file."
            ) from exc


def new_draft_id() -> str:
    """A fresh unguessable draft id (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(DRAFT_ID_BYTES)


def is_valid_draft_id(value: object) -> bool:
    """True if ``value`` has the shape of a draft id (the UI can check a URL parameter)."""
    return isinstance(value, str) and _DRAFT_ID_RE.fullmatch(value) is not None


def _check_id(draft_id: object) -> str:
    if not is_valid_draft_id(draft_id):
        raise InvalidDraftId()
    return draft_id  # type: ignore[return-value]


def _key(draft_id: str) -> str:
    return hashlib.sha256(draft_id.encode("ascii")).hexdigest()


def log_tag(draft_id: str) -> str:
    """What may be logged about a draft id: 8 hex digits of its hash (also a prefix of its key)."""
    return _key(draft_id)[:8] if is_valid_draft_id(draft_id) else "invalid"


def _check_page(page: object) -> str:
    if not isinstance(page, str) or _PAGE_RE.fullmatch(page) is None:
        raise ValueError("page must be 1-200 characters of letters, digits and _ : . -")
    return page


def _to_json(data: AnswersFile | Mapping[str, Any]) -> str:
    """Validate ``data`` as an answers file and serialise it (UTF-8 text, no answer logged)."""
    if isinstance(data, AnswersFile):
        af = data
    else:
        try:
            af = AnswersFile.model_validate(dict(data))
        except ValidationError as exc:
            # The message names fields and problems, never the values.
            where = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
            raise ValueError(f"not an answers file ({where})") from None
    plain = af.model_dump(mode="json")
    text = json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep them as \\uXXXX escapes
        text = json.dumps(plain, ensure_ascii=True, separators=(",", ":"))
    if len(text) > MAX_DATA_CHARS:
        raise StorageError(
            f"The answers are too large to save ({len(text):,} characters; at most "
            f"{MAX_DATA_CHARS:,}). Shorten the longest free-text answers."
        )
    return text


def _check_review(review: object) -> str | None:
    """The review text to store: YAML text of ``review.dump(r)``, or None (no review)."""
    if review is None:
        return None
    if not isinstance(review, str):
        raise TypeError("review must be the text of review.dump(...) or None")
    if len(review) > MAX_DATA_CHARS:
        raise StorageError(
            f"The adviser review is too large to save ({len(review):,} characters; at most "
            f"{MAX_DATA_CHARS:,})."
        )
    return review


def _parse_review(text: str | None, draft_id: str) -> review_mod.Review | None:
    """The stored review, or None if there is none or it cannot be read (logged, no content)."""
    if text is None:
        return None
    try:
        return review_mod.parse(text.encode("utf-8", "surrogatepass"))
    except (review_mod.ReviewError, UnicodeError) as exc:
        log.warning(
            "draft %s: stored review cannot be read (%s); dropped",
            log_tag(draft_id),
            type(exc).__name__,
        )
        return None


def _utc_naive(moment: datetime) -> datetime:
    """Timestamps are stored as naive UTC (the same on SQLite and PostgreSQL)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _utcnow() -> datetime:
    return datetime.now(UTC)


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
        if not days > 0:
            raise StorageError("The retention period must be more than 0 days.")
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
            raise StorageError(
                "The draft database cannot be opened or prepared. Check the database URL "
                "and that the server is running."
            ) from exc
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
        log.warning("draft store: %s failed: %s", action, type(exc).__name__)
        return StorageError(
            f"Your answers could not be {action} right now (the draft store is not reachable). "
            "Try again in a moment, and download the answers file to keep a copy."
        )

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
    ) -> tuple[str, int]:
        """Store a new draft. Returns ``(draft_id, version)``; the version is 1.

        ``review``: the adviser review the company opened (text of ``review.dump(r)``), or None.
        """
        text = _to_json(data)
        page = _check_page(page)
        review_text = _check_review(review)
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
                        version=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("saved", exc) from exc
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
            raise self._fail("loaded", exc) from exc
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
        )

    def save(
        self,
        draft_id: str,
        data: AnswersFile | Mapping[str, Any],
        page: str,
        expected_version: int,
        review: str | None = None,
    ) -> int:
        """Replace the draft's data, page and review if it is still at ``expected_version``.

        ``review`` replaces the stored review (text of ``review.dump(r)``); None clears it.

        Returns the new version. Raises StaleDraftError if it was saved since (another tab),
        DraftNotFound if it was deleted or has expired, InvalidDraftId for a malformed id.
        """
        key = _key(_check_id(draft_id))
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise TypeError("expected_version must be an int")
        text = _to_json(data)
        page = _check_page(page)
        review_text = _check_review(review)
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
            raise self._fail("saved", exc) from exc
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
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("deleted", exc) from exc
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
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail("purged", exc) from exc
        self._last_purge = moment
        if count:
            log.info("purged %d expired draft(s)", count)
        return count

    def count(self) -> int:
        """How many drafts are stored (expired ones not yet purged included)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(drafts)).scalar_one()


if __name__ == "__main__":
    from compliance_app.storage_cli import main

    raise SystemExit(main())
