"""The answers travel with the report: PDF attachments, the seal, and reading uploads."""

from __future__ import annotations

import io
import json
import random
import tracemalloc
import zlib
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import NameObject, NumberObject
from reportlab.pdfgen.canvas import Canvas

from compliance_app.dossier import answers, transport
from compliance_app.dossier.answers import AnswersError
from compliance_app.dossier.transport import UploadError, read_upload
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payload_9a515_content.yaml"


@pytest.fixture(scope="module")
def case():
    ruleset = cached_ruleset()
    af = answers.parse(EXAMPLE.read_bytes())
    ev = evaluate_deal(ruleset, af.answers)
    return ruleset, af, ev


@pytest.fixture(scope="module")
def pdf(case) -> bytes:
    ruleset, af, ev = case
    return build_pdf(ruleset.meta, af, ev, invariant=True)


def reseal(pdf: bytes, key: bytes | None = None) -> bytes:
    """What a forger who knows the algorithm does after editing: recompute the seal."""
    m = transport._SEAL_RE.search(pdf)
    assert m is not None
    pdf = (
        pdf[: m.start("length")]
        + b"0" * 10
        + pdf[m.end("length") : m.start("digest")]
        + b"0" * 64
        + pdf[m.end("digest") :]
    )
    return transport.seal(pdf, key)


