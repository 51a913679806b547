"""Per click: server-side time of one wizard step (answer + Next), ours vs an empty page.

Both apps run in-process with ``streamlit.testing.v1.AppTest``, interleaved click by click in
the same run. Our app walks the payload example (real rule base); the empty page
(bench/empty_app.py) sets its one radio button and clicks Next. Two measures per click:

* ``script``: the script run itself (callbacks + script body), as the server runs it;
* ``run``: the whole ``AppTest.run()`` (script + the framework's delivery of the page).

AppTest builds a new script cache on every run (it recompiles the script each time), which a
real server does not; the bench shares one cache, as the server does.
"""

from __future__ import annotations

import os
import sys
import time

from bench.common import APP, EMPTY_APP, PAYLOAD, emit, median, private_drafts
from testkit.widgets import set_widget


def _patch_apptest() -> dict[str, float]:
    import streamlit.runtime.scriptrunner.script_runner as sr
    import streamlit.testing.v1.local_script_runner as lsr
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    lsr.ScriptCache = lambda: shared  # type: ignore[assignment]
    last: dict[str, float] = {}
    orig = sr.exec_func_with_error_handling

    def timed(func, ctx):
        t = time.perf_counter()
        try:
            return orig(func, ctx)
        finally:
            last["script"] = time.perf_counter() - t

    sr.exec_func_with_error_handling = timed
    return last


def run(walks: int = 6) -> dict:
    os.environ.pop("COMPLIANCE_RULES_DIR", None)
    private_drafts()
    last = _patch_apptest()
    from streamlit.testing.v1 import AppTest

    from compliance_app.dossier.answers import parse
    from compliance_app.rulebase.loader import cached_ruleset
    from compliance_app.ui import state as ui

    ruleset = cached_ruleset()
    answers = parse(PAYLOAD.read_bytes()).answers
    ours = {"script": [], "run": []}
    empty = {"script": [], "run": []}
    e = AppTest.from_file(str(EMPTY_APP), default_timeout=60)
    e.run()
    for _ in range(walks):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        at.text_input(key="company_name").input("Bench S.A.")
        at.button(key="start").click().run()
        while (step_id := ui.page_step(at.session_state["page"])) is not None:
            set_widget(at, ruleset, step_id, answers[step_id])
            at.button(key="next").click()
            t = time.perf_counter()
            at.run()
            ours["run"].append(time.perf_counter() - t)
            ours["script"].append(last["script"])
            if at.exception:
                raise RuntimeError(f"app failed at {step_id}: {at.exception}")
            e.radio(key="q").set_value("yes" if len(empty["run"]) % 2 else "no")
            e.button(key="next").click()
            t = time.perf_counter()
            e.run()
            empty["run"].append(time.perf_counter() - t)
            empty["script"].append(last["script"])
        if at.session_state["page"] != ui.PAGE_REVIEW:
            raise RuntimeError("the walk did not reach the review page")
    return {
        "clicks": len(ours["run"]),
        "ours_script_s": median(ours["script"]),
        "empty_script_s": median(empty["script"]),
        "ours_run_s": median(ours["run"]),
        "empty_run_s": median(empty["run"]),
        # ratio of medians of the paired clicks, measured in the same run
        "ratio_script": median(ours["script"]) / median(empty["script"]),
        "ratio_run": median(ours["run"]) / median(empty["run"]),
        "ratio_run_paired": median([a / b for a, b in zip(ours["run"], empty["run"], strict=True)]),
    }


if __name__ == "__main__":
    emit({"section": "clicks", **run(int(sys.argv[1]) if len(sys.argv) > 1 else 6)})
