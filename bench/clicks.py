"""Per click: server-side time of one wizard step (answer + Next), ours vs two reference pages.

All three apps run in-process with ``streamlit.testing.v1.AppTest``, interleaved click by
click in the same run. Our app walks the payload example (real rule base); the same-elements
page (bench/same_app.py) gets the same answer in the same widget and Next, so it draws the
same question as ours at every click; the empty page (bench/empty_app.py) sets its one radio
button and clicks Next. Two measures per click:

* ``script``: the script run itself (callbacks + script body), as the server runs it;
* ``run``: the whole ``AppTest.run()`` (script + the framework's delivery of the page).

Our click includes saving the draft (to a new SQLite file in a temporary folder, as
``make run`` does); ``save`` is the time of those saves alone (``DraftStore.save`` and
``create``, timed around the call), so the click without its durable save can be read too.

AppTest builds a new script cache on every run (it recompiles the script each time), which a
real server does not; the bench shares one cache, as the server does.
"""

from __future__ import annotations

import os
import sys
import time

from bench.common import APP, EMPTY_APP, PAYLOAD, ROOT, emit, median, private_drafts
from testkit.widgets import set_widget

SAME_APP = ROOT / "bench" / "same_app.py"


def _patch_apptest() -> dict[str, float]:
    import streamlit.runtime.scriptrunner.script_runner as sr
    import streamlit.testing.v1.local_script_runner as lsr
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    from compliance_app.storage.store import DraftStore

    shared = ScriptCache()
    lsr.ScriptCache = lambda: shared  # type: ignore[assignment]
    last: dict[str, float] = {"save": 0.0}
    orig = sr.exec_func_with_error_handling

    def timed(func, ctx):
        last["save"] = 0.0
        t = time.perf_counter()
        try:
            return orig(func, ctx)
        finally:
            last["script"] = time.perf_counter() - t

    sr.exec_func_with_error_handling = timed
    for name in ("save", "create"):
        method = getattr(DraftStore, name)

        def wrapped(self, *a, _method=method, **k):
            t = time.perf_counter()
            try:
                return _method(self, *a, **k)
            finally:
                last["save"] += time.perf_counter() - t

        setattr(DraftStore, name, wrapped)
    return last


def _click(app, measures: dict[str, list[float]], last: dict[str, float]) -> None:
    app.button(key="next").click()
    t = time.perf_counter()
    app.run()
    measures["run"].append(time.perf_counter() - t)
    measures["script"].append(last["script"])
    measures["save"].append(last["save"])
    if app.exception:
        raise RuntimeError(f"{app} failed: {app.exception}")


def run(walks: int = 6) -> dict:
    os.environ.pop("COMPLIANCE_RULES_DIR", None)
    private_drafts()
    last = _patch_apptest()
    from streamlit.testing.v1 import AppTest

    from compliance_app.dossier.answers import parse
    from compliance_app.engine.deal import split
    from compliance_app.engine.deal_migrate import migrate_case
    from compliance_app.rulebase.loader import cached_ruleset
    from compliance_app.rulebase.models import LIST_TYPES
    from compliance_app.ui import state as ui

    ruleset = cached_ruleset()
    answers = migrate_case(ruleset, parse(PAYLOAD.read_bytes()).answers)[0]
    ours: dict[str, list[float]] = {"script": [], "run": [], "save": []}
    same: dict[str, list[float]] = {"script": [], "run": [], "save": []}
    empty: dict[str, list[float]] = {"script": [], "run": [], "save": []}
    e = AppTest.from_file(str(EMPTY_APP), default_timeout=60)
    e.run()
    for _ in range(walks):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        at.text_input(key="company_name").input("Bench S.A.")
        at.button(key="start").click().run()
        s = AppTest.from_file(str(SAME_APP), default_timeout=60)
        s.run()
        while (step_id := ui.page_step(at.session_state["page"])) is not None:
            if ruleset.steps[split(step_id)[0]].type in LIST_TYPES:  # not timed (no twin page)
                set_widget(at, ruleset, step_id, answers[step_id])
                at.button(key="next").click().run()
                continue
            if s.header[0].value != at.header[0].value:
                raise RuntimeError(f"the same-elements page is not on {step_id}")
            set_widget(at, ruleset, step_id, answers[step_id])
            _click(at, ours, last)
            set_widget(s, ruleset, step_id, answers[step_id])
            _click(s, same, last)
            e.radio(key="q").set_value("yes" if len(empty["run"]) % 2 else "no")
            _click(e, empty, last)
        if at.session_state["page"] != ui.PAGE_REVIEW:
            raise RuntimeError("the walk did not reach the review page")

    def paired(a: list[float], b: list[float]) -> float:
        return median([x / y for x, y in zip(a, b, strict=True)])

    no_save = [x - y for x, y in zip(ours["script"], ours["save"], strict=True)]
    return {
        "clicks": len(ours["run"]),
        "ours_script_s": median(ours["script"]),
        "ours_save_s": median(ours["save"]),
        "ours_script_no_save_s": median(no_save),
        "same_script_s": median(same["script"]),
        "empty_script_s": median(empty["script"]),
        "ours_run_s": median(ours["run"]),
        "same_run_s": median(same["run"]),
        "empty_run_s": median(empty["run"]),
        # ratios of medians, and medians of the per-click ratios (paired clicks, same run)
        "ratio_script": median(ours["script"]) / median(empty["script"]),
        "ratio_run": median(ours["run"]) / median(empty["run"]),
        "ratio_run_paired": paired(ours["run"], empty["run"]),
        "same_ratio_script": median(ours["script"]) / median(same["script"]),
        "same_ratio_run": median(ours["run"]) / median(same["run"]),
        "same_ratio_run_paired": paired(ours["run"], same["run"]),
        "same_ratio_script_paired": paired(ours["script"], same["script"]),
        "same_ratio_script_no_save_paired": paired(no_save, same["script"]),
    }


if __name__ == "__main__":
    emit({"section": "clicks", **run(int(sys.argv[1]) if len(sys.argv) > 1 else 6)})
