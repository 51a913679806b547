"""The answers travel with the report: PDF file attachments, the seal, and reading uploads.

A PDF report of this tool carries, as PDF file attachments (``/EmbeddedFiles``):

* ``answers.yaml``: the answers file exactly as :func:`compliance_app.answers.dump` writes it;
* ``review.yaml`` (only in a reviewed report): the adviser's review (:mod:`compliance_app.review`);
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
incremental save by a PDF viewer, e.g. a comment) are ignored with a warning.

What the seal does not do: anyone holding the tool's source can recompute a SHA-256 seal, so it
detects damage and naive edits, not a determined forger (see ``docs/review.md``). With a
server key (HMAC) only holders of the key can seal.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import zlib
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance_app import answers as answers_mod
from compliance_app import review as review_mod
from compliance_app.answers import AnswersError, AnswersFile, RulesetRef
from compliance_app.review import Review

ANSWERS_NAME = "answers.yaml"
REVIEW_NAME = "review.yaml"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "itar-ear-report-manifest"

MAX_UPLOAD_BYTES = 10_000_000
"""Largest upload accepted (PDF or answers file), in bytes, checked before any parsing.
Answers files are further limited to :data:`compliance_app.answers.MAX_BYTES` (1 MB)."""
MAX_ATTACHMENTS = 8
"""A PDF with more embedded files than this is refused (ours have two or three)."""
MAX_ATTACHMENT_BYTES = 1_000_000
"""Largest decompressed attachment (the answers file and review are capped at 1 MB)."""
MAX_NAME_TREE_NODES = 64

PDF_EXTENSIONS = (".pdf",)
ANSWERS_EXTENSIONS = (".yaml", ".yml", ".json")

SEAL_PLACEHOLDER_LENGTH = b"0" * 10
SEAL_PLACEHOLDER_DIGEST = b"0" * 64
_SEAL_RE = re.compile(
    rb'"seal_algorithm": "(?P<algorithm>sha256|hmac-sha256)", '
    rb'"pdf_length": "(?P<length>\d{10})", "pdf_seal": "(?P<digest>[0-9a-f]{64})"\}'
)


class UploadError(AnswersError):
    """An upload was refused. ``str(error)`` is a message for the user; nothing was applied."""


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


def seal(pdf: bytes, key: bytes | None = None) -> bytes:
    """Fill in the seal of a freshly built PDF (its length and digest, see the module doc).

    Raises ``ValueError`` if the PDF does not hold exactly one unsealed manifest.
    """
    placeholder = (
        b'"pdf_length": "'
        + SEAL_PLACEHOLDER_LENGTH
        + b'", "pdf_seal": "'
        + SEAL_PLACEHOLDER_DIGEST
        + b'"}'
    )
    if pdf.count(placeholder) != 1:
        raise ValueError("the PDF must hold exactly one unsealed manifest")
    at = pdf.index(placeholder) + len(b'"pdf_length": "')
    pdf = pdf[:at] + b"%010d" % len(pdf) + pdf[at + len(SEAL_PLACEHOLDER_LENGTH) :]
    match = _SEAL_RE.search(pdf, at - 64)
    if match is None:  # pragma: no cover - written just above
        raise ValueError("the seal could not be written")
    s, e = match.span("digest")
    return pdf[:s] + _digest(pdf[:s] + pdf[e:], key).encode("ascii") + pdf[e:]


def _digest(data: bytes, key: bytes | None) -> str:
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


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

    @property
    def previous_codes(self) -> list[str] | None:
        """Finding codes printed in the uploaded PDF (None for a bare answers file)."""
        return list(self.manifest.result.codes) if self.manifest else None


def read_upload(data: bytes, filename: str = "", *, key: bytes | None = None) -> Upload:
    """Read an uploaded PDF report of this tool or an answers file (YAML/JSON).

    The kind is sniffed from the content (``%PDF-``), and must agree with the file name's
    extension when there is one (``.pdf``, ``.yaml``, ``.yml``, ``.json``). With ``key``, a PDF
    must carry a valid HMAC seal made with that key. Raises :class:`UploadError` (a subclass of
    ``AnswersError``) with a message for the user; never returns a partial result.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"The file is {len(data):,} bytes; uploads are at most {MAX_UPLOAD_BYTES:,} bytes "
            "(a PDF report of this tool or an answers file of at most "
            f"{answers_mod.MAX_BYTES:,} bytes)."
        )
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
        return _read_pdf(data, key)
    if data[:4] == b"PK\x03\x04":
        raise UploadError(
            "The file is a ZIP archive (or a Word/Excel file), not an answers file or a PDF."
        )
    try:
        af = answers_mod.parse(data)
    except AnswersError as exc:
        raise UploadError(str(exc)) from exc
    return Upload(answers=af, answers_bytes=data, source="answers")


_FOREIGN = (
    "This PDF does not carry an assessment of this tool (it has no sealed answers "
    "attachment). Upload a PDF report downloaded from this tool, or the answers file."
)
_CHANGED = (
    "This PDF has been damaged or changed since it was made (its seal does not match its "
    "content), so the answers in it cannot be trusted. Upload the PDF as it was downloaded, "
    "or the answers file."
)


def _read_pdf(data: bytes, key: bytes | None) -> Upload:
    sealed = _check_seal(data, key)
    original = sealed.original
    warnings: list[str] = []
    files = _attachments(original)
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
        af = answers_mod.parse(files[ANSWERS_NAME])
    except AnswersError as exc:
        raise UploadError(f"The answers attached to this PDF cannot be read: {exc}") from exc
    review = None
    if REVIEW_NAME in files:
        try:
            review = review_mod.parse(files[REVIEW_NAME])
        except AnswersError as exc:
            raise UploadError(f"The review attached to this PDF cannot be read: {exc}") from exc
    if len(original) < len(data):
        warnings.append(
            f"{len(data) - len(original):,} bytes were added to this PDF after it was made "
            "(for example comments or a signature saved by a PDF viewer). They were ignored: "
            "the assessment is restored as the tool wrote it."
        )
    return Upload(
        answers=af,
        answers_bytes=files[ANSWERS_NAME],
        source="pdf",
        review=review,
        manifest=manifest,
        warnings=warnings,
    )


