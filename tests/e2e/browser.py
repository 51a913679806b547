"""Drive the wizard in headless Chromium (Debian's ``/usr/bin/chromium``, through Playwright).

No browser is downloaded: Playwright only talks to the system Chromium. The browser is started
with its background networking off, so the only connections it makes are to the app on
127.0.0.1.

Streamlit renders asynchronously: every action that reruns the script is followed by a wait
for the run to finish (the ``data-test-script-state`` attribute of the app root, watched by a
MutationObserver installed in every page), never by a sleep.

The wizard asks a deal's questions once per item, destination or group, with the entry's name
in the heading and an "About: NAME" caption above it (issue 10). :meth:`Wizard.step` finds the
step of a page from the key of its answer widget (Streamlit marks every keyed widget with the
CSS class ``st-key-<key>``; the app keys a step's widgets ``w_<qualified id>``), and checks that
the heading is the step's question with the names shown in the caption. List pages (items,
destinations, people groups) are filled through their add forms, as a user would.
"""

from __future__ import annotations

import atexit
import os
import re
from pathlib import Path

from compliance_app.engine.entries import EMPLOYMENT_LABELS, KIND_LABELS, ROLE_LABELS
from compliance_app.engine.values import normalize
from compliance_app.rulebase.models import LIST_TYPES, UNKNOWN, Ruleset, Step, Text
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
GROUP_IDK = "I don't know (the adviser will ask)"
TIMEOUT_MS = 30_000
ADD_LABEL = {
    "item_list": "Add this item",
    "destination_list": "Add this destination",
    "group_list": "Add this group",
}
CHANGE_PREFIX = "Change or remove: "
ABOUT_PREFIX = "About: "
WIDGET_KEYS_JS = """
(main) => [...main.querySelectorAll('[class*="st-key-w_"]')]
  .flatMap((e) => [...e.classList]).filter((c) => c.startsWith('st-key-w_'))
"""

# Counts the script runs the page has seen finish. The app's websocket is wrapped: every
# message sent (a rerun request) is noted, and every ForwardMsg received whose top-level field 6
# (``script_finished``, a varint) is "finished" (not "finished early for a rerun") counts one
# run. The DOM is read only after the run's last message has been handled and rendered, and
# the elements of the previous page (marked stale during a run) have been removed.
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
    && !app.querySelector('[data-stale="true"]')
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


def qid_of_key_class(css_class: str) -> str:
    """``"st-key-w_m5_us_value-item1-dest2__idk"`` -> ``"m5_us_value@item1+dest2"``.

    Streamlit turns every character of a widget key outside ``[A-Za-z0-9_-]`` into ``-``; the
    app's keys are ``w_<qualified id>`` or ``w_<qualified id>__<part>``, step ids are
    ``[a-z0-9_]`` and qualifiers are ``item1``, ``dest2``, ``home``, ``group3`` joined by
    ``+``."""
    key = css_class.removeprefix("st-key-w_").split("__")[0]
    base, *qualifier = key.split("-")
    return base + ("@" + "+".join(qualifier) if qualifier else "")


def question_pattern(template: str) -> re.Pattern[str]:
    """A question with ``{item}``/``{destination}``/``{group}`` placeholders as a regex whose
    groups are the names the page put in."""
    parts = re.split(r"\{(item|destination|group)\}", template)
    rx = "".join(re.escape(p) if i % 2 == 0 else "(.+)" for i, p in enumerate(parts))
    return re.compile(rf"^{rx}$", re.S)


def canonical(ruleset: Ruleset, answers: dict) -> dict:
    """The answers with every list step's entries as the app stores them (defaults filled in),
    so that a file made by migration and one typed in the browser compare equal."""
    out = dict(answers)
    for key, value in answers.items():
        step = ruleset.steps.get(key)
        if step is not None and step.type in LIST_TYPES:
            out[key] = normalize(step, value)
    return out


