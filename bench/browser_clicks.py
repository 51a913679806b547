"""Per click in a real browser: headless Chromium (Debian's /usr/bin/chromium, Playwright)
clicks Next on our app and on the same-elements page (bench/same_app.py), side by side.

Two real servers on 127.0.0.1 (``streamlit run``, the project's config; ours saves its drafts
to a new SQLite file). One page of each in one browser; our page walks the payload example,
the same-elements page gets the same answer in the same widget, and their Next clicks
alternate. A click is timed in the page: from the click event on Next (capture phase) to the
moment the next question is drawn: its heading is in the page and the script run has
finished (``data-test-script-state`` back to ``notRunning``), seen by a MutationObserver.
Setting the answer is not timed.

Usage: python -m bench.browser_clicks [WALKS]   (default 3; prints one BENCH-RESULT line)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.common import PAYLOAD, ROOT, emit, median, pct
from compliance_app.dossier.answers import parse
from compliance_app.engine.evaluation import walk
from compliance_app.rulebase.loader import cached_ruleset
from testkit.server import run_app

sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers of the end-to-end tests
from e2e.browser import Wizard, launch, missing_reason, new_page  # noqa: E402

SAME_APP = ROOT / "bench" / "same_app.py"
REVIEW_TITLE = "Check your answers"

WATCH = """
(() => {
  window.__clickAt = 0; window.__drawnAt = 0; window.__expect = null;
  document.addEventListener('click', (e) => {
    const b = e.target.closest && e.target.closest('button');
    if (b && b.innerText.trim() === 'Next') { window.__clickAt = performance.now();
                                              window.__drawnAt = 0; }
  }, true);
  const check = () => {
    if (!window.__clickAt || window.__drawnAt || window.__expect === null) return;
    const app = document.querySelector('[data-testid="stApp"]');
    const h = document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] h2');
    if (app && h && h.innerText.trim() === window.__expect
        && app.getAttribute('data-test-script-state') === 'notRunning') {
      window.__drawnAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
                                                 characterData: true, attributes: true});
})();
"""


def timed_next(w: Wizard, expect: str) -> float:
    """Click Next; seconds until ``expect`` is the heading and the run has finished."""
    w.page.evaluate("(e) => { window.__expect = e; }", expect)
    w.click("Next")
    w.page.wait_for_function("window.__drawnAt > window.__clickAt", timeout=30_000)
    return w.page.evaluate("window.__drawnAt - window.__clickAt") / 1000


def run(walks: int = 3) -> dict:
    reason = missing_reason()
    if reason:
        return {"skipped": reason}
    rs = cached_ruleset()
    answers = dict(parse(PAYLOAD.read_bytes()).answers)
    path = walk(rs, answers)[0]
    questions = [rs.steps[s].question.en for s in path]
    ours: list[float] = []
    same: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp,
        run_app(Path(tmp) / "ours") as app,
        run_app(Path(tmp) / "same", app=SAME_APP) as ref,
    ):
        browser = launch()
        try:
            for _ in range(walks):
                a = Wizard(new_page(browser, app.url), rs)
                b = Wizard(new_page(browser, ref.url), rs)
                for w in (a, b):
                    w.page.context.add_init_script(WATCH)
                a.open()
                a.start("Bench Browser S.A.")
                b.open()
                for i, step_id in enumerate(path):
                    nxt = questions[i + 1] if i + 1 < len(path) else REVIEW_TITLE
                    wraps = questions[(i + 1) % len(path)]  # the same page starts again
                    for w, out, expect in ((a, ours, nxt), (b, same, wraps)):
                        assert w.heading() == questions[i], (w.heading(), questions[i])
                        w.set_answer(rs.steps[step_id], answers[step_id])
                        w.settle()
                        out.append(timed_next(w, expect))
                for w in (a, b):
                    w.page.context.close()
        finally:
            browser.close()
    return {
        "clicks": len(ours),
        "ours_p50_s": median(ours),
        "ours_p95_s": pct(ours, 95),
        "same_p50_s": median(same),
        "same_p95_s": pct(same, 95),
        "ratio_p50": median(ours) / median(same),
        "ratio_p95": pct(ours, 95) / pct(same, 95),
        "ratio_paired": median([x / y for x, y in zip(ours, same, strict=True)]),
    }


if __name__ == "__main__":
    emit({"section": "browser_clicks", **run(int(sys.argv[1]) if len(sys.argv) > 1 else 3)})
