"""Drive the wizard in headless Chromium (Debian's ``/usr/bin/chromium``, through Playwright).

No browser is downloaded: Playwright only talks to the system Chromium. The browser is started
with its background networking off, so the only connections it makes are to the app on
127.0.0.1.

Streamlit renders asynchronously: every action that reruns the script is followed by a wait
for the run to finish (the ``data-test-script-state`` attribute of the app root, watched by a
MutationObserver installed in every page), never by a sleep.
"""

from __future__ import annotations

import atexit
import os
import re
from pathlib import Path

from compliance_app.rulebase.models import UNKNOWN, Ruleset, Step
from compliance_app.ui import forms

CHROMIUM = os.environ.get("COMPLIANCE_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
    "--no-default-browser-check",
    "--no-first-run",
    "--no-pings",
    "--metrics-recording-only",
]
IDK = "I don't know"
TIMEOUT_MS = 30_000

# Counts the script runs the page has seen finish. The app's websocket is wrapped: every
# message sent (a rerun request) is noted, and every ForwardMsg received whose top-level field 6
# (``script_finished``, a varint) is "finished" (not "finished early for a rerun") counts one
# run. The DOM is read only after the run's last message has been handled and rendered.
RUN_WATCH = """
(() => {
  window.__runs = 0; window.__sent = 0; window.__lastSend = 0; window.__lastDone = 0;
  const finished = (buf) => {
    const b = new Uint8Array(buf); let i = 0;
    const varint = () => { let r = 0, m = 1, x; do { x = b[i++]; r += (x & 127) * m; m *= 128; }
                           while (x & 128 && i < b.length); return r; };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) { const v = varint(); if (field === 6) return v !== 2; }
      else if (wire === 2) { const n = varint(); i += n; }
      else if (wire === 1) { i += 8; } else if (wire === 5) { i += 4; } else { return false; }
    }
    return false;
  };
  const Native = window.WebSocket;
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (e.data instanceof ArrayBuffer && finished(e.data)) {
          window.__runs += 1; window.__lastDone = performance.now();
        }
      });
    }
    send(data) {
      window.__sent += 1; window.__lastSend = performance.now(); return super.send(data);
    }
  }
  window.WebSocket = Watched;
})();
"""
IDLE_JS = """
(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || window.__runs <= n || window.__lastDone < window.__lastSend) return false;
  return app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && performance.now() - window.__lastDone > 30;
}
"""


def missing_reason() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (install Debian's chromium: scripts/install_browser.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


_PLAYWRIGHT = None


def shared_playwright():
    """One Playwright driver per process (the sync API allows only one at a time), stopped
    when the process exits; every test that needs a browser launches it from this one."""
    global _PLAYWRIGHT
    if _PLAYWRIGHT is None:
        from playwright.sync_api import sync_playwright

        _PLAYWRIGHT = sync_playwright().start()
        atexit.register(_PLAYWRIGHT.stop)
    return _PLAYWRIGHT


def launch(playwright=None):
    """Headless Chromium. Playwright gives every launch a fresh temporary profile
    (user-data-dir), removed when the browser closes."""
    playwright = playwright or shared_playwright()
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
    )


def new_page(browser, base_url: str):
    """A new browser context (own cookies, own Streamlit session) and page on ``base_url``."""
    context = browser.new_context(accept_downloads=True, base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RUN_WATCH)
    return context.new_page()


def country_label(code: str) -> str:
    return forms.country_labels()[code]


def country_search(code: str) -> str:
    """What a user types to find a country: its short name."""
    return country_label(code).split(" (")[0]


