"""The seal of a PDF report: its length as written and a SHA-256 (or HMAC-SHA-256 with a server
key) of every byte of it except the seal's own 64 hex digits (see
:mod:`compliance_app.dossier.transport`, which writes it into the manifest and checks it on
upload)."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from compliance_app.dossier.pdfread import UploadError

SEAL_PLACEHOLDER_LENGTH = b"0" * 10
SEAL_PLACEHOLDER_DIGEST = b"0" * 64
_SEAL_RE = re.compile(
    rb'"seal_algorithm": "(?P<algorithm>sha256|hmac-sha256)", '
    rb'"pdf_length": "(?P<length>\d{10})", "pdf_seal": "(?P<digest>[0-9a-f]{64})"\}'
)


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


_FOREIGN = (
    "This PDF does not carry an assessment of this tool (it has no sealed answers "
    "attachment). Upload a PDF report downloaded from this tool, or the answers file."
)
_CHANGED = (
    "This PDF has been damaged or changed since it was made (its seal does not match its "
    "content), so the answers in it cannot be trusted. Upload the PDF as it was downloaded, "
    "or the answers file."
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
