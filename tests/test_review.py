"""Adviser review: the model, its file, the reviewed PDF, and reopening it."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pytest

from compliance_app.dossier import answers, review, transport
from compliance_app.dossier import review_flow as flow
from compliance_app.dossier.review import FindingReview, Review, ReviewError
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payload_9a515_content.yaml"
DAY = dt.date(2026, 11, 30)
AT = dt.datetime(2026, 11, 30, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
ASSESSED = dt.datetime(2026, 11, 28, 10, 12, tzinfo=dt.UTC)
TRICKY = "Not agreed: <b>AT&T</b> parts & 0.1 <A <0.9 — Łódź"


@pytest.fixture(scope="module")
def case():
    ruleset = cached_ruleset()
    af = answers.parse(EXAMPLE.read_bytes())
    return ruleset, af, evaluate_deal(ruleset, af.answers)


@pytest.fixture(scope="module")
def signed(case) -> Review:
    _, af, ev = case
    r = flow.start_review(
        af,
        ev,
        reviewer_name="Dr. Anne Adviser",
        organisation="Chambre de Commerce",
        report_id="R-0123456789ab",
        assessed_at=ASSESSED,
        now=AT,
    )
    codes = ev.codes()
    r = flow.set_finding(r, codes[0], "disputed", TRICKY)
    r = flow.set_finding(r, codes[1], "agreed")
    for code in codes[2:]:
        r = flow.set_finding(r, code, "noted")
    for q in ev.open_questions:
        r = flow.answer_question(r, q.step_id, q.question, "Settled by the supplier's letter.")
    r = r.model_copy(
        update={
            "general_comments": "Ask the supplier for the ECCN in writing.\nThen call us.",
            "extra_next_steps": ["Obtain the supplier's ECCN statement", "File it with the order"],
            "capacity": "Export-control lawyer",
        }
    )
    return flow.sign_off(r, ev, AT, now=AT)


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- the model and its file -------------------------------------------------------------------
def test_start_set_and_sign_off(case, signed: Review) -> None:
    _, af, ev = case
    assert signed.signed and signed.signed_on == DAY and signed.signed_at == AT
    assert review.same_answers(signed, af) and flow.covers(signed, af, ev)
    assert signed.answers_sha256 != review.answers_digest(
        af.model_copy(update={"company": af.company.model_copy(update={"name": "Other"})})
    )
    assert signed.of(ev.codes()[0]) == FindingReview(
        code=ev.codes()[0], status="disputed", comment=TRICKY
    )
    assert signed.of("NOT_A_CODE") is None
    assert [e.event for e in signed.log] == ["assessment", "review", "sign_off"]
    assert "1 agreed, 0 agreed with qualification, " in signed.log[-1].text
    assert "1 disputed; 1 open question(s) answered, 2 extra next step(s)" in signed.log[-1].text
    so = signed.sign_off
    assert (so.report_id, so.answers_sha256, so.ruleset) == (
        "R-0123456789ab",
        signed.answers_sha256,
        signed.ruleset,
    )
    assert [(c.code, c.status) for c in so.findings][:2] == [
        (ev.codes()[0], "disputed"),
        (ev.codes()[1], "agreed"),
    ]
    assert so.assessed_at == ASSESSED and so.capacity == "Export-control lawyer"
    assert signed.reviewed_findings == flow.frozen_findings(ev)
    assert review.answers_digest(signed.reviewed) == signed.answers_sha256
    again = flow.set_finding(signed, ev.codes()[0], "agreed", "fine after all")
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
    assert flow.check(signed, af, ev) == []
    partial = signed.model_copy(update={"finding_reviews": signed.finding_reviews[:2]})
    warnings = flow.check(partial, af, ev)
    assert len(warnings) == 1 and warnings[0].startswith("Findings not reviewed:")
    changed = af.model_copy(update={"company": af.company.model_copy(update={"name": "Other"})})
    first = flow.check(signed, changed, ev)[0]
    assert (
        first.startswith("Review not valid for these answers") and "answers were changed" in first
    )
    old = signed.model_copy(
        update={
            "ruleset": signed.ruleset.model_copy(update={"version": "0.9.0"}),
            "finding_reviews": [
                *signed.finding_reviews,
                FindingReview(code="GONE", status="agreed"),
            ],
        }
    )
    warnings = flow.check(old, af, ev)
    assert any("0.9.0" in w for w in warnings)
    assert any("no longer has: GONE" in w for w in warnings)


# --- the reviewed PDF -------------------------------------------------------------------------
def test_reviewed_pdf_shows_the_review_and_keeps_the_original(case, signed: Review) -> None:
    ruleset, af, ev = case
    plain = text_of(build_pdf(ruleset.meta, af, ev, invariant=True))
    reviewed = text_of(build_pdf(ruleset.meta, af, ev, invariant=True, review=signed))
    flat = squash(reviewed)
    assert (
        "Reviewed and signed off by Dr. Anne Adviser (Export-control lawyer, Chambre de "
        "Commerce) on 2026-11-30 14:05 UTC+01:00. NOT DIGITALLY SIGNED" in flat
    )
    assert "Adviser review" in reviewed and "Change log" in reviewed
    assert f"[DISPUTED] {ev.codes()[0]}" in flat and f"[AGREED] {ev.codes()[1]}" in flat
    assert f"[NOTED] {ev.codes()[2]}" in flat
    # the scope of the sign-off is printed in its block
    block = flat[flat.index("Sign-off Reviewer") :]
    for text in (
        "Signed off at: 2026-11-30 14:05 UTC+01:00",
        "Report id: R-0123456789ab",
        f"Answers fingerprint (SHA-256): {signed.answers_sha256}",
        f"Rule base: {ev.ruleset_id} version {ev.ruleset_version}",
        "Assessment made at: 2026-11-28 10:12 UTC",
        "Findings covered by this sign-off",
        "Professional capacity: Export-control lawyer",
        "Scope, limitations and reliance",
    ):
        assert text in block, text
    # the adviser's view is printed under each finding, before the review section
    findings = flat[flat.index("Tick the next steps") : flat.index("Adviser review An export")]
    assert f"Adviser: [DISPUTED] {squash(TRICKY)}" in findings
    assert "Adviser: [AGREED]" in findings and "Adviser's answer: Settled by" in flat
    assert squash(TRICKY) in flat  # printed exactly, never as markup
    assert "Ask the supplier for the ECCN in writing." in reviewed
    assert "Obtain the supplier's ECCN statement" in flat
    log = [
        flat.index(s)
        for s in (
            "1. Original assessment · 2026-11-28 10:12 UTC",
            "2. Review · 2026-11-30 14:05 UTC+01:00",
            "3. Sign-off · 2026-11-30 14:05 UTC+01:00",
        )
    ]
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
    assert sorted(f.name for f in up.manifest.files) == [
        "answers.yaml",
        "review.yaml",
        "ruleset.json",
    ]
    assert up.signature.status == "not_signed"


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
    r = flow.start_review(af, ev, reviewer_name="A. Adviser")
    r = r.model_copy(
        update={
            "answers_sha256": "0" * 64,
            "finding_reviews": [FindingReview(code="OLD_FINDING", status="disputed", comment="x")],
            "log": [],
        }
    )
    flat = squash(text_of(build_pdf(ruleset.meta, af, ev, invariant=True, review=r)))
    assert "Review not valid for these answers: the answers were changed after the review" in flat
    assert "answers were changed after this review" in flat
    assert "Reviewed findings this assessment no longer has" in flat
    assert "[DISPUTED] OLD_FINDING" in flat
    assert "1. Original assessment · time not recorded" in flat  # log entry added when missing


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
    assert "Reviewed and signed off" not in first
    assert "Review not valid for these answers" in first


def test_sign_off_before_the_assessment_or_in_the_future_is_refused(case, signed) -> None:
    _, af, ev = case
    r = signed.model_copy(update={"sign_off": None})
    with pytest.raises(review.ReviewError, match="before the assessment"):
        flow.sign_off(r, ev, ASSESSED - dt.timedelta(minutes=1), now=AT)
    future = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.UTC)
    with pytest.raises(review.ReviewError, match="in the future"):
        flow.sign_off(r, ev, future, now=AT)
    with pytest.raises(ValueError, match="timezone"):
        flow.sign_off(r, ev, dt.datetime(2026, 11, 30, 12, 0), now=AT)
    assert flow.sign_off(r, ev, AT, now=AT).signed_at == AT


def test_sign_off_needs_every_status_comments_and_open_answers(case, signed) -> None:
    _, af, ev = case
    codes = ev.codes()
    r = signed.model_copy(update={"sign_off": None})
    bare = flow.set_finding(r, codes[0], "qualified", "  ")
    with pytest.raises(ReviewError, match="needs a comment"):
        flow.sign_off(bare, ev, AT, now=AT)
    fewer = r.model_copy(update={"finding_reviews": r.finding_reviews[1:]})
    with pytest.raises(ReviewError, match="Give a status to every finding"):
        flow.sign_off(fewer, ev, AT, now=AT)
    if ev.open_questions:
        unanswered = r.model_copy(update={"question_answers": []})
        with pytest.raises(ReviewError, match="Answer every open question"):
            flow.sign_off(unanswered, ev, AT, now=AT)
    noted = flow.set_finding(r, codes[0], "noted")
    assert flow.sign_off(noted, ev, AT, now=AT).sign_off.findings[0].status == "noted"


FORMAT_1 = b"""format: itar-ear-review
format_version: 1
answers_sha256: null
report_id: R-0123456789ab
ruleset: {id: itar-ear-selfassessment, version: 1.0.0}
reviewer_name: Dr. Old Adviser
organisation: Chambre
signed_on: '2026-11-30'
finding_reviews:
- {code: AUTH_BIS_LICENSE, status: disputed, comment: ''}
general_comments: ''
extra_next_steps: []
log:
- {'on': null, by: Moselle, event: assessment, text: Self-assessment.}
- {'on': '2026-11-30', by: Dr. Old Adviser, event: sign_off, text: Signed off.}
"""


def test_a_format_1_review_is_migrated_with_a_visible_note(case) -> None:
    ruleset, af, ev = case
    old = review.parse(FORMAT_1)
    assert old.migrated_from == 1 and old.format_version == 2
    assert old.signed_at == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    assert old.of("AUTH_BIS_LICENSE").status == "disputed"
    assert [e.event for e in old.log] == ["assessment", "sign_off", "migration"]
    assert old.log[1].at == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    assert "earlier version of the tool" in old.migration_note
    assert any("earlier version of the tool" in w for w in flow.check(old, af, ev))
    assert not flow.covers(old, af, ev)
    flat = squash(text_of(build_pdf(ruleset.meta, af, ev, invariant=True, review=old)))
    assert "review format 1" in flat
    assert review.parse(review.dump(old)) == old


def test_unknown_review_format_version_is_refused() -> None:
    with pytest.raises(ReviewError, match="format version 9"):
        review.parse(b"format: itar-ear-review\nformat_version: 9\n")
