"""Digital signatures of reviewed reports (PAdES, pyHanko), verification on upload and in the
CLI, tampering after signing, laundering, PDF/A-3, and reviewed PDFs of the previous format.

Certificates are made at test time (testkit.certs): a test CA and advisers' PKCS#12 files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest

from compliance_app import cli
from compliance_app.dossier import answers, review, signing, transport
from compliance_app.dossier import review_flow as flow
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import cached_ruleset
from testkit.certs import make_ca, make_p12

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payload_9a515_content.yaml"
OLD_PDF = ROOT / "tests" / "data" / "reviewed_format1.pdf"
PW = "correct horse"


@pytest.fixture(scope="module")
def case():
    ruleset = cached_ruleset()
    af = answers.parse(EXAMPLE.read_bytes())
    return ruleset, af, evaluate_deal(ruleset, af.answers)


@pytest.fixture(scope="module")
def ca():
    return make_ca()


@pytest.fixture(scope="module")
def signed_review(case):
    _, af, ev = case
    at = flow.now_utc() - dt.timedelta(minutes=1)
    r = flow.start_review(af, ev, reviewer_name="Dr. Anne Adviser", organisation="CdC")
    for i, code in enumerate(ev.codes()):
        r = flow.set_finding(r, code, "disputed" if i == 0 else "agreed", "Not so." * (i == 0))
    for q in ev.open_questions:
        r = flow.answer_question(r, q.step_id, q.question, "Answered.")
    return flow.sign_off(r, ev, at)


@pytest.fixture(scope="module")
def signed_pdf(case, ca, signed_review) -> bytes:
    ruleset, af, ev = case
    pdf = build_pdf(ruleset.meta, af, ev, review=signed_review, for_signature=True)
    return signing.sign_pdf(pdf, make_p12(ca, password=PW, qualified=True), PW)


def flat_text(pdf: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    )


def test_signed_pdf_verifies_with_signer_time_certificate_and_no_change(signed_pdf, ca):
    check = signing.verify_pdf(signed_pdf, trust_roots=[])
    assert check.status == "valid" and check.intact and check.unchanged
    assert (
        check.signer.common_name == "Dr. Anne Adviser"
        and check.signer.organisation == "Chambre de Commerce"
    )
    assert check.signer.qualified_declared
    assert abs(check.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert not check.trusted and any("NOT verified" in x for x in check.lines())
    assert check.headline().startswith("Digitally signed by Dr. Anne Adviser on ")
    assert "unchanged since it was signed" in check.headline()
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", check.signer.sha256)
    trusted = signing.verify_pdf(signed_pdf, trust_roots=signing.load_pem_bundle(ca.pem))
    assert trusted.trusted and trusted.status == "valid"


def test_signed_pdf_upload_restores_the_review_and_reports_the_signature(
    case, signed_pdf, signed_review
):
    _, af, _ = case
    up = transport.read_upload(signed_pdf, "signed.pdf")
    assert up.review == signed_review and up.answers == af
    assert up.signature.signed and up.signature.unchanged and up.warnings == []
    text = flat_text(signed_pdf)
    assert "Electronically signed: the adviser's digital signature (PAdES)" in text
    assert "NOT DIGITALLY SIGNED" not in text


def test_a_byte_changed_in_the_signed_part_is_refused(signed_pdf):
    sealed = int(re.search(rb'"pdf_length": "(\d{10})"', signed_pdf)[1])
    at = signed_pdf.index(b"/M (D", sealed) + 12  # a digit of the signing time
    tampered = signed_pdf[:at] + bytes([signed_pdf[at] ^ 1]) + signed_pdf[at + 1 :]
    with pytest.raises(transport.UploadError, match="digital signature of this PDF is not valid"):
        transport.read_upload(tampered, "signed.pdf")
    # and in the part the tool wrote: the seal refuses it first
    i = sealed // 2
    flipped = signed_pdf[:i] + bytes([signed_pdf[i] ^ 1]) + signed_pdf[i + 1 :]
    with pytest.raises(transport.UploadError):
        transport.read_upload(flipped, "signed.pdf")


def draw_over(pdf: bytes, text: str) -> bytes:
    """What a viewer's incremental save does: a FreeText annotation over page 1."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page = w.root["/Pages"]["/Kids"][0].get_object()
    annot = w.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(x) for x in (100, 100, 300, 150)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject(text),
                generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
            }
        )
    )
    page[generic.NameObject("/Annots")] = generic.ArrayObject([annot])
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_a_drawing_added_after_signing_is_shown_as_a_change(signed_pdf, signed_review):
    drawn = draw_over(signed_pdf, "[AGREED]")
    up = transport.read_upload(drawn, "signed.pdf")
    assert up.review == signed_review  # as signed, never the drawing
    assert up.signature.status == "valid" and not up.signature.unchanged
    assert "CHANGED AFTER SIGNING" in up.signature.headline()
    assert any("CHANGED AFTER IT WAS SIGNED" in w for w in up.warnings)


