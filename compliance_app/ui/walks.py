"""The wizard's path for a set of answers, walked at most once per script run (no Streamlit).

A Next click asks for the path three times with the same answers: for the next page
(:func:`compliance_app.ui.state.next_page`), to check the page to show
(:func:`~compliance_app.ui.state.resolve_page`) and for the progress bar
(:func:`~compliance_app.ui.state.progress`). Each script run has its own thread, so the last
result of the calling thread is kept and reused when the rule base is the same object and the
answers are equal (compared by value, lists and list entries included); anything else walks
again. The path is the deal's (:func:`compliance_app.engine.deal.deal_walk`): qualified ids.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from compliance_app.engine.deal import DealWalk, deal_walk, personal, split
from compliance_app.rulebase.models import Ruleset, Step, Text

_last = threading.local()  # .value: (ruleset, frozen answers, DealWalk)


def _freeze(value: object) -> object:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return value


def frozen(answers: Mapping[str, object]) -> tuple:
    """The answers as a hashable value (lists as tuples, entries as sorted pairs), equal when
    the answers are equal."""
    return tuple((k, _freeze(v)) for k, v in answers.items())


def deal_of(ruleset: Ruleset, answers: Mapping[str, object]) -> DealWalk:
    """The deal's walk for these answers (cached for the calling thread, see above)."""
    key = frozen(answers)
    last = getattr(_last, "value", None)
    if last is None or last[0] is not ruleset or last[1] != key:
        last = _last.value = (ruleset, key, deal_walk(ruleset, answers))
    return last[2]


def path_and_pending(
    ruleset: Ruleset, answers: Mapping[str, object]
) -> tuple[list[str], str | None]:
    """``(qualified ids on the path, pending id or None)``; a new list every call."""
    dw = deal_of(ruleset, answers)
    return list(dw.path), dw.pending


def step_for(ruleset: Ruleset, qid: str, answers: Mapping[str, object]) -> Step:
    """The step a page asks (qualified id, ``m3_us_content@item1``), as the page shows it: its
    ``id`` is the qualified id (so widgets, drafts and answers are keyed by it) and its question
    and hint name the item, destination or group (``{item}`` placeholders). Raises KeyError for
    an unknown step."""
    step = ruleset.steps[split(qid)[0]]
    if qid == step.id and "{" not in step.question.en:
        return step
    parts = deal_of(ruleset, answers).names.get(qid, {})
    update: dict[str, object] = {"id": qid}
    for name in ("question", "hint"):
        text = getattr(step, name)
        if text is not None:
            update[name] = Text(
                en=personal(text.en, parts), fr=personal(text.fr, parts) if text.fr else None
            )
    return step.model_copy(update=update)


def about(ruleset: Ruleset, answers: Mapping[str, object], qid: str) -> str:
    """What the question ``qid`` is about (``"PCU-200 → Prime SA, France (FR)"``), "" for a
    question about the whole deal."""
    return deal_of(ruleset, answers).about(qid)