def entry_fields(step: Step, entry: dict, item_names: dict[str, str]) -> list[tuple]:
    """What a user fills in the add form of a list page for ``entry`` (an entry dict as
    stored): ``(kind, label, value)`` with kind ``text`` (typed), ``select`` (one option
    label picked) or ``several`` (option labels picked in turn). Fields left at the form's
    default are not touched."""
    out: list[tuple] = [("text", "Name", entry["name"])]

    def countries(codes: list[str]) -> list[str]:
        return [GROUP_IDK if c == UNKNOWN else country_label(c) for c in codes]

    if step.type == "item_list":
        out.append(("select", "Kind", KIND_LABELS[entry["kind"]]))
        if entry.get("rates"):
            rates = "; ".join(f"{c}={v:g}" for c, v in entry["rates"].items())
            label = "Exchange rates to EUR for the bill of materials (optional, e.g. USD=0.86)"
            out.append(("text", label, rates))
        if entry.get("description"):
            label = "Description (optional: part numbers, programme, segment)"
            out.append(("text", label, entry["description"]))
    elif step.type == "destination_list":
        out.append(("select", "Country", country_label(entry["country"])))
        out.append(("select", "Role", ROLE_LABELS[entry.get("role", "customer")]))
        names = [item_names[i] for i in entry.get("items", [])]
        out.append(("several", "Items it receives", names))
    else:
        label = "Citizenships held now or ever (every one, for dual nationals)"
        out.append(("several", label, countries(entry["citizenships"])))
        if entry.get("residences"):
            label = "Countries of permanent residence today"
            out.append(("several", label, countries(entry["residences"])))
        employment = entry.get("employment", "employees")
        out.append(("select", "Employment", EMPLOYMENT_LABELS[employment]))
        if entry.get("people"):
            out.append(("text", "Number of people (optional)", str(entry["people"])))
    return out


