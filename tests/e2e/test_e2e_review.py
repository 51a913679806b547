"""A real browser on the adviser's review: sign with a test certificate, verify on upload,
tampering after signing, re-review after a company edit ending in a clean sign-off, a
future date refused, and the disputed finding visible without expanding anything.

Certificates are made at test time (testkit.certs); PDFs the company would send are built in
Python, everything the adviser and the company do is done in the browser.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from compliance_app.dossier import review_flow as flow
from compliance_app.dossier import signing, transport
from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal as evaluate
from compliance_app.report.builder import build_pdf
from e2e.browser import Wizard
from testkit.certs import make_ca, make_p12

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "structures_no_us_content.yaml"
PW = "e2e password"


def upload(w: Wizard, name: str, data: bytes, index: int = 0) -> None:
    box = w.main().locator('[data-testid="stFileUploaderDropzoneInput"]').nth(index)
    mime = "application/pdf" if name.endswith(".pdf") else "application/x-pkcs12"
    w.act(lambda: box.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}]))
    w.settle()


def download(w: Wizard, label: str) -> bytes:
    with w.page.expect_download() as info:
        w.main().get_by_role("button", name=label, exact=True).click()
    return Path(info.value.path()).read_bytes()


def fill(w: Wizard, label: str, text: str, area: bool = False) -> None:
    box = w.main().get_by_label(label, exact=True)
    if box.input_value() == text:
        return  # unchanged: no run to wait for
    box.fill(text)
    w.act(lambda: box.press("Control+Enter" if area else "Enter"))


def review_everything(w: Wizard, ev, disputed: str) -> None:
    for f in ev.findings:
        group = w.main().get_by_role("radiogroup", name=f"Your view of {f.code}")
        label = "Disputed" if f.code == disputed else "Agreed"
        radio = group.get_by_role("radio", name=label, exact=True)
        if not radio.is_checked():  # a re-review keeps the statuses of unchanged findings
            w.act(lambda radio=radio: radio.check(force=True))
    comment = f"Comment on {disputed} (required when agreed with qualification or disputed)"
    fill(w, comment, "Not controlled: the part is EAR99 per the supplier.", area=True)
    fill(w, "Your name", "Dr. Anne Adviser")
    fill(w, "Your organisation", "Chambre de Commerce")


def open_adviser(w: Wizard) -> None:
    w.open()
    w.click("I am an adviser: review an assessment")


def case(ruleset):
    af = parse(EXAMPLE.read_bytes())
    return af, evaluate(ruleset, af.answers)


def signed_report(ruleset, af, ev, disputed: str) -> tuple[bytes, bytes]:
    """(reviewed PDF signed with a test certificate, the CA's PEM)."""
    r = flow.start_review(af, ev, reviewer_name="Dr. Anne Adviser", organisation="CdC")
    for code in ev.codes():
        status = "disputed" if code == disputed else "agreed"
        r = flow.set_finding(r, code, status, "Not controlled: EAR99." * (code == disputed))
    r = flow.sign_off(r, ev, flow.now_utc() - dt.timedelta(minutes=1))
    ca = make_ca()
    pdf = build_pdf(ruleset.meta, af, ev, review=r, for_signature=True)
    return signing.sign_pdf(pdf, make_p12(ca, password=PW), PW), ca.pem


def test_adviser_signs_with_a_test_certificate(wizard, ruleset):
    w = wizard
    af, ev = case(ruleset)
    open_adviser(w)
    upload(w, "report.pdf", build_pdf(ruleset.meta, af, ev))
    review_everything(w, ev, ev.codes()[0])
    w.click("Sign off")
    main = w.main()
    assert "Signed off by Dr. Anne Adviser" in main.inner_text()
    upload(w, "me.p12", make_p12(make_ca(), password=PW), index=1)
    fill(w, "Certificate password", PW)
    w.click("Sign the report with my certificate")
    assert "Digitally signed by Dr. Anne Adviser" in main.inner_text()
    signed = download(w, "Download the signed report (PDF)")
    up = transport.read_upload(signed, "signed.pdf")
    assert up.signature.signed and up.signature.unchanged
    assert up.review.of(ev.codes()[0]).status == "disputed"


def test_future_sign_off_date_is_refused(wizard, ruleset):
    w = wizard
    af, ev = case(ruleset)
    open_adviser(w)
    upload(w, "report.pdf", build_pdf(ruleset.meta, af, ev))
    review_everything(w, ev, ev.codes()[0])
    group = w.main().get_by_role("group", name="Date of sign-off")
    segments = group.get_by_role("spinbutton")
    for i, digits in enumerate(("2027", "03", "15")):
        segments.nth(i).click()
        w.page.keyboard.type(digits)
    w.page.keyboard.press("Tab")  # the date is sent when the field loses the focus
    w.page.wait_for_timeout(1000)
    w.settle()
    w.click("Sign off")
    text = w.main().inner_text()
    assert "is in the future" in text
    assert w.main().get_by_role("button", name=re.compile("^Download the")).count() == 0


def test_company_verifies_the_signature_and_sees_the_disputed_finding(wizard, ruleset):
    w = wizard
    af, ev = case(ruleset)
    disputed = ev.codes()[-1]  # the least severe finding: its expander would start closed
    signed, _pem = signed_report(ruleset, af, ev, disputed)
    w.open()
    upload(w, "signed.pdf", signed)
    main = w.main()
    assert "digitally signed (verified when the PDF was uploaded)" in main.inner_text()
    w.click("See results")
    main = w.main()
    text = main.inner_text()
    assert "Reviewed and signed off by Dr. Anne Adviser" in text
    # visible without expanding anything: the status in the title, the comment above it
    note = main.get_by_text(f"Adviser DISPUTED ({disputed}): Not controlled: EAR99.")
    assert note.is_visible()
    title = main.get_by_text(re.compile(rf"\({disputed}\) — Adviser: DISPUTED"))
    assert title.first.is_visible()


def test_tampering_after_signing_is_refused_or_shown_as_changed(wizard, ruleset):
    w = wizard
    af, ev = case(ruleset)
    signed, _pem = signed_report(ruleset, af, ev, ev.codes()[0])
    sealed = int(re.search(rb'"pdf_length": "(\d{10})"', signed)[1])
    at = signed.index(b"/M (D", sealed) + 12
    flipped = signed[:at] + bytes([signed[at] ^ 1]) + signed[at + 1 :]
    w.open()
    upload(w, "flipped.pdf", flipped)
    assert "digital signature of this PDF is not valid" in w.main().inner_text()
    # a viewer draws "[AGREED]" and saves: shown as changed after signing, never clean
    wr = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = wr.root["/Pages"]["/Kids"][0].get_object()
    annot = wr.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(x) for x in (100, 100, 300, 150)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("[AGREED]"),
            }
        )
    )
    page[generic.NameObject("/Annots")] = generic.ArrayObject([annot])
    wr.update_container(page)
    out = io.BytesIO()
    wr.write(out)
    upload(w, "drawn.pdf", out.getvalue())
    text = w.main().inner_text()
    assert "CHANGED AFTER IT WAS SIGNED" in text
    assert "CHANGED after it was signed" in text


