"""The wizard's path for a set of answers, walked at most once per script run (no Streamlit).

A Next click asks for the path three times with the same answers: for the next page
(:func:`compliance_app.ui.state.next_page`), to check the page to show
(:func:`~compliance_app.ui.state.resolve_page`) and for the progress bar
(:func:`~compliance_app.ui.state.progress`). Each script run has its own thread, so the last
result of the calling thread is kept and reused when the rule base is the same object and the
answers are equal (compared by value, lists included); anything else walks again.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from compliance_app.engine.evaluation import walk
from compliance_app.rulebase.models import Ruleset

_last = threading.local()  # .value: (ruleset, frozen answers, path, pending step)


def frozen(answers: Mapping[str, object]) -> tuple:
    """The answers as a hashable value (lists as tuples), equal when the answers are equal."""
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items())


def path_and_pending(
    ruleset: Ruleset, answers: Mapping[str, object]
) -> tuple[list[str], str | None]:
    """``(step ids on the path, pending step or None)``, as
    :func:`compliance_app.engine.evaluation.walk` gives them; a new list every call."""
    key = frozen(answers)
    last = getattr(_last, "value", None)
    if last is None or last[0] is not ruleset or last[1] != key:
        path, _visible, pending = walk(ruleset, answers)
        last = _last.value = (ruleset, key, tuple(path), pending)
    return list(last[2]), last[3]
