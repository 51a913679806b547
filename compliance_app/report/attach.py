"""Writing the attachments of a PDF report (helper of ``report``; reading is in ``transport``).

:func:`report_attachments` makes the files a report carries (``answers.yaml``, ``review.yaml``
when reviewed, ``manifest.json`` with unsealed placeholders); :func:`embed` adds them to the
document of a ReportLab canvas as standard PDF embedded files; ``transport.seal`` then fills in
the seal of the finished PDF. The format is described in ``compliance_app.dossier.transport`` and
``docs/review.md``.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString
from reportlab.pdfbase.pdfdoc import format as pdf_format

from compliance_app.dossier import answers as answers_mod
from compliance_app.dossier import review as review_mod
from compliance_app.dossier.answers import AnswersFile
from compliance_app.dossier.review import Review
from compliance_app.dossier.snapshots import snapshot_path
from compliance_app.dossier.transport import (
    ANSWERS_NAME,
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    REVIEW_NAME,
    RULESET_NAME,
    SEAL_PLACEHOLDER_DIGEST,
    SEAL_PLACEHOLDER_LENGTH,
)
from compliance_app.engine.results import Evaluation


@dataclass(frozen=True)
class Attachment:
    """One file to embed in the PDF."""

    name: str
    data: bytes
    mime: str
    description: str
    compress: bool = True
    relationship: str = "Data"
    """``/AFRelationship`` of the file (PDF/A-3 associated file): ``Source`` or ``Data``."""


def report_attachments(
    answers: AnswersFile,
    evaluation: Evaluation,
    *,
    report_id: str,
    generated_at: str,
    review: Review | None = None,
    sealed_with_key: bool = False,
) -> list[Attachment]:
    """The attachments of one report: answers, review (if any), then the manifest."""
    files = [
        Attachment(
            ANSWERS_NAME,
            answers_mod.dump(answers),
            "application/yaml",
            "Answers file of this assessment: upload it (or this PDF) to reopen the assessment",
            relationship="Source",
        )
    ]
    if review is not None:
        files.append(
            Attachment(REVIEW_NAME, review_mod.dump(review), "application/yaml", "Adviser review")
        )
    files.append(
        Attachment(
            RULESET_NAME,
            ruleset_record(evaluation),
            "application/json",
            "Rule base of this report: id, version and SHA-256 of its released snapshot",
        )
    )
    manifest = {
        "format": MANIFEST_FORMAT,
        "format_version": 1,
        "report_id": report_id,
        "generated_at": generated_at,
        "ruleset": {"id": evaluation.ruleset_id, "version": evaluation.ruleset_version},
        "result": {
            "complete": evaluation.complete,
            "jurisdiction": evaluation.jurisdiction,
            "us_authorization_needed": evaluation.us_authorization_needed,
            "codes": evaluation.codes(),
        },
        "files": [
            {"name": f.name, "sha256": hashlib.sha256(f.data).hexdigest(), "size": len(f.data)}
            for f in files
        ],
        "seal_algorithm": "hmac-sha256" if sealed_with_key else "sha256",
    }
    # the seal goes last, as fixed-width placeholders that seal() fills in
    text = json.dumps(manifest, ensure_ascii=True)[:-1]
    text += f', "pdf_length": "{SEAL_PLACEHOLDER_LENGTH.decode()}", '
    text += f'"pdf_seal": "{SEAL_PLACEHOLDER_DIGEST.decode()}"}}'
    files.append(
        Attachment(
            MANIFEST_NAME,
            text.encode("ascii"),
            "application/json",
            "Integrity record of the attachments and of this PDF",
            compress=False,  # stored as is, so that the seal can be filled in afterwards
        )
    )
    return files


def ruleset_record(evaluation: Evaluation) -> bytes:
    """``ruleset.json``: the rule base id and version, and the SHA-256 of its released
    snapshot (``rules/history/<version>.json``; null when there is none)."""
    try:
        digest: str | None = hashlib.sha256(
            snapshot_path(evaluation.ruleset_version).read_bytes()
        ).hexdigest()
    except (OSError, ValueError):
        digest = None
    record = {
        "id": evaluation.ruleset_id,
        "version": evaluation.ruleset_version,
        "regulations_as_of": evaluation.regulations_as_of,
        "snapshot": f"rules/history/{evaluation.ruleset_version}.json",
        "snapshot_sha256": digest,
    }
    return json.dumps(record, indent=1, sort_keys=True).encode("ascii")


# --- writing (ReportLab) ----------------------------------------------------------------------
def embed(canvas: Any, attachments: Sequence[Attachment], mod_date: str = "") -> None:
    """Add ``attachments`` to the document of a ReportLab canvas (call before ``save``).

    Writes a ``/Names /EmbeddedFiles`` name tree in the catalogue with one ``/Filespec`` per
    file (``/F`` and ``/UF`` names, ``/Desc``, ``/AFRelationship``), each pointing to
    an ``/EmbeddedFile`` stream with ``/Subtype`` (MIME type) and ``/Params`` (``/Size``,
    ``/ModDate`` = ``mod_date``, a PDF date string, when given), Flate-compressed unless
    ``compress`` is false.
    """
    doc = canvas._doc
    pairs: list[object] = []
    for a in sorted(attachments, key=lambda a: a.name):  # name trees are sorted
        stream = _Stream(
            {
                "Type": PDFName("EmbeddedFile"),
                "Subtype": "/" + a.mime.replace("/", "#2F"),
                "Params": PDFDictionary(
                    {"Size": len(a.data), **({"ModDate": PDFString(mod_date)} if mod_date else {})}
                ),
            },
            a.data,
            a.compress,
        )
        spec = PDFDictionary(
            {
                "Type": PDFName("Filespec"),
                "F": PDFString(a.name),
                "UF": PDFString(a.name),
                "Desc": PDFString(a.description),
                "AFRelationship": PDFName(a.relationship),
                "EF": PDFDictionary({"F": doc.Reference(stream)}),
            }
        )
        pairs += [PDFString(a.name), doc.Reference(spec)]
    names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray(pairs)})})
    doc.Catalog.Names = names


class _Stream(PDFObject):
    """A PDF stream object written exactly as given (optionally Flate-compressed here)."""

    __RefOnly__ = 1

    def __init__(self, dictionary: dict, data: bytes, compress: bool) -> None:
        self.dictionary = dict(dictionary)
        self.data = zlib.compress(data, 9) if compress else data
        if compress:
            self.dictionary["Filter"] = "/FlateDecode"

    def format(self, document: Any) -> bytes:
        d = PDFDictionary({**self.dictionary, "Length": len(self.data)})
        return pdf_format(d, document) + b"\nstream\n" + self.data + b"\nendstream\n"