def test_a_resealed_edited_review_is_not_signed(case, signed_pdf, signed_review):
    """The laundering of the trial: edit the review, rebuild and reseal as docs/review.md says.
    The result carries no signature, and says so everywhere."""
    ruleset, af, ev = case
    code = ev.codes()[0]
    forged = flow.set_finding(signed_review, code, "agreed").model_copy(
        update={"reviewer_name": "Dr. Hans Fake"}
    )
    pdf = build_pdf(ruleset.meta, af, ev, review=forged)
    up = transport.read_upload(pdf, "forged.pdf")
    assert up.signature.status == "not_signed"
    assert "NOT DIGITALLY SIGNED" in flat_text(pdf)
    # splicing the genuine signature onto the forged report breaks the signature: refused
    sealed = int(re.search(rb'"pdf_length": "(\d{10})"', signed_pdf)[1])
    if len(pdf) == sealed:
        spliced = pdf + signed_pdf[sealed:]
        with pytest.raises(transport.UploadError):
            transport.read_upload(spliced, "spliced.pdf")


def test_signing_refuses_a_wrong_password_and_an_expired_certificate(case, ca):
    ruleset, af, ev = case
    pdf = build_pdf(ruleset.meta, af, ev)
    with pytest.raises(signing.SigningError, match="password is wrong"):
        signing.sign_pdf(pdf, make_p12(ca, password=PW), "wrong")
    with pytest.raises(signing.SigningError, match="cannot sign"):
        signing.sign_pdf(pdf, make_p12(ca, password=PW, starts_in_days=-60), PW)


def test_cli_verify_prints_the_verdict(tmp_path, signed_pdf, case, ca, capsys):
    ruleset, af, ev = case
    good = tmp_path / "signed.pdf"
    good.write_bytes(signed_pdf)
    roots = tmp_path / "roots.pem"
    roots.write_bytes(ca.pem)
    assert cli.main(["verify", str(good), "--trust", str(roots)]) == 0
    out = capsys.readouterr().out
    assert "Digitally signed by Dr. Anne Adviser" in out and "SHA-256 fingerprint" in out
    assert "chains to a trusted root" in out and "Sign-off by Dr. Anne Adviser" in out
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(draw_over(signed_pdf, "[AGREED]"))
    assert cli.main(["verify", str(changed)]) == 3
    assert "CHANGED AFTER SIGNING" in capsys.readouterr().out
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(build_pdf(ruleset.meta, af, ev))
    assert cli.main(["verify", str(plain)]) == 3
    assert "Not signed" in capsys.readouterr().out
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(signed_pdf[:1000])
    assert cli.main(["verify", str(broken)]) == 1
    assert "REFUSED" in capsys.readouterr().out


def test_cli_sign_rebuilds_for_signature_and_signs(tmp_path, case, ca, signed_review, monkeypatch):
    ruleset, af, ev = case
    reviewed = tmp_path / "reviewed.pdf"
    reviewed.write_bytes(build_pdf(ruleset.meta, af, ev, review=signed_review))
    p12 = tmp_path / "me.p12"
    p12.write_bytes(make_p12(ca, password=PW))
    monkeypatch.setenv("COMPLIANCE_P12_PASSWORD", PW)
    out = tmp_path / "signed.pdf"
    assert cli.main(["sign", str(reviewed), "--p12", str(p12), "-o", str(out)]) == 0
    up = transport.read_upload(out.read_bytes(), "signed.pdf")
    assert up.signature.signed and up.review == signed_review
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(build_pdf(ruleset.meta, af, ev))
    assert cli.main(["sign", str(unsigned), "--p12", str(p12), "-o", str(out)]) == 1


# --- PDF/A-3 ----------------------------------------------------------------------------------
def test_reviewed_pdf_is_pdfa3_with_associated_files(signed_pdf):
    with pikepdf.open(io.BytesIO(signed_pdf)) as doc:
        meta = doc.open_metadata()
        assert meta.pdfa_status == "3B"
        assert meta["dc:title"].startswith("ITAR/EAR self-assessment")
        intent = doc.Root.OutputIntents[0]
        assert intent.S == pikepdf.Name.GTS_PDFA1 and intent.DestOutputProfile.N == 3
        assert intent.DestOutputProfile.read_bytes()[36:40] == b"acsp"  # an ICC profile
        af = {str(spec.F): str(spec.AFRelationship) for spec in doc.Root.AF}
        assert af == {
            "answers.yaml": "/Source",
            "review.yaml": "/Data",
            "ruleset.json": "/Data",
            "manifest.json": "/Data",
        }
        for spec in doc.Root.AF:
            stream = spec.EF.F
            assert str(stream.Subtype).startswith("/application")
            assert str(stream.Params.ModDate).startswith("D:")
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != pikepdf.Name.Widget:
                    assert int(annot.F) & 4
            for font in page.Resources.Font.values():
                for desc in font.get("/DescendantFonts", [font]):
                    fd = desc.get("/FontDescriptor")
                    assert fd is not None and "/FontFile2" in fd, font.get("/BaseFont")
    record = pypdf.PdfReader(io.BytesIO(signed_pdf)).attachments["ruleset.json"][0]
    assert b'"snapshot_sha256": "' in record


# --- the previous format -----------------------------------------------------------------------
def test_a_reviewed_pdf_of_the_previous_version_still_loads_with_a_note(case):
    ruleset, af, ev = case
    up = transport.read_upload(OLD_PDF.read_bytes(), "old.pdf")
    r = up.review
    assert r is not None and r.migrated_from == 1 and r.reviewer_name == "Dr. Old Adviser"
    assert r.signed_at == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    assert up.signature.status == "not_signed"
    assert any("earlier version of the tool" in w for w in flow.check(r, up.answers, ev))
    assert review.parse(review.dump(r)) == r
    text = flat_text(build_pdf(ruleset.meta, up.answers, ev, review=r))
    assert "review format 1" in text and "NOT DIGITALLY SIGNED" in text
