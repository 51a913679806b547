"""The answers travel with the report: PDF file attachments, the seal, and reading uploads.

A PDF report of this tool carries, as PDF file attachments (``/EmbeddedFiles``):

* ``answers.yaml``: the answers file as :func:`.answers.dump` writes it; ``review.yaml`` (only
  in a reviewed report): the adviser's review (:mod:`compliance_app.dossier.review`);
* ``manifest.json``: which files are attached with their SHA-256 and size, the report id, the
  rule base and the result at the time (finding codes, jurisdiction, authorisation), and the
  *seal*: the length of the PDF as written and a SHA-256 (or HMAC-SHA-256 with a server key)
  of every byte of it except the 64 hex digits of the seal itself (the way PDF signatures
  exclude their own ``/Contents``).

:func:`read_upload` takes the bytes of an uploaded file and gives back the answers (and the
review) or refuses with :class:`UploadError`, whose message is for the user. For a PDF it
checks, in order: size (:data:`MAX_UPLOAD_BYTES`, before anything else), the ``%PDF-`` header,
the seal (which shows that not one byte changed since the PDF was made, and so that the
attachments were not swapped or edited), then reads the attachments from the sealed bytes with
pypdf, with caps on their number and their decompressed size, then the hash of each
attachment, then parses the answers and the review. Bytes appended after the sealed length (an
incremental save by a PDF viewer, e.g. a comment, or the adviser's digital signature) are
never read for the assessment: a PAdES signature there is verified
(:mod:`compliance_app.dossier.signing`) and reported in :attr:`Upload.signature`; a signature
that does not verify refuses the upload; anything added after a signature is reported as a
change after signing; other appended bytes are ignored with a warning.

The seal detects damage and naive edits, not a determined forger: anyone with the tool's source
can recompute a SHA-256 seal (``docs/review.md``); with a server key (HMAC) only its holders can.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance_app.dossier import answers as answers_mod
from compliance_app.dossier import review as review_mod
from compliance_app.dossier import signing
from compliance_app.dossier.answers import AnswersError, AnswersFile, RulesetRef
from compliance_app.dossier.pdfread import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_NAME_TREE_NODES,
    UploadError,
    attachments,
)
from compliance_app.dossier.review import Review
from compliance_app.dossier.sealing import (  # noqa: F401 - imported from here
    _CHANGED,
    _FOREIGN,
    _SEAL_RE,
    SEAL_PLACEHOLDER_DIGEST,
    SEAL_PLACEHOLDER_LENGTH,
    _check_seal,
    seal,
)
from compliance_app.dossier.signing import SignatureCheck

if TYPE_CHECKING:
    from compliance_app.rulebase.models import Ruleset

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_ATTACHMENTS",
    "MAX_NAME_TREE_NODES",
    "UploadError",
    "read_upload",
    "seal",
]

ANSWERS_NAME = "answers.yaml"
REVIEW_NAME = "review.yaml"
MANIFEST_NAME = "manifest.json"
RULESET_NAME = "ruleset.json"
MANIFEST_FORMAT = "itar-ear-report-manifest"

MAX_UPLOAD_BYTES = 10_000_000
"""Largest upload accepted (PDF or answers file), in bytes, checked before any parsing.
Answers files are further limited to :data:`compliance_app.dossier.answers.MAX_BYTES` (8 MB)."""

MAX_PARALLEL_UPLOADS = 2
"""Uploads parsed at the same time in one process; more wait (parsing holds the GIL, so more
at once would only slow every user's clicks)."""
BUSY_WAIT_SECONDS = 20.0
"""How long an upload waits for its turn before it is refused as "the server is busy"."""
_PARSING = threading.BoundedSemaphore(MAX_PARALLEL_UPLOADS)

PDF_EXTENSIONS = (".pdf",)
ANSWERS_EXTENSIONS = (".yaml", ".yml", ".json")


# --- the manifest -----------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileEntry(_Strict):
    name: Annotated[str, Field(max_length=64)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size: Annotated[int, Field(ge=0, le=MAX_ATTACHMENT_BYTES)]


class ResultSummary(_Strict):
    """The result printed in the report, so a later version can say what changed."""

    complete: bool
    jurisdiction: str
    us_authorization_needed: str
    codes: list[Annotated[str, Field(max_length=64)]]


class Manifest(_Strict):
    """``manifest.json``: what the PDF carries, and its seal."""

    format: Literal["itar-ear-report-manifest"] = MANIFEST_FORMAT
    format_version: Literal[1] = 1
    report_id: Annotated[str, Field(max_length=64)]
    generated_at: Annotated[str, Field(max_length=64)]
    ruleset: RulesetRef
    result: ResultSummary
    files: Annotated[list[FileEntry], Field(max_length=MAX_ATTACHMENTS)]
    seal_algorithm: Literal["sha256", "hmac-sha256"]
    pdf_length: Annotated[str, Field(pattern=r"^\d{10}$")]
    pdf_seal: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


# --- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    """What an accepted upload restores."""

    answers: AnswersFile
    answers_bytes: bytes
    """The answers file bytes (as uploaded, or as attached in the PDF)."""
    source: Literal["pdf", "answers"]
    review: Review | None = None
    manifest: Manifest | None = None
    """PDF only: report id, rule base and result when the PDF was made."""
    warnings: list[str] = field(default_factory=list)
    signature: SignatureCheck = field(default_factory=lambda: SignatureCheck("not_signed"))
    """PDF only: the verdict on the adviser's digital signature (PAdES), if any."""

    @property
    def previous_codes(self) -> list[str] | None:
        """Finding codes printed in the uploaded PDF (None for a bare answers file)."""
        return list(self.manifest.result.codes) if self.manifest else None


@contextlib.contextmanager
def parsing_slot() -> Iterator[None]:
    """One of the :data:`MAX_PARALLEL_UPLOADS` slots for parsing an upload in this process.

    Raises UploadError (nothing was changed) if none is free within :data:`BUSY_WAIT_SECONDS`.
    """
    if not _PARSING.acquire(timeout=BUSY_WAIT_SECONDS):
        raise UploadError(
            "The server is busy reading other uploads, so this file was not read and nothing was "
            "changed. Upload it again in a minute."
        )
    try:
        yield
    finally:
        _PARSING.release()


def read_upload(
    data: bytes,
    filename: str = "",
    *,
    key: bytes | None = None,
    trust_roots: list[bytes] | None = None,
    ruleset: Ruleset | None = None,
) -> Upload:
    """Read an uploaded PDF report of this tool or an answers file (YAML/JSON).

    The kind is sniffed from the content (``%PDF-``), and must agree with the file name's
    extension when there is one (``.pdf``, ``.yaml``, ``.yml``, ``.json``). With ``key``, a PDF
    must carry a valid HMAC seal made with that key. ``trust_roots``: DER root certificates for
    the signature check (default: ``COMPLIANCE_TRUSTED_CERTS``, see ``signing``). At most
    :data:`MAX_PARALLEL_UPLOADS` files are parsed at once (:func:`parsing_slot`). Raises
    :class:`UploadError` (a subclass of ``AnswersError``) with a message for the user; never
    returns a partial result. Answers of format 1 (every file and PDF made before issue 10) are
    migrated to a deal with ``ruleset`` (default: the rule base in ``rules/``);
    ``Upload.answers.notes`` says so, for the caller to show.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"The file is {len(data):,} bytes; uploads are at most {MAX_UPLOAD_BYTES:,} bytes "
            "(a PDF report of this tool or an answers file of at most "
            f"{answers_mod.MAX_BYTES:,} bytes)."
        )
    with parsing_slot():
        return _read_upload(data, filename, key, trust_roots, ruleset)


def _read_upload(
    data: bytes,
    filename: str,
    key: bytes | None,
    trust_roots: list[bytes] | None,
    ruleset: Ruleset | None = None,
) -> Upload:
    name = filename.strip().lower()
    ext = "." + name.rsplit(".", 1)[1] if "." in name else ""
    is_pdf = data[:1024].lstrip(b"\x00\t\n\r\f ").startswith(b"%PDF-")
    if ext and ext not in PDF_EXTENSIONS + ANSWERS_EXTENSIONS:
        raise UploadError(
            f"Files of type {ext} cannot be opened here: upload a PDF report of this tool "
            "(.pdf) or an answers file (.yaml, .yml or .json)."
        )
    if ext in PDF_EXTENSIONS and not is_pdf:
        raise UploadError(
            "The file is named .pdf but is not a PDF (it does not start with %PDF-): it may be "
            "damaged, or another kind of file renamed."
        )
    if is_pdf:
        if ext in ANSWERS_EXTENSIONS:
            raise UploadError(
                f"The file is named {ext} but is a PDF. Rename it to .pdf if it is a report of "
                "this tool."
            )
        return _read_pdf(data, key, trust_roots, ruleset)
    if data[:4] == b"PK\x03\x04":
        raise UploadError(
            "The file is a ZIP archive (or a Word/Excel file), not an answers file or a PDF."
        )
    try:
        af = answers_mod.parse(data, ruleset)
    except AnswersError as exc:
        raise UploadError(str(exc)) from exc
    return Upload(answers=af, answers_bytes=data, source="answers")


def _read_pdf(
    data: bytes,
    key: bytes | None,
    trust_roots: list[bytes] | None,
    ruleset: Ruleset | None = None,
) -> Upload:
    sealed = _check_seal(data, key)
    original = sealed.original
    warnings: list[str] = []
    files = attachments(original)
    if MANIFEST_NAME not in files:
        raise UploadError(_FOREIGN)
    try:
        manifest = Manifest.model_validate_json(files[MANIFEST_NAME])
    except ValidationError as exc:
        raise UploadError(
            "The integrity record inside this PDF is not in the expected form; the PDF was "
            "probably not made by this tool."
        ) from exc
    found = (manifest.seal_algorithm, manifest.pdf_length, manifest.pdf_seal)
    if found != (sealed.algorithm, sealed.length, sealed.digest):
        raise UploadError(_CHANGED)
    listed = {f.name: f for f in manifest.files}
    extra = sorted(set(files) - set(listed) - {MANIFEST_NAME})
    if extra:
        raise UploadError(
            "This PDF carries attachments that this tool did not put there "
            f"({', '.join(extra)}); it was changed after it was made."
        )
    for entry in manifest.files:
        content = files.get(entry.name)
        if content is None:
            raise UploadError(
                f"The attachment {entry.name} is missing from this PDF; it was changed after it "
                "was made."
            )
        if len(content) != entry.size or hashlib.sha256(content).hexdigest() != entry.sha256:
            raise UploadError(
                f"The attachment {entry.name} does not match its recorded SHA-256: it was "
                "damaged or edited. Upload the PDF as it was downloaded, or the answers file."
            )
    if ANSWERS_NAME not in files:
        raise UploadError(_FOREIGN)
    try:
        af = answers_mod.parse(files[ANSWERS_NAME], ruleset)
    except AnswersError as exc:
        raise UploadError(f"The answers attached to this PDF cannot be read: {exc}") from exc
    review = None
    if REVIEW_NAME in files:
        try:
            review = review_mod.parse(files[REVIEW_NAME])
        except AnswersError as exc:
            raise UploadError(f"The review attached to this PDF cannot be read: {exc}") from exc
    signature = SignatureCheck("not_signed")
    if len(original) < len(data):
        signature = signing.verify_pdf(data, sealed_length=len(original), trust_roots=trust_roots)
        if signature.status == "invalid":
            raise UploadError(
                "The digital signature of this PDF is not valid: "
                + " ".join(signature.problems)
                + " The PDF was refused. Ask the adviser for the signed PDF as they sent it."
            )
        if signature.status == "not_signed":
            warnings.append(
                f"{len(data) - len(original):,} bytes were added to this PDF after it was made "
                "(for example comments saved by a PDF viewer). They were ignored: the assessment "
                "is restored as the tool wrote it, and whatever those additions show is not "
                "part of it."
            )
        elif not signature.unchanged:
            warnings.append(
                "This PDF was CHANGED AFTER IT WAS SIGNED: "
                + signature.changes
                + ". What a PDF viewer shows of those changes (for example a comment or a "
                "drawing over the text) is not part of the signed review. The review is shown "
                "here as it was signed."
            )
    return Upload(
        answers=af,
        answers_bytes=files[ANSWERS_NAME],
        source="pdf",
        review=review,
        manifest=manifest,
        warnings=warnings,
        signature=signature,
    )
