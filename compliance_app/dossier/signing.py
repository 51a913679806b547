"""PDF advanced electronic signatures (PAdES) of reviewed reports, with pyHanko.

* :func:`sign_pdf` signs a PDF with the adviser's own certificate and key from a PKCS#12 file
  (``.p12``/``.pfx``, as issued by a certification authority, including eIDAS qualified
  certificates delivered as a file). The signature is a PAdES baseline signature
  (``ETSI.CAdES.detached``, SHA-256) added as an incremental update, so the bytes the tool
  wrote (and sealed) stay as they were and any PAdES verifier (a PDF viewer, the EU DSS
  demonstration, this tool) can check it. A certificate on a token or smart card signs with the
  token's own software (see ``docs/review.md``); the result verifies here the same way.
* :func:`verify_pdf` checks every signature of a PDF and returns a :class:`SignatureCheck`:
  who signed (the certificate's subject, issuer, serial number and SHA-256 fingerprint), when
  (the time the signer's software reported, and a trusted time stamp if there is one),
  whether the signed bytes are intact, whether anything was appended after the signature
  (a PDF viewer's incremental save) and of what kind, and whether the certificate chains to a
  trusted root (``COMPLIANCE_TRUSTED_CERTS``: a PEM file of root certificates, for example
  those of the EU trusted lists; without it the identity is reported as not verified).

Nothing is fetched from the network (no OCSP, CRL or certificate download): revocation is
not checked; ``docs/review.md`` says what that means. Errors: :class:`SigningError` (a message
for the user).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from compliance_app.dossier.answers import AnswersError

TRUST_ENV = "COMPLIANCE_TRUSTED_CERTS"
FIELD_NAME = "AdviserSignature"
QC_STATEMENTS_OID = "1.3.6.1.5.5.7.1.3"
QC_COMPLIANCE_DER = bytes.fromhex("060604008e460101")  # OID 0.4.0.1862.1.1 (eIDAS qualified)
CHANGES = {
    "LTA_UPDATES": "validation data or a time stamp was added (allowed; the content is as signed)",
    "FORM_FILLING": "form fields or further signatures were added",
    "ANNOTATIONS": "comments, drawings or other annotations were added by a PDF viewer",
    "OTHER": "the document was edited (pages, text or attachments may show something else)",
}


class SigningError(AnswersError):
    """Signing or verifying failed. ``str(error)`` is a message for the user."""


@dataclass(frozen=True)
class CertificateInfo:
    """The signer's certificate, as a person checks it."""

    subject: str
    common_name: str
    organisation: str
    issuer: str
    serial: str
    sha256: str
    """SHA-256 fingerprint of the certificate (hex, colon-separated): compare it with the
    adviser's (by phone, from their website) when no trusted list is configured."""
    not_before: dt.datetime
    not_after: dt.datetime
    qualified_declared: bool
    """The certificate says it is an EU qualified certificate (QCStatement QcCompliance);
    whether it really is, the EU trusted lists say."""


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on the signatures of one PDF (see :func:`verify_pdf`)."""

    status: Literal["not_signed", "valid", "invalid"]
    signer: CertificateInfo | None = None
    signed_at: dt.datetime | None = None
    timestamp: dt.datetime | None = None
    intact: bool = False
    unchanged: bool = False
    """True when no byte was added after the signature."""
    changes: str = ""
    """What was added after the signature (empty when unchanged)."""
    trusted: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return self.status == "valid"

    def headline(self) -> str:
        """One sentence: signed by whom and whether the document changed since."""
        if self.status == "not_signed":
            return "Not signed: this PDF carries no digital signature."
        if self.status == "invalid":
            return "Signature NOT valid: " + " ".join(self.problems)
        s = self.signer
        assert s is not None
        when = self.signed_at.isoformat(timespec="seconds") if self.signed_at else "?"
        head = f"Digitally signed by {s.common_name or s.subject} on {when}"
        if self.unchanged:
            return head + "; the document is unchanged since it was signed."
        return head + f"; CHANGED AFTER SIGNING: {self.changes}."

    def lines(self) -> list[str]:
        """The full verdict, one fact per line (for the app and ``verify``)."""
        out = [self.headline()]
        s = self.signer
        if s is None:
            return out
        out += [
            f"Signer: {s.subject}",
            f"Issued by: {s.issuer}",
            f"Certificate serial number: {s.serial}",
            f"Certificate SHA-256 fingerprint: {s.sha256}",
            f"Certificate valid from {s.not_before:%Y-%m-%d} to {s.not_after:%Y-%m-%d}",
        ]
        if s.qualified_declared:
            out.append(
                "The certificate declares itself an EU qualified certificate (eIDAS); check "
                "its issuer on the EU trusted lists."
            )
        if self.timestamp:
            out.append(f"Trusted time stamp: {self.timestamp.isoformat(timespec='seconds')}")
        if self.trusted:
            out.append("The certificate chains to a trusted root configured on this installation.")
        else:
            out.append(
                "The signer's identity is NOT verified against a trusted list here: compare the "
                "certificate fingerprint with the adviser's before relying on it."
            )
        return out


# --- signing ----------------------------------------------------------------------------------
def load_signer(p12: bytes, passphrase: str | None) -> Any:
    """A pyHanko signer from PKCS#12 bytes; refuses wrong passwords, expired certificates."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    pw = passphrase.encode("utf-8") if passphrase else None
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(p12, pw)
    except (ValueError, TypeError) as exc:
        raise SigningError(
            "The certificate file could not be opened: the password is wrong or it is not a "
            "PKCS#12 file (.p12 or .pfx)."
        ) from exc
    if key is None or cert is None:
        raise SigningError("The certificate file holds no private key and certificate to sign.")
    now = dt.datetime.now(dt.UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SigningError(
            f"The certificate is valid from {cert.not_valid_before_utc:%Y-%m-%d} to "
            f"{cert.not_valid_after_utc:%Y-%m-%d}, not now: it cannot sign."
        )
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12_data(p12, [], passphrase=pw)


def _off_loop(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (pyHanko's synchronous API, which calls ``asyncio.run``) in a worker thread
    when this thread already runs an event loop (for example under Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def sign_pdf(
    pdf: bytes,
    p12: bytes,
    passphrase: str | None,
    *,
    reason: str = "Adviser review sign-off",
    location: str = "",
) -> bytes:
    """``pdf`` with a PAdES signature by the certificate in ``p12`` (appended, see module)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = load_signer(p12, passphrase)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
    )

    def run() -> bytes:
        with _quiet():
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            return signers.PdfSigner(meta, signer).sign_pdf(writer).getvalue()

    return _off_loop(run)


# --- verifying --------------------------------------------------------------------------------
def trust_roots_from_env() -> list[bytes]:
    """The trusted root certificates named by ``COMPLIANCE_TRUSTED_CERTS`` (a PEM file), or []."""
    path = os.environ.get(TRUST_ENV, "").strip()
    if not path:
        return []
    try:
        return load_pem_bundle(Path(path).read_bytes())
    except OSError:
        logging.getLogger(__name__).warning("%s is set but cannot be read", TRUST_ENV)
        return []


def load_pem_bundle(data: bytes) -> list[bytes]:
    """DER certificates from a PEM bundle (or one DER certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    if b"-----BEGIN" in data:
        return [c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(data)]
    return [x509.load_der_x509_certificate(data).public_bytes(Encoding.DER)]


def verify_pdf(data: bytes, *, sealed_length: int = 0, trust_roots: list[bytes] | None = None):
    """The verdict on the signatures of ``data`` (a :class:`SignatureCheck`).

    ``sealed_length``: the length of the part the tool wrote; a signature must cover at least
    that part to count as a signature of the report. ``trust_roots``: DER certificates
    (default: :func:`trust_roots_from_env`). Never raises for a damaged file: a signature that
    cannot be checked is ``invalid`` with the reason.
    """
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    der = trust_roots_from_env() if trust_roots is None else trust_roots
    roots = [asn1_x509.Certificate.load(c) for c in der]
    try:
        with _quiet():
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            sigs = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return SignatureCheck("invalid", problems=[f"its signatures cannot be read ({exc})."])
    if not sigs:
        return SignatureCheck("not_signed")
    checks = _off_loop(lambda: [_check_one(sig, sealed_length, roots) for sig in sigs])
    bad = [c for c in checks if c.status != "valid"]
    return bad[0] if bad else checks[0]


def _check_one(sig: Any, sealed_length: int, roots: list[Any]) -> SignatureCheck:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    try:
        signer = _cert_info(sig.signer_cert)
    except (ValueError, AttributeError, TypeError):
        signer = None
    try:
        with _quiet():
            ctx = ValidationContext(trust_roots=roots, allow_fetching=False)
            usage = KeyUsageConstraints(
                key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
            )
            st = validate_pdf_signature(sig, ctx, key_usage_settings=usage)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        return SignatureCheck(
            "invalid", signer=signer, problems=[f"the signature cannot be checked ({exc})."]
        )
    covered = sig.byte_range[2] + sig.byte_range[3] if len(sig.byte_range) == 4 else 0
    problems = []
    if not (st.intact and st.valid):
        problems.append(
            "the signed content was changed after signing (or the signature is forged)."
        )
    if covered < sealed_length:
        problems.append("the signature does not cover the report as the tool wrote it.")
    level = st.modification_level.name if st.modification_level is not None else "OTHER"
    unchanged = st.coverage.name == "ENTIRE_FILE"
    when = getattr(sig, "self_reported_timestamp", None)
    tst = getattr(st, "timestamp_validity", None)
    return SignatureCheck(
        "invalid" if problems else "valid",
        signer=signer,
        signed_at=when,
        timestamp=getattr(tst, "timestamp", None) if tst else None,
        intact=bool(st.intact and st.valid),
        unchanged=unchanged,
        changes="" if unchanged else CHANGES.get(level, CHANGES["OTHER"]),
        trusted=bool(st.trusted),
        problems=problems,
    )


def _cert_info(cert: Any) -> CertificateInfo:
    """From an asn1crypto certificate."""
    der = cert.dump()
    subject = cert.subject.native
    qualified = False
    for ext in cert["tbs_certificate"]["extensions"] or []:
        if ext["extn_id"].dotted == QC_STATEMENTS_OID:
            try:
                qualified = QC_COMPLIANCE_DER in ext["extn_value"].contents
            except (ValueError, TypeError):
                qualified = False
    digest = hashlib.sha256(der).hexdigest().upper()
    return CertificateInfo(
        subject=cert.subject.human_friendly,
        common_name=str(subject.get("common_name", "")),
        organisation=str(subject.get("organization_name", "")),
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "X"),
        sha256=":".join(digest[i : i + 2] for i in range(0, 64, 2)),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
        qualified_declared=qualified,
    )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko logs every failed path building as an error; the verdict says it instead."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
