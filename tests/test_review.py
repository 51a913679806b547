"""Adviser review: the model, its file, the reviewed PDF, and reopening it."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pytest

from compliance_app.dossier import answers, review, transport
from compliance_app.dossier.review import FindingReview, Review, ReviewError
from compliance_app.engine import evaluation as engine
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payload_9a515_content.yaml"
DAY = dt.date(2026, 11, 30)
TRICKY = "Not agreed: <b>AT&T</b> parts & 0.1 <A <0.9 — Łódź"


@pytest.fixture(scope="module")
def case():
    ruleset = cached_ruleset()
    af = answers.parse(EXAMPLE.read_bytes())
    return ruleset, af, engine.evaluate(ruleset, af.answers)


@pytest.fixture(scope="module")
def signed(case) -> Review:
    _, af, ev = case
    r = review.start_review(
        af,
        ev,
        reviewer_name="Dr. Anne Adviser",
        organisation="Chambre de Commerce",
        report_id="R-0123456789ab",
        today=DAY,
    )
    codes = ev.codes()
    r = review.set_finding(r, codes[0], "disputed", TRICKY)
    r = review.set_finding(r, codes[1], "agreed")
    r = r.model_copy(
        update={
            "general_comments": "Ask the supplier for the ECCN in writing.\nThen call us.",
            "extra_next_steps": ["Obtain the supplier's ECCN statement", "File it with the order"],
        }
    )
    return review.sign_off(r, DAY)


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- the model and its file -------------------------------------------------------------------
def test_start_set_and_sign_off(case, signed: Review) -> None:
    _, af, ev = case
    assert signed.signed and signed.signed_on == DAY
    assert review.same_answers(signed, af)
    assert signed.answers_sha256 != review.answers_digest(
        af.model_copy(update={"company": af.company.model_copy(update={"name": "Other"})})
    )
    assert signed.of(ev.codes()[0]) == FindingReview(
        code=ev.codes()[0], status="disputed", comment=TRICKY
    )
    assert signed.of("NOT_A_CODE") is None
    assert [e.event for e in signed.log] == ["assessment", "review", "sign_off"]
    assert "1 finding(s) agreed, 1 disputed, 2 extra next step(s)" in signed.log[-1].text
    again = review.set_finding(signed, ev.codes()[0], "agreed", "fine after all")
    assert again.of(ev.codes()[0]).status == "agreed"
    assert len(again.finding_reviews) == len(signed.finding_reviews)


def test_review_file_round_trip_is_byte_stable(signed: Review) -> None:
    data = review.dump(signed)
    assert review.parse(data) == signed
    assert review.dump(review.parse(data)) == data
    assert "Łódź".encode() in data  # non-ASCII written as itself


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"format: itar-ear-answers\n", "not a review"),
        (b"format: itar-ear-review\nx: !!python/object/apply:os.system ['id']\n", "tag"),
        (b"format: itar-ear-review\nreviewer_name: [1, 2\n", "not valid"),
        (
            b"format: itar-ear-review\nfinding_reviews: [{code: X, status: maybe}]\n",
            "status",
        ),
        (b"format: itar-ear-review\nsurprise: 1\n", "surprise"),
        (b"x" * (review.MAX_BYTES + 1), "at most"),
    ],
)
def test_bad_review_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReviewError, match=reason):
        review.parse(data)


def test_check_warns_when_the_review_may_not_fit(case, signed: Review) -> None:
    _, af, ev = case
    warnings = review.check(signed, af, ev)
    assert len(warnings) == 1 and warnings[0].startswith("Findings not reviewed:")
    changed = af.model_copy(update={"company": af.company.model_copy(update={"name": "Other"})})
    assert any("answers were changed" in w for w in review.check(signed, changed, ev))
    old = signed.model_copy(
        update={
            "ruleset": signed.ruleset.model_copy(update={"version": "0.9.0"}),
            "finding_reviews": [
                *signed.finding_reviews,
                FindingReview(code="GONE", status="agreed"),
            ],
        }
    )
    warnings = review.check(old, af, ev)
    assert any("0.9.0" in w for w in warnings)
    assert any("no longer has: GONE" in w for w in warnings)


# --- the reviewed PDF -------------------------------------------------------------------------
def test_reviewed_pdf_shows_the_review_and_keeps_the_original(case, signed: Review) -> None:
    ruleset, af, ev = case
    plain = text_of(build_pdf(ruleset.meta, af, ev, invariant=True))
    reviewed = text_of(build_pdf(ruleset.meta, af, ev, invariant=True, review=signed))
    flat = squash(reviewed)
    assert "Reviewed and signed off by Dr. Anne Adviser (Chambre de Commerce) on 2026-11-30" in flat
    assert "Adviser review" in reviewed and "Change log" in reviewed
    assert f"[DISPUTED] {ev.codes()[0]}" in flat and f"[AGREED] {ev.codes()[1]}" in flat
    assert f"[NOT REVIEWED] {ev.codes()[2]}" in flat
    assert squash(TRICKY) in flat  # printed exactly, never as markup
    assert "Ask the supplier for the ECCN in writing." in reviewed
    assert "Obtain the supplier's ECCN statement" in flat
    log = [flat.index(s) for s in ("1. Original assessment", "2. Review", "3. Sign-off")]
    assert log == sorted(log)
    # every line of the unreviewed report is still there (except the page numbers)
    missing = [
        line
        for line in plain.splitlines()
        if line.strip() and not line.startswith("Page ") and line not in reviewed
    ]
    assert missing == []
    # the findings come before the review, the appendix after it
    assert reviewed.index("Findings\n") < reviewed.index("Adviser review\n")
    assert reviewed.index("Change log") < reviewed.index("Appendix: questions and answers")


def test_reopening_a_reviewed_pdf_gives_the_answers_and_the_review(case, signed: Review) -> None:
    ruleset, af, ev = case
    pdf = build_pdf(ruleset.meta, af, ev, invariant=True, review=signed)
    up = transport.read_upload(pdf, "reviewed.pdf")
    assert up.answers == af and answers.dump(up.answers) == answers.dump(af)
    assert up.review == signed
    assert sorted(f.name for f in up.manifest.files) == ["answers.yaml", "review.yaml"]


def test_removing_the_review_from_a_reviewed_pdf_is_refused(case, signed: Review) -> None:
    ruleset, af, ev = case
    pdf = build_pdf(ruleset.meta, af, ev, invariant=True, review=signed)
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    i = [str(n) for n in names[::2]].index("review.yaml") * 2
    del names[i : i + 2]
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(transport.UploadError, match="changed since it was made"):
        transport.read_upload(out.getvalue(), "r.pdf")


def test_unsigned_review_of_changed_answers_says_so_in_the_pdf(case) -> None:
    ruleset, af, ev = case
    r = review.start_review(af, ev, reviewer_name="A. Adviser")
    r = r.model_copy(
        update={
            "answers_sha256": "0" * 64,
            "finding_reviews": [FindingReview(code="OLD_FINDING", status="disputed", comment="x")],
            "log": [],
        }
    )
    flat = squash(text_of(build_pdf(ruleset.meta, af, ev, invariant=True, review=r)))
    assert "Review by A. Adviser in progress: not signed off." in flat
    assert "answers were changed after this review" in flat
    assert "Reviewed findings this assessment no longer has" in flat
    assert "[DISPUTED] OLD_FINDING" in flat
    assert "1. Original assessment · date not recorded" in flat  # log entry added when missing


def test_review_with_a_lone_surrogate_is_refused_like_an_answers_file():
    """The review reader shares the answers file's safe reader (no lone surrogates)."""
    import pytest as _pytest

    from compliance_app.dossier import review as review_mod

    payload = b'{"format": "itar-ear-review", "reviewer_name": "\\ud800"}'
    with _pytest.raises(review_mod.ReviewError, match="cannot be read"):
        review_mod.parse(payload)


def test_first_page_warns_when_the_answers_changed_after_sign_off(case, signed: Review) -> None:
    """A sign-off must never appear on page 1 to cover a result the adviser did not see."""
    ruleset, af, ev = case
    changed = af.model_copy(update={"company": af.company.model_copy(update={"name": "Other"})})
    first = squash(
        pypdf.PdfReader(io.BytesIO(build_pdf(ruleset.meta, changed, ev, review=signed)))
        .pages[0]
        .extract_text()
    )
    assert "Reviewed and signed off by Dr. Anne Adviser" in first
    assert "Caution: the review may not cover this result as printed" in first


def test_sign_off_before_the_assessment_is_refused(case) -> None:
    _, af, ev = case
    r = review.start_review(af, ev, reviewer_name="A", assessed_on=DAY, today=DAY)
    with pytest.raises(review.ReviewError, match="before the assessment"):
        review.sign_off(r, DAY - dt.timedelta(days=1))
    assert review.sign_off(r, DAY).signed_on == DAY