@dataclass(frozen=True)
class _Seal:
    original: bytes
    """The PDF as the tool wrote it (``data`` without anything appended later)."""
    algorithm: str
    length: str
    digest: str


def _check_seal(data: bytes, key: bytes | None) -> _Seal:
    """Find and check the seal of an uploaded PDF; raise UploadError with the reason."""
    match = _SEAL_RE.search(data)
    if match is None:
        if b"%%EOF" not in data[-2048:]:
            raise UploadError(
                "This PDF is incomplete (it does not end as a PDF does): it was probably cut "
                "off while downloading or copying. Download it again."
            )
        raise UploadError(_FOREIGN)
    length = int(match["length"])
    if length > len(data):
        if data.rstrip().endswith(b"%%EOF"):  # complete, but rewritten (shorter) since
            raise UploadError(_CHANGED)
        raise UploadError(
            f"This PDF is incomplete: it was {length:,} bytes when made and is now "
            f"{len(data):,} bytes. It was probably cut off while downloading or copying."
        )
    original = data[:length]
    if match.end() > length or _SEAL_RE.search(original, match.end()):
        raise UploadError(_CHANGED)
    algorithm = match["algorithm"].decode("ascii")
    if algorithm == "hmac-sha256" and key is None:
        raise UploadError(
            "This PDF was sealed with a server key that this installation does not have, so "
            "its integrity cannot be checked here. Upload the answers file instead."
        )
    if key is not None and algorithm != "hmac-sha256":
        raise UploadError(
            "This PDF was not sealed by this server (it has no key-based seal). Upload the "
            "answers file, or a PDF made by this server."
        )
    s, e = match.span("digest")
    if not hmac.compare_digest(_digest(original[:s] + original[e:], key), match["digest"].decode()):
        raise UploadError(_CHANGED)
    if not original.rstrip().endswith(b"%%EOF"):
        raise UploadError(_CHANGED)
    return _Seal(original, algorithm, match["length"].decode(), match["digest"].decode())


def _attachments(pdf: bytes) -> dict[str, bytes]:
    """The embedded files of a (sealed) PDF by name, with caps on number and size."""
    try:
        import pypdf
        from pypdf.errors import PyPdfError
        from pypdf.generic import ArrayObject, DictionaryObject
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise UploadError(
            "Reading PDF reports needs the 'pypdf' package, which is not installed here. "
            "Upload the answers file instead."
        ) from exc
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
        if tree is None:
            return {}
        pairs: list[tuple[str, Any]] = []
        stack: list[tuple[Any, int]] = [(tree.get_object(), 0)]
        visited = 0
        while stack:
            node, depth = stack.pop()
            visited += 1
            if visited > MAX_NAME_TREE_NODES or depth > 4 or not isinstance(node, DictionaryObject):
                raise UploadError("The attachments of this PDF are not in a form this tool reads.")
            flat = node.get("/Names")
            if flat is not None:
                flat = flat.get_object()
                if not isinstance(flat, ArrayObject) or len(flat) % 2:
                    raise UploadError("The attachment list of this PDF is damaged.")
                for i in range(0, len(flat), 2):
                    pairs.append((str(flat[i].get_object()), flat[i + 1]))
                    if len(pairs) > MAX_ATTACHMENTS:
                        raise UploadError(
                            f"This PDF has more than {MAX_ATTACHMENTS} attachments; reports of "
                            "this tool have at most three."
                        )
            for kid in node.get("/Kids", ArrayObject()).get_object():
                stack.append((kid.get_object(), depth + 1))
        out: dict[str, bytes] = {}
        for name, ref in pairs:
            if name in out:
                raise UploadError(f"This PDF has two attachments named {name}.")
            spec = ref.get_object()
            stream = spec["/EF"].get_object()["/F"].get_object()
            out[name] = _stream_bytes(stream, name)
        return out
    except UploadError:
        raise
    except (PyPdfError, KeyError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise UploadError(
            "This PDF cannot be read (its structure is damaged), so the answers cannot be "
            "taken from it. Upload the answers file instead."
        ) from exc


def _stream_bytes(stream: Any, name: str) -> bytes:
    """Decoded content of an embedded file: no filter or a single FlateDecode, capped."""
    raw = stream._data  # the encoded bytes; decoding is done here with a cap
    filters = stream.get("/Filter")
    if filters is not None:
        filters = filters.get_object()
        names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
        if names != ["/FlateDecode"] or stream.get("/DecodeParms") is not None:
            raise UploadError(f"The attachment {name} is encoded in a way this tool never uses.")
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw, MAX_ATTACHMENT_BYTES + 1)
        except zlib.error as exc:
            raise UploadError(f"The attachment {name} is damaged (it cannot be unpacked).") from exc
        if len(data) > MAX_ATTACHMENT_BYTES or inflater.unconsumed_tail:
            raise UploadError(
                f"The attachment {name} unpacks to more than {MAX_ATTACHMENT_BYTES:,} bytes; "
                "it was refused."
            )
        return data
    if len(raw) > MAX_ATTACHMENT_BYTES:
        raise UploadError(f"The attachment {name} is larger than {MAX_ATTACHMENT_BYTES:,} bytes.")
    return bytes(raw)
