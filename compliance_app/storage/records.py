"""Draft records and the values stored with them: ids, pages, answers JSON, reviews, times.

Used by :mod:`.store`. Nothing here touches the database. Draft ids are 192 random bits; only
their SHA-256 is stored (:func:`_key`), and only 8 hex digits of it may be logged
(:func:`log_tag`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from compliance_app.dossier import review as review_mod
from compliance_app.dossier.answers import AnswersFile
from compliance_app.storage.db import InvalidDraftId, StorageError

log = logging.getLogger("compliance_app.storage.store")

DRAFT_ID_BYTES = 24
"""Random bytes in a draft id: 192 bits, written as 32 URL-safe base64 characters."""
_DRAFT_ID_RE = re.compile(r"[A-Za-z0-9_-]{32}")
_PAGE_RE = re.compile(r"[A-Za-z0-9_:.@+\-]{1,200}")
MAX_DATA_CHARS = 32_000_000
"""Longest draft (JSON characters): room for a deal of 10 items with 5,000-line bills of
materials (answers files cap that at 8 MB)."""
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
    """The adviser review the company opened (YAML of
    :func:`compliance_app.dossier.review.dump`), or None. A stored review that cannot be read
    is dropped (with a warning) when loading."""
    on_screen_text: str | None = field(default=None, repr=False)
    """The answer on the screen of the current question, not yet confirmed with Next (JSON
    text written and read by :mod:`compliance_app.ui.drafts`), or None. Never an answer."""

    @property
    def review(self) -> review_mod.Review | None:
        """The review as a :class:`~compliance_app.dossier.review.Review`, or None (none or
        unreadable)."""
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
        raise ValueError("page must be 1-200 characters of letters, digits and _ : . - @ +")
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
            f"{MAX_DATA_CHARS:,}). Shorten the longest free-text answers or bills of materials."
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


def _check_on_screen(text: object) -> str | None:
    """The on-screen answer to store: JSON text, or None (nothing unconfirmed on screen)."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("on_screen must be JSON text or None")
    if len(text) > MAX_DATA_CHARS:
        raise StorageError(
            f"The answer on the screen is too large to save ({len(text):,} characters; at most "
            f"{MAX_DATA_CHARS:,})."
        )
    return text


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