def rewrite(pdf: bytes, edit) -> bytes:
    """Clone the PDF with pypdf, apply ``edit(writer, embedded_files_names_array)``, write."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    edit(writer, names)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stream_of(names, name: str):
    for i in range(0, len(names), 2):
        if str(names[i]) == name:
            return names[i + 1].get_object()["/EF"]["/F"].get_object()
    raise KeyError(name)


def refused(data: bytes, filename: str = "report.pdf", **kw) -> str:
    with pytest.raises(UploadError) as info:
        read_upload(data, filename, **kw)
    message = str(info.value)
    assert message and "Traceback" not in message
    return message


# --- the happy paths --------------------------------------------------------------------------
def test_pdf_upload_restores_the_same_answers_file_byte_for_byte(case, pdf) -> None:
    _, af, ev = case
    up = read_upload(pdf, "report.pdf")
    assert up.source == "pdf"
    assert up.answers == af
    assert answers.dump(up.answers) == answers.dump(af)
    assert up.answers_bytes == answers.dump(af)
    assert up.review is None and up.warnings == []
    assert up.previous_codes == ev.codes()
    assert up.manifest is not None
    assert (up.manifest.ruleset.id, up.manifest.ruleset.version) == (
        ev.ruleset_id,
        ev.ruleset_version,
    )
    assert up.manifest.result.jurisdiction == ev.jurisdiction


def test_attachments_are_standard_pdf_embedded_files(case, pdf) -> None:
    _, af, _ = case
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    attached = {name: data[0] for name, data in reader.attachments.items()}
    assert set(attached) == {"answers.yaml", "manifest.json", "ruleset.json"}
    assert attached["answers.yaml"] == answers.dump(af)
    manifest = json.loads(attached["manifest.json"])
    assert manifest["format"] == "itar-ear-report-manifest"
    assert manifest["files"][0]["name"] == "answers.yaml"


def test_invariant_builds_stay_byte_identical(case, pdf) -> None:
    ruleset, af, ev = case
    assert build_pdf(ruleset.meta, af, ev, invariant=True) == pdf


@pytest.mark.parametrize("name", ["a.yaml", "a.yml", "a.json", "", "answers"])
def test_answers_files_are_read_as_before(case, name: str) -> None:
    _, af, _ = case
    data = answers.dump(af)
    if name.endswith(".json"):
        data = json.dumps(af.model_dump(mode="json")).encode()
    up = read_upload(data, name)
    assert up.source == "answers" and up.answers == af and up.manifest is None
    assert up.previous_codes is None


def test_an_answers_file_mentioning_pdf_is_still_an_answers_file(case) -> None:
    _, af, _ = case
    renamed = af.model_copy(update={"company": af.company.model_copy(update={"name": "%PDF-1.7"})})
    assert read_upload(answers.dump(renamed), "a.yaml").answers == renamed


def test_an_unsafe_answers_file_is_refused_as_an_answers_error() -> None:
    data = b"format: itar-ear-answers\nx: !!python/object/apply:os.system ['id']\n"
    with pytest.raises(AnswersError, match="tag"):
        read_upload(data, "a.yaml")


def test_bytes_appended_by_a_viewer_are_ignored_with_a_warning(case, pdf) -> None:
    _, af, _ = case
    writer = pypdf.PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Subject": "annotated by the adviser"})
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(pdf) and len(updated) > len(pdf)
    up = read_upload(updated, "report.pdf")
    assert up.answers == af
    assert len(up.warnings) == 1 and "ignored" in up.warnings[0]


# --- damaged, tampered, oversized, foreign --------------------------------------------------
@pytest.mark.parametrize("keep", [0.5, 0.9, -10, 1000])
def test_truncated_pdfs_are_refused(pdf, keep: float) -> None:
    cut = pdf[: int(len(pdf) * keep)] if isinstance(keep, float) else pdf[:keep]
    message = refused(cut)
    assert "incomplete" in message or "does not carry" in message


def test_bit_flips_anywhere_are_refused(pdf) -> None:
    rng = random.Random(1)
    positions = sorted(rng.sample(range(len(pdf)), 60)) + [0, 5, len(pdf) - 3]
    m = transport._SEAL_RE.search(pdf)
    positions += [m.start("digest") + 3, m.start("length") + 9, pdf.index(b"/EmbeddedFiles") + 2]
    for pos in positions:
        damaged = bytearray(pdf)
        damaged[pos] ^= 1 << rng.randrange(8)
        with pytest.raises(UploadError):
            read_upload(bytes(damaged), "report.pdf")


def test_a_removed_attachment_is_refused(pdf) -> None:
    def drop_answers(writer, names) -> None:
        del names[0:2]  # answers.yaml sorts first

    edited = rewrite(pdf, drop_answers)
    assert "answers.yaml" not in pypdf.PdfReader(io.BytesIO(edited)).attachments
    assert "changed since it was made" in refused(edited)
    # even with a recomputed seal, the manifest still lists the missing file
    assert "answers.yaml is missing" in refused(reseal(edited))


def test_an_edited_attachment_is_refused(case, pdf) -> None:
    _, af, _ = case
    forged = answers.dump(af).replace(b"Moselle", b"Mosella")

    def edit(writer, names) -> None:
        stream = stream_of(names, "answers.yaml")
        stream._data = zlib.compress(forged)
        stream[NameObject("/Length")] = NumberObject(len(stream._data))

    edited = rewrite(pdf, edit)
    assert "changed since it was made" in refused(edited)
    assert "does not match its recorded SHA-256" in refused(reseal(edited))


def test_an_in_place_edit_of_the_manifest_is_refused(pdf) -> None:
    m = transport._SEAL_RE.search(pdf)
    start = pdf.rindex(b'"sha256": "', 0, m.start()) + len(b'"sha256": "')
    edited = pdf[:start] + b"f" * 64 + pdf[start + 64 :]
    assert "changed since it was made" in refused(edited)


def test_pdfs_from_elsewhere_are_refused() -> None:
    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(100, 700, "An invoice")
    c.showPage()
    c.save()
    plain = buf.getvalue()
    assert "does not carry an assessment" in refused(plain)
    # a foreign PDF with an attachment that merely has the right name
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(plain)))
    writer.add_attachment("answers.yaml", b"format: itar-ear-answers\n")
    out = io.BytesIO()
    writer.write(out)
    assert "does not carry an assessment" in refused(out.getvalue())


def test_a_huge_file_is_refused_before_parsing() -> None:
    huge = b"%PDF-1.4\n" + b"0" * transport.MAX_UPLOAD_BYTES
    assert "at most 10,000,000 bytes" in refused(huge)
    assert "at most 10,000,000 bytes" in refused(b"a: b\n" * 3_000_000, "a.yaml")


def test_a_pdf_with_many_attachments_is_refused(pdf) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for i in range(20):
        writer.add_attachment(f"extra{i:02}.txt", b"x")
    out = io.BytesIO()
    writer.write(out)
    assert "changed since it was made" in refused(out.getvalue())
    assert "more than 8 attachments" in refused(reseal(out.getvalue()))


def test_an_extra_attachment_is_refused(pdf) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_attachment("zz.txt", b"x")
    out = io.BytesIO()
    writer.write(out)
    assert "did not put there" in refused(reseal(out.getvalue()))


def test_a_compression_bomb_is_refused_without_unpacking_it(pdf) -> None:
    bomb = zlib.compress(b"a: " + b" " * 60_000_000, 9)
    assert len(bomb) < 100_000

    def edit(writer, names) -> None:
        stream = stream_of(names, "answers.yaml")
        stream._data = bomb
        stream[NameObject("/Length")] = NumberObject(len(bomb))

    edited = reseal(rewrite(pdf, edit))
    assert len(edited) < transport.MAX_UPLOAD_BYTES
    assert "unpacks to more than" in refused(edited)  # the whole PDF, or the attachment


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"format: itar-ear-answers\n", "report.pdf", "not a PDF"),
        (b"PK\x03\x04rest of a zip", "answers.zip", "cannot be opened here"),
        (b"PK\x03\x04rest of a zip", "answers", "ZIP"),
        (b"%PDF-1.4\n%%EOF\n", "answers.yaml", "is a PDF"),
        (b"\x89PNG\r\n", "scan.png", "cannot be opened here"),
    ],
)
def test_the_kind_of_file_is_sniffed_and_checked(data: bytes, name: str, reason: str) -> None:
    assert reason in refused(data, name)


# --- server key (HMAC) ------------------------------------------------------------------------
def test_hmac_seal_needs_the_right_key(case) -> None:
    ruleset, af, ev = case
    keyed = build_pdf(ruleset.meta, af, ev, invariant=True, seal_key=b"server secret")
    assert read_upload(keyed, "r.pdf", key=b"server secret").answers == af
    assert "server key" in refused(keyed)
    assert "changed since it was made" in refused(keyed, key=b"another secret")
    plain = build_pdf(ruleset.meta, af, ev, invariant=True)
    assert "not sealed by this server" in refused(plain, key=b"server secret")
    # a forger without the key cannot make a keyed seal that verifies
    assert "changed since it was made" in refused(reseal(keyed), key=b"server secret")


def test_seal_refuses_a_pdf_without_exactly_one_unsealed_manifest(pdf) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        transport.seal(pdf)


# --- issue 11, item 7: decompression is capped for the whole PDF, before pypdf expands it -------


def _sealed_pdf_with_xref_stream(data: bytes, filters: str, extra: bytes = b"") -> bytes:
    """A sealed PDF (SHA-256 seal, as anyone can compute) whose cross-reference is a stream
    holding ``data`` under ``filters``: pypdf must decode it before it finds any attachment.
    ``extra`` (more objects) goes before it."""
    head = (
        b"%PDF-1.7\n"
        b'% {"seal_algorithm": "sha256", "pdf_length": "0000000000", "pdf_seal": "'
        + b"0"
        * 64
        + b'"}\n'
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" + extra
    )
    at = len(head)
    obj = (
        b"3 0 obj << /Type /XRef /Size 4 /W [1 4 1] /Root 1 0 R /Filter "
        + filters.encode()
        + b" /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\n"
    )
    return transport.seal(head + obj + b"startxref\n%d\n%%%%EOF\n" % at)


def _peak_while_refused(data: bytes) -> tuple[str, int]:
    tracemalloc.start()
    try:
        message = refused(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return message, peak


def test_an_inflating_cross_reference_stream_is_refused_before_pypdf_expands_it() -> None:
    bomb = zlib.compress(b"\0" * 40_000_000, 9)
    pdf = _sealed_pdf_with_xref_stream(bomb, "/FlateDecode")
    assert len(pdf) < 200_000
    message, peak = _peak_while_refused(pdf)
    assert "unpacks to more than" in message
    assert peak < 12_000_000, f"{peak / 1e6:.0f} MB"


def test_a_hidden_inflating_stream_is_stopped_by_the_per_stream_cap() -> None:
    # hex-encoded first, so only a reader that decodes both filters sees the zlib data
    bomb = zlib.compress(b"\0" * 40_000_000, 9).hex().encode() + b">"
    pdf = _sealed_pdf_with_xref_stream(bomb, "[/ASCIIHexDecode /FlateDecode]")
    message, peak = _peak_while_refused(pdf)
    assert "cannot be read" in message
    assert peak < 12_000_000, f"{peak / 1e6:.0f} MB"


def test_a_pdf_with_thousands_of_streams_is_refused_unread() -> None:
    from compliance_app.dossier import pdfread

    n = pdfread.MAX_STREAMS + 1
    extra = b"".join(
        b"%d 0 obj << /Length 1 >> stream\nx\nendstream endobj\n" % (i + 10) for i in range(n)
    )
    pdf = _sealed_pdf_with_xref_stream(b"", "/FlateDecode", extra)
    assert f"more than {pdfread.MAX_STREAMS:,} streams" in refused(pdf)


def test_legitimate_reports_stay_far_below_the_caps(case, pdf) -> None:
    from compliance_app.dossier import pdfread

    assert pdf.count(b"stream") < pdfread.MAX_STREAMS // 10
    assert read_upload(pdf, "report.pdf").answers == case[1]


def test_at_most_a_few_uploads_are_parsed_at_once(monkeypatch) -> None:
    import threading
    import time

    running, peak, lock = [0], [0], threading.Lock()
    real = answers.parse

    def slow_parse(data: bytes, ruleset=None):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return real(data)

    monkeypatch.setattr(transport.answers_mod, "parse", slow_parse)
    data = EXAMPLE.read_bytes()
    threads = [threading.Thread(target=read_upload, args=(data, "a.yaml")) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= peak[0] <= transport.MAX_PARALLEL_UPLOADS


def test_a_busy_server_refuses_an_upload_with_a_plain_message(monkeypatch) -> None:
    monkeypatch.setattr(transport, "BUSY_WAIT_SECONDS", 0.05)
    held = [transport.parsing_slot() for _ in range(transport.MAX_PARALLEL_UPLOADS)]
    for slot in held:
        slot.__enter__()
    try:
        message = refused(EXAMPLE.read_bytes(), "a.yaml")
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert "busy" in message and "nothing was changed" in message
    assert read_upload(EXAMPLE.read_bytes(), "a.yaml").source == "answers"


def test_an_attachment_bomb_under_the_whole_pdf_cap_meets_the_attachment_cap(pdf) -> None:
    bomb = zlib.compress(b"a: " + b" " * (transport.MAX_ATTACHMENT_BYTES + 1_000), 9)

    def edit(writer, names) -> None:
        stream = stream_of(names, "answers.yaml")
        stream._data = bomb
        stream[NameObject("/Length")] = NumberObject(len(bomb))

    limit = transport.MAX_ATTACHMENT_BYTES
    assert f"unpacks to more than {limit:,} bytes" in refused(reseal(rewrite(pdf, edit)))