class Wizard:
    """One user on one page of the app."""

    def __init__(self, page, ruleset: Ruleset) -> None:
        self.page = page
        self.rs = ruleset
        self.by_question = {s.question.en: s for s in ruleset.steps.values()}
        self.inflight: set[object] = set()
        page.on("request", lambda r: self.inflight.add(r))
        page.on("requestfinished", lambda r: self.inflight.discard(r))
        page.on("requestfailed", lambda r: self.inflight.discard(r))

    # --- waiting -----------------------------------------------------------------------

    def runs(self) -> int:
        return self.page.evaluate("window.__runs")

    def wait_run(self, before: int) -> None:
        """Wait until a script run that started after ``before`` has finished."""
        self.page.wait_for_function(IDLE_JS, arg=before, timeout=TIMEOUT_MS)

    def settle(self, quiet_ms: int = 200) -> None:
        """Wait until no HTTP request (e.g. the code of a widget drawn for the first time,
        which Streamlit loads on demand) has been open for ``quiet_ms``."""
        quiet = 0
        for _ in range(TIMEOUT_MS // 50):
            quiet = quiet + 50 if not self.inflight else 0
            if quiet >= quiet_ms:
                return
            self.page.wait_for_timeout(50)
        raise TimeoutError(f"requests still open: {self.inflight}")

    def act(self, fn) -> None:
        """Do ``fn()`` (something that reruns the app) and wait for the run to finish."""
        n = self.runs()
        fn()
        self.wait_run(n)

    def open(self, path: str = "/") -> None:
        self.page.goto(path)
        self.wait_run(0)
        self.page.locator("h1, h2").first.wait_for()
        self.settle()

    def click(self, name: str, exact: bool = True) -> None:
        button = self.page.get_by_role("button", name=name, exact=exact)
        self.act(button.click)

    # --- reading -----------------------------------------------------------------------

    def main(self):
        return self.page.get_by_role("main")

    def heading(self) -> str:
        """The page heading: the title (h1) or, on a question page, the question (h2)."""
        h = self.main().locator("h1, h2").first
        return h.inner_text().strip()

    def step(self) -> Step | None:
        """The step whose question is the heading (None on other pages)."""
        return self.by_question.get(self.heading())

    # --- answering ---------------------------------------------------------------------

    def start(self, name: str, contact: str = "", title: str = "") -> None:
        for label, text in (
            ("Company name", name),
            ("Contact person (optional)", contact),
            ("Assessment title (optional)", title),
        ):
            if text:
                box = self.main().get_by_label(label, exact=True)
                box.fill(text)
                self.act(lambda box=box: box.press("Enter"))  # commit before the click
        self.click(re.compile(r"^(Start now|Continue)$"), exact=False)

    def set_answer(self, step: Step, value) -> None:
        """Put ``value`` into the step's widget as a user would (mouse and typing)."""
        main = self.main()
        t = step.type
        if t in ("yes_no", "yes_no_unknown", "one"):
            group = main.get_by_role("radiogroup", name="Choose one")
            radio = group.get_by_role("radio", name=step.label_of(value), exact=True)
            if not radio.is_checked():
                self.act(lambda: radio.check(force=True))
        elif t == "many":
            for v in step.option_values():
                box = main.get_by_role("checkbox", name=step.label_of(v), exact=True)
                if box.is_checked() != (v in value):
                    self.act(lambda box=box, on=v in value: box.set_checked(on, force=True))
        elif t == "country":
            label = IDK if value == UNKNOWN else country_label(value)
            box = main.get_by_role("combobox", name=re.compile("^Country"))
            self.pick(box, label)
        elif t == "countries":
            box = main.get_by_role("combobox", name=re.compile("^Countries"))
            for code in value:
                self.pick(box, country_label(code))
            self.page.keyboard.press("Escape")
        elif t == "number":
            idk = main.get_by_role("checkbox", name=IDK, exact=True)
            if value == UNKNOWN:
                if not idk.is_checked():
                    self.act(lambda: idk.check(force=True))
            else:
                box = main.get_by_label(re.compile("^Amount"))
                box.fill(f"{float(value):.2f}")
                self.act(lambda: box.press("Enter"))
        else:
            area = main.get_by_label("Your answer (optional)", exact=True)
            area.fill(value)
            self.act(lambda: area.press("Control+Enter"))

    def pick(self, box, label: str) -> None:
        box.click()
        box.fill(label.split(" (")[0] if label != IDK else IDK)
        option = self.page.get_by_role("option", name=label, exact=True)
        self.act(option.click)

    def answer(self, step: Step, value) -> None:
        self.set_answer(step, value)
        self.click("Next")


# --- keyboard only ---------------------------------------------------------------------------

INPUT_ROLES = {
    "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "radiogroup",
    "spinbutton", "slider", "switch", "button", "menuitem", "option", "tab",
}  # fmt: skip


def unnamed_controls(page) -> list[str]:
    """Every control in the accessibility tree (Chromium's, through CDP) without a name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    out = []
    for n in nodes:
        role = (n.get("role") or {}).get("value")
        if n.get("ignored") or role not in INPUT_ROLES:
            continue
        name = str((n.get("name") or {}).get("value") or "").strip()
        if not name:
            out.append(f"{role} (node {n.get('backendDOMNodeId')})")
    return out


def named_controls(page) -> list[tuple[str, str]]:
    """(role, name) of every control in the accessibility tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [
        ((n.get("role") or {}).get("value"), str((n.get("name") or {}).get("value") or ""))
        for n in nodes
        if not n.get("ignored") and (n.get("role") or {}).get("value") in INPUT_ROLES
    ]


class KeyboardWizard(Wizard):
    """The same user, without a mouse: Tab, Shift+Tab, Space, Enter, arrows and typing."""

    MAX_TABS = 120

    def focused(self, target) -> bool:
        return target.evaluate(
            "e => e === document.activeElement || e.contains(document.activeElement)"
        )

    def tab_to(self, target) -> None:
        """Press Tab until ``target`` (a locator) has the keyboard focus."""
        for _ in range(self.MAX_TABS):
            if self.focused(target):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {target}")

    def key(self, key: str) -> None:
        """Press a key that reruns the app and wait for the run."""
        self.act(lambda: self.page.keyboard.press(key))

    def start(self, name: str, contact: str = "", title: str = "") -> None:
        main = self.main()
        self.tab_to(main.get_by_role("textbox", name="Company name", exact=True))
        self.page.keyboard.type(name)
        self.key("Tab")
        self.tab_to(main.get_by_role("button", name=re.compile(r"^(Start now|Continue)$")))
        self.key("Enter")

    def click(self, name: str, exact: bool = True) -> None:
        self.tab_to(self.main().get_by_role("button", name=name, exact=exact))
        self.key("Enter")

    def pick(self, box, label: str) -> None:
        self.tab_to(box)
        self.page.keyboard.type(label if label == IDK else label.split(", also ")[0])
        self.page.get_by_role("option", name=label, exact=True).wait_for()
        self.key("Enter")

    def set_answer(self, step: Step, value) -> None:
        main = self.main()
        kb = self.page.keyboard
        t = step.type
        if t in ("yes_no", "yes_no_unknown", "one"):
            group = main.get_by_role("radiogroup", name="Choose one")
            radios = group.get_by_role("radio")
            target = step.option_values().index(value)
            self.tab_to(group)
            current = next(i for i in range(radios.count()) if self.focused(radios.nth(i)))
            if current == target and not radios.nth(target).is_checked():
                self.key("Space")
            while current != target:
                self.key("ArrowDown" if current < target else "ArrowUp")
                current += 1 if current < target else -1
            assert radios.nth(target).is_checked()
        elif t == "many":
            for v in step.option_values():
                box = main.get_by_role("checkbox", name=step.label_of(v), exact=True)
                if box.is_checked() != (v in value):
                    self.tab_to(box)
                    self.key("Space")
        elif t == "country":
            label = IDK if value == UNKNOWN else country_label(value)
            self.pick(main.get_by_role("combobox", name=re.compile("^Country")), label)
        elif t == "countries":
            box = main.get_by_role("combobox", name=re.compile("^Countries"))
            for code in value:
                self.pick(box, country_label(code))
            kb.press("Escape")
        elif t == "number":
            idk = main.get_by_role("checkbox", name=IDK, exact=True)
            if value == UNKNOWN:
                if not idk.is_checked():
                    self.tab_to(idk)
                    self.key("Space")
            else:
                self.tab_to(main.get_by_label(re.compile("^Amount")))
                kb.type(f"{float(value):.2f}")
                self.key("Enter")
        else:
            self.tab_to(main.get_by_label("Your answer (optional)", exact=True))
            kb.type(value)
            self.key("Tab")