def test_re_review_after_a_company_edit_ends_in_a_clean_sign_off(wizard, ruleset):
    w = wizard
    af, ev = case(ruleset)
    old = flow.start_review(af, ev, reviewer_name="Dr. Anne Adviser", organisation="CdC")
    for code in ev.codes():
        old = flow.set_finding(old, code, "agreed")
    old = flow.sign_off(old, ev, flow.now_utc() - dt.timedelta(hours=1))
    item = {**af.answers["m2_items"][0], "name": "Carbon-fibre panels, new layup"}
    edited = af.model_copy(update={"answers": {**af.answers, "m2_items": [item]}})
    ev2 = evaluate(ruleset, edited.answers)
    company_pdf = build_pdf(ruleset.meta, edited, ev2, review=old)
    assert flow.check(old, edited, ev2)[0].startswith(flow.NOT_VALID)
    open_adviser(w)
    upload(w, "changed.pdf", company_pdf)
    text = w.main().inner_text()
    assert "What changed since your last review" in text
    assert "-> Carbon-fibre panels, new layup" in text
    review_everything(w, ev2, ev2.codes()[0])
    w.click("Sign off")
    pdf = download(w, "Download the reviewed report (PDF, not digitally signed)")
    up = transport.read_upload(pdf, "reviewed.pdf")
    assert flow.covers(up.review, edited, ev2) and flow.check(up.review, edited, ev2) == []
    assert [e.event for e in up.review.log][-2:] == ["re_review", "sign_off"]
    flat = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in _pages(pdf)))
    assert "not valid for these answers" not in flat and "Re-review" in flat


def _pages(pdf: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf)).pages
