"""Nothing lost (issue 11, items 1 and 2): in a real browser, the first input after the server
restarted is kept (or the user is told plainly that a click was not carried out), and the
answer on the screen survives a reload before Next was pressed."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from compliance_app.dossier.answers import parse
from e2e.browser import Wizard, country_label, new_page
from testkit.server import run_app

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
MISSED = "your last click was not carried out"
CONNECTION = (
    "(want) => document.querySelector('[data-testid=\"stApp\"]')"
    "?.getAttribute('data-test-connection-state') === want"
)


def connection(w: Wizard, state: str) -> None:
    w.page.wait_for_function(f"({CONNECTION})", arg=state, timeout=60_000)


@contextlib.contextmanager
def server(work: Path, port: int | None = None):
    with run_app(work, port=port) as a:
        yield a


def restart(w: Wizard, stack: contextlib.ExitStack, work: Path, port: int) -> None:
    """Stop the server under the open tab (SIGTERM), wait until the tab notices, start it
    again on the same port and data folder, and wait until the tab is connected again."""
    stack.close()
    w.page.wait_for_function(f"!({CONNECTION})('CONNECTED')", timeout=60_000)
    stack.enter_context(server(work, port))
    connection(w, "CONNECTED")


def selected_radio(w: Wizard) -> str | None:
    group = w.main().get_by_role("radiogroup", name="Choose one")
    for radio in group.get_by_role("radio").all():
        if radio.is_checked():
            return radio.evaluate("r => r.closest('label').innerText").strip()
    return None


def test_the_first_input_after_a_restart_is_kept(browser, ruleset, tmp_path):
    work = tmp_path / "app"
    stack = contextlib.ExitStack()
    a = stack.enter_context(server(work))
    w = Wizard(new_page(browser, a.url), ruleset)
    try:
        w.open()
        w.start("Restart Test SA")
        assert w.step().id == "m1_country"
        w.page.wait_for_url(re.compile(r"[?&]draft="))

        # the country picker: restart, then choose a country and press Next
        restart(w, stack, work, a.port)
        w.answer(ruleset.steps["m1_country"], "LU")
        owned = ruleset.steps["m1_us_owned"]
        assert w.step().id == owned.id, w.main().inner_text()[:300]

        # a radio button: restart, then choose and press Next
        restart(w, stack, work, a.port)
        w.answer(owned, "not_us_owned")
        third = w.step()
        assert third.id not in ("m1_country", owned.id)
        w.click("Back")
        assert selected_radio(w) == owned.label_of("not_us_owned")

        # the first input is the click on Next itself: told plainly, the answer on screen kept
        w.set_answer(owned, "controlled")
        restart(w, stack, work, a.port)
        w.click("Next")
        text = w.main().inner_text()
        assert MISSED in text
        assert w.step().id == owned.id and selected_radio(w) == owned.label_of("controlled")
        w.click("Next")
        assert MISSED not in w.main().inner_text()
        assert w.step().id != owned.id
        w.click("Back")
        assert selected_radio(w) == owned.label_of("controlled")

        # a text answer typed after a restart, then Next (the issue's own words)
        answers = parse(PAYLOAD.read_bytes()).answers
        w.click("Next")
        while w.step().type != "text":
            w.answer(w.step(), answers[w.step().id])
        text_step = w.step()
        restart(w, stack, work, a.port)
        area = w.main().get_by_label("Your answer (optional)", exact=True)
        area.fill("Typed after the restart")
        w.click("Next")
        if MISSED in w.main().inner_text():  # blur and click reached the server together
            assert area.input_value() == "Typed after the restart"
            w.click("Next")
        assert w.step().id != text_step.id
        w.click("Back")
        area = w.main().get_by_label("Your answer (optional)", exact=True)
        assert area.input_value() == "Typed after the restart"
    finally:
        w.page.context.close()
        stack.close()


def test_the_answer_on_screen_survives_a_reload(wizard, ruleset):
    w = wizard
    answers = parse(PAYLOAD.read_bytes()).answers
    w.open()
    w.start("Reload Screen GmbH")
    for _ in range(10):
        step = w.step()
        if step.type == "countries":
            break
        w.answer(step, answers[step.id])
    step = w.step()
    assert step.type == "countries"
    chosen = ["IN", "JP", "NO"]
    w.set_answer(step, chosen)
    w.page.wait_for_url(re.compile(r"[?&]draft="))

    w.page.reload()
    w.wait_run(0)
    w.page.get_by_role("heading", name=step.question.en).wait_for()
    box = w.main().get_by_test_id("stMultiSelect")
    removes = box.get_by_role("button", name=re.compile("^Remove "))
    removes.first.wait_for()
    shown = sorted(str(b.get_attribute("aria-label"))[len("Remove ") :] for b in removes.all())
    assert shown == sorted(country_label(c) for c in chosen)

    # not an answer until Next: then it is one
    w.click("Next")
    assert w.step().id != step.id
    w.click("Back")
    removes = (
        w.main().get_by_test_id("stMultiSelect").get_by_role("button", name=re.compile("^Remove "))
    )
    assert removes.count() == 3