class Wizard:
    """One user on one page of the app."""

    def __init__(self, page, ruleset: Ruleset) -> None:
        self.page = page
        self.rs = ruleset
        self.by_question = {s.question.en: s for s in ruleset.steps.values()}
        self.item_names: dict[str, str] = {}
        """Item id -> name, for the "Items it receives" picker (learnt in :meth:`fill_list`)."""
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

    def about(self) -> str:
        """The "About: NAME" caption above a question asked for one entry ("" if none)."""
        caption = (
            self.main()
            .get_by_test_id("stCaptionContainer")
            .filter(has_text=re.compile("^" + ABOUT_PREFIX))
        )
        if not caption.count():
            return ""
        return caption.first.inner_text().strip()[len(ABOUT_PREFIX) :]

    def step(self) -> Step | None:
        """The step of the page shown (None on other pages): for a question asked per entry,
        a copy of the rule-base step with the qualified id (``m3_us_content@item1``) and the
        question as shown, after checking that the heading is the step's question with the
        names of the "About" caption in it."""
        heading = self.heading()
        keys = set(self.main().evaluate(WIDGET_KEYS_JS))
        qids = {qid_of_key_class(k) for k in keys}
        if not qids:  # a list page, or not a question page
            step = self.by_question.get(heading)
            return step if step is not None and step.type in LIST_TYPES else None
        assert len(qids) == 1, f"widgets of several steps on one page: {sorted(qids)}"
        qid = qids.pop()
        base = self.rs.steps[qid.split("@")[0]]
        if qid == base.id:
            assert heading == base.question.en, (qid, heading)
            assert not self.about(), (qid, self.about())
            return base
        about = self.about()
        assert about, f"{qid}: no About caption"
        names = question_pattern(base.question.en).match(heading)
        assert names is not None, (qid, heading)
        for name in names.groups():  # an item staying home reads "Luxembourg (LU)"
            assert name in about, (qid, name, about)
        return base.model_copy(update={"id": qid, "question": Text(en=heading)})

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
                    # a click, then the run: set_checked would read the box before React
                    # has drawn the new state (it is controlled by the run's result)
                    self.act(lambda box=box: box.click(force=True))
                    assert box.is_checked() == (v in value), v
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

    def answer_until(self, stop, answers: dict, most: int = 10) -> Step:  # noqa: ANN001
        """Answer each page from ``answers`` until ``stop(step)`` holds; returns that step."""
        for _ in range(most):
            step = self.step()
            if step is not None and stop(step):
                return step
            self.answer(step, answers[step.id])
        raise AssertionError(f"not reached in {most} pages; on {self.heading()!r}")

    def answer(self, step: Step, value) -> None:
        if step.type in LIST_TYPES:
            self.fill_list(step, value)
        else:
            self.set_answer(step, value)
        self.click("Next")

    # --- list pages (items, destinations, people groups) ----------------------------------

    def entry_names(self) -> list[str]:
        """The names of the entries of the list page shown (from their "Change or remove"
        expanders)."""
        summaries = self.main().get_by_test_id("stExpander").locator("summary")
        texts = [
            t.strip() for t in summaries.get_by_test_id("stMarkdownContainer").all_inner_texts()
        ]
        return [t[len(CHANGE_PREFIX) :] for t in texts if t.startswith(CHANGE_PREFIX)]

    def fill_list(self, step: Step, entries: list[dict]) -> None:
        """Add every entry not yet on the list page, through the add form, in order; an
        entry's ``items`` (item ids) are chosen by the item names in ``self.item_names``."""
        if step.type == "item_list":
            self.item_names.update({e["id"]: e["name"] for e in entries})
        for entry in entries:
            if entry["name"] not in self.entry_names():
                self.add_entry(step, entry)

    def add_form(self):
        return self.main().get_by_test_id("stForm").last

    def add_entry(self, step: Step, entry: dict) -> None:
        """Type and pick one entry's fields into the add form, press its button and check the
        entry was added (its expander is shown, no error)."""
        form = self.add_form()
        for kind, label, value in entry_fields(step, entry, self.item_names):
            if kind == "text":
                form.get_by_label(label, exact=True).fill(value)
            elif kind == "select":
                self.form_pick(form.get_by_role("combobox", name=label, exact=True), value)
            else:  # several
                box = form.get_by_role("combobox", name=label, exact=True)
                for v in value:
                    self.form_pick(box, v)
                self.page.keyboard.press("Escape")
                box.blur()  # a picker shrinks when it loses the focus: move nothing on click
            self.page.get_by_role("listbox").wait_for(state="hidden")
        self.click(ADD_LABEL[step.type])
        self.check_added(entry["name"])

    def check_added(self, name: str) -> None:
        """The entry ``name`` is on the list (its expander is shown) and no error is. Waits
        for the expander or an error: a run that finished just after the click was sent (one
        the page had already asked for) may be mistaken for the click's own run."""
        main = self.main()
        errors = main.get_by_test_id("stAlertContentError")
        summary = main.get_by_test_id("stExpander").locator("summary")
        added = summary.get_by_text(CHANGE_PREFIX + name, exact=True)
        try:
            added.or_(errors).first.wait_for()
        except Exception as exc:  # noqa: BLE001 - reported with the page's text
            raise AssertionError(f"{name!r} was not added: {main.inner_text()[:1500]}") from exc
        self.wait_run(self.runs() - 1)
        assert not errors.count(), errors.all_inner_texts()
        assert name in self.entry_names(), (name, self.entry_names(), main.inner_text()[:1500])

    def form_pick(self, box, label: str) -> None:
        """Choose ``label`` in a picker inside a form (no script run until the form is sent)."""
        box.click()
        box.fill(label.split(" (")[0])
        self.page.get_by_role("option", name=label, exact=True).click()

    def open_entry(self, name: str):
        """Open the "Change or remove: NAME" expander; returns its locator."""
        expander = (
            self.main()
            .get_by_test_id("stExpander")
            .filter(has=self.page.locator("summary", has_text=CHANGE_PREFIX + name))
        )
        summary = expander.locator("summary")
        if expander.locator("details").get_attribute("open") is None:
            summary.click()
        return expander

    def upload_bom(self, name: str, filename: str, data: bytes) -> None:
        """Upload a bill of materials for the item ``name`` (its expander's file uploader)."""
        expander = self.open_entry(name)
        box = expander.locator('[data-testid="stFileUploaderDropzoneInput"]')
        payload = {"name": filename, "mimeType": "text/csv", "buffer": data}
        self.act(lambda: box.set_input_files(files=[payload]))
        self.settle()

    # --- tables --------------------------------------------------------------------------

    def table(self, heading: str | None = None, index: int = 0) -> list[dict[str, str]]:
        """The rows of a table (``st.dataframe``) as dicts, read from the grid's accessible
        table: the one after the h2 ``heading``, or the ``index``-th on the page. Only the
        cells drawn are read (the tables here fit in their frame)."""
        frames = self.main().get_by_test_id("stDataFrame")
        if heading is not None:
            h = self.main().get_by_role("heading", name=heading, exact=True)
            frames = h.locator("xpath=following::*[@data-testid='stDataFrame']")
            index = 0
        grid = frames.nth(index).locator("table[role=grid]")
        grid.wait_for(state="attached")
        rows = [
            [c.text_content() or "" for c in r.locator("th, td").all()]
            for r in grid.locator("tr").all()
        ]
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


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

    def add_entry(self, step: Step, entry: dict) -> None:
        """The add form of a list page by keyboard: Tab to each field, type, pick an option
        with Enter (inside a form nothing runs until the add button is pressed)."""
        form = self.add_form()
        kb = self.page.keyboard
        for kind, label, value in entry_fields(step, entry, self.item_names):
            if kind == "text":
                self.tab_to(form.get_by_label(label, exact=True))
                kb.type(value)  # no Enter: in a form it would send the form
                continue
            box = form.get_by_role("combobox", name=label, exact=True)
            for v in [value] if kind == "select" else value:
                self.tab_to(box)
                kb.type(v.split(" (")[0])
                self.page.get_by_role("option", name=v, exact=True).wait_for()
                kb.press("Enter")
            if kind == "several":
                kb.press("Escape")
        self.click(ADD_LABEL[step.type])
        self.check_added(entry["name"])

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
