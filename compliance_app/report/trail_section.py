"""The report's appendix: the trail of questions and answers (helper of :mod:`.sections`).

Every question asked on the path, in order, with the answer given ("I don't know"
highlighted), its citations and the rules that fired, then the answers no longer used. All
text goes through the builder's sanitizer (``b.t``): answers are data, never markup.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from compliance_app.engine.deal import split
from compliance_app.engine.results import TrailEntry
from compliance_app.report import deal_section


def appendix(b: Any) -> list[Flowable]:
    """The appendix: every question asked, its answer and citations, the rules that fired,
    the answers not used (``b`` is the report's builder)."""
    out: list[Flowable] = [PageBreak(), b.p("Appendix: questions and answers", "h1")]
    if not b.ev.trail:
        out.append(b.p("No question was answered."))
    out.append(
        b.p(
            "Every question asked on the path, in order, with the answer given. "
            'Answers "I don\'t know" are highlighted.',
            "small",
        )
    )
    first: dict[tuple, int] = {}
    for i, entry in enumerate(b.ev.trail, start=1):
        # a deal asks a question once per item, destination or group: its references are
        # printed at its first occurrence only
        key = (split(entry.step_id)[0], tuple(c.id for c in entry.citations))
        n = first.setdefault(key, i) if b.deal else i
        out.extend(trail_entry(b, i, entry, cites_as=n if n != i else None))
    fired = b.ev.fired_rules
    if fired:
        out.append(b.p("Rules that fired", "h2"))
        out.append(b.p(b.t(", ".join(fired))))
    if b.ev.unused_answers:
        out.append(b.p("Answers not used", "h1"))
        out.append(
            b.p(
                "These questions were answered but are no longer on the path "
                "(an earlier answer changed). They are kept in the answers file "
                "and did not affect the result.",
                "small",
            )
        )
        for step_id in b.ev.unused_answers:
            value = b.answers.answers.get(step_id)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            out.append(b.p(f"<b>{deal_section.step_ref(b, step_id)}</b>", "label"))
            out.extend(b.long_text("" if value is None else value, "answer"))
    return out


def trail_entry(b: Any, i: int, entry: TrailEntry, cites_as: int | None = None) -> list[Flowable]:
    """Question ``i``: the question, its step, what it is about (in a deal), the answer and
    its references; ``cites_as``: the number of the question whose references are the same,
    printed as "References as for Q..." instead of repeating them."""
    step = f"step {b.t(entry.step_id)} · module {b.t(entry.module_id)}"
    if b.deal:
        about = b.t(entry.about) if entry.about else deal_section.WHOLE_DEAL
        step = f"<b>About:</b> {about} · {step}"
    head = [b.p(f"Q{i}. {b.t(entry.question)}", "label"), b.p(step, "small")]
    if entry.unknown:
        body: list[Flowable] = [
            b.p(
                f"<b>Answer:</b> {b.t(entry.answer_text)} — open question for the adviser",
                "unknown",
            )
        ]
    elif entry.answer is None:
        body = [b.p("<b>Answer:</b> <i>(not answered)</i>", "answer")]
    elif len(entry.answer_text) <= 500 and "\n" not in entry.answer_text:
        body = [b.p(f"<b>Answer:</b> {b.t(entry.answer_text)}", "answer")]
    else:
        body = [b.p("<b>Answer:</b>", "answer")]
        body.extend(b.long_text(entry.answer_text, "answer"))
    if cites_as is not None and entry.citations:
        cites = [b.p(f"References as for Q{cites_as}.", "ref")]
    else:
        cites = [b.citation(c) for c in entry.citations]
    return [KeepTogether(head + body[:1]), *body[1:], *cites, Spacer(1, 3)]
