"""Test certificates made at test time (no network, nothing shipped): a certification
authority and advisers' signing certificates as PKCS#12 files, with ``cryptography``.

An eIDAS qualified certificate differs from these only in who issued it and in its
QCStatements extension (``qualified=True`` adds QcCompliance, as qualified certificates carry).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID, ObjectIdentifier

QC_STATEMENTS = ObjectIdentifier("1.3.6.1.5.5.7.1.3")
# SEQUENCE { SEQUENCE { OID 0.4.0.1862.1.1 (QcCompliance) } }
QC_COMPLIANCE_VALUE = bytes.fromhex("300a3008060604008e460101")


@dataclass(frozen=True)
class CA:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(cn: str, org: str = "", country: str = "LU") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, country))
    return x509.Name(attrs)


def make_ca(cn: str = "Test Trust Services CA") -> CA:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, "Test Trust Services"))
        .issuer_name(_name(cn, "Test Trust Services"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=2))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    return CA(key, cert)


def make_p12(
    ca: CA,
    cn: str = "Dr. Anne Adviser",
    org: str = "Chambre de Commerce",
    password: str = "correct horse",
    *,
    qualified: bool = False,
    valid_days: int = 30,
    starts_in_days: int = -1,
) -> bytes:
    """A PKCS#12 file with a signing key and certificate issued by ``ca`` (and ``ca``'s)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    start = now + dt.timedelta(days=starts_in_days)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, org))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
    )
    if qualified:
        builder = builder.add_extension(
            x509.UnrecognizedExtension(QC_STATEMENTS, QC_COMPLIANCE_VALUE), critical=False
        )
    cert = builder.sign(ca.key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(
        cn.encode(),
        key,
        cert,
        [ca.cert],
        serialization.BestAvailableEncryption(password.encode()),
    )
