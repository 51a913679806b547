"""A browser session without a browser: Streamlit's own websocket protocol (what the page
sends: rerun requests with widget states) on 127.0.0.1, for the soak test and the no-egress
test when Chromium is not there.

``Session.walk(...)`` fills the start page, answers every question from an answers dict, goes
to the results page and downloads the PDF and the answers file from their ``/media/`` URLs.
"""

from __future__ import annotations

import re
import time
import urllib.request

from compliance_app.engine.deal import split
from compliance_app.engine.entries import EMPLOYMENT_LABELS, KIND_LABELS, ROLE_LABELS
from compliance_app.rulebase.models import LIST_TYPES, UNKNOWN, Ruleset
from compliance_app.ui import forms
from compliance_app.ui import state as ui

HOST = "127.0.0.1"
IDK = "I don't know"


class Session:
    def __init__(self, port: int, timeout: float = 120.0) -> None:
        from websockets.sync.client import connect

        self.port = port
        self.timeout = timeout
        self._conn = connect(
            f"ws://{HOST}:{port}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            max_size=None,
            open_timeout=timeout,
        )
        self.ws = self._conn.__enter__()
        self.tree = None
        self.downloads: dict[str, str] = {}  # button label -> /media/ URL
        self.clicks: list[float] = []

    def close(self) -> None:
        self._conn.__exit__(None, None, None)

    def rerun(self, states=None):
        """Send a rerun request; wait for the run to finish; return the element tree."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if states is not None:
            msg.rerun_script.widget_states.CopyFrom(states)
        t = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        deltas = []
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(self.ws.recv(timeout=self.timeout))
            kind = fm.WhichOneof("type")
            if kind == "delta":
                deltas.append(fm)
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    deltas = []
                    continue
                break
        self.clicks.append(time.perf_counter() - t)
        self.downloads = {}
        for fm in deltas:
            el = fm.delta.new_element
            if fm.delta.WhichOneof("type") == "new_element" and el.WhichOneof("type") == (
                "download_button"
            ):
                self.downloads[el.download_button.label] = el.download_button.url
        self.tree = self._page(deltas)
        return self.tree

    def _page(self, deltas):
        from streamlit.testing.v1.element_tree import parse_tree_from_messages

        return parse_tree_from_messages(deltas)

    # --- reading the page ------------------------------------------------------------------

    def texts(self, kind: str) -> list[str]:
        return [e.value for e in self.tree.get(kind)]

    def widget_id(self, kind: str, key: str) -> str:
        for e in self.tree.get(kind):
            if e.key == key:
                return e.id
        raise KeyError(f"no {kind} {key!r} on the page")

    def keys(self) -> list[str]:
        """The keys of the widgets on the page."""
        return [e.key for kind in INPUTS for e in self.tree.get(kind) if e.key]

    def step_id(self, ruleset: Ruleset) -> str | None:
        """The (qualified) id of the question shown: from the answer widget's key
        (``w_m3_us_content@item1``), or for a list page from its heading."""
        for key in self.keys():
            if key.startswith("w_"):
                return key[2:].split("__")[0]
        heads = self.texts("header")
        by_question = {s.question.en: s.id for s in ruleset.steps.values()}
        return by_question.get(heads[0]) if heads else None

    def fetch(self, label: str) -> bytes:
        url = self.downloads[label]
        with urllib.request.urlopen(f"http://{HOST}:{self.port}{url}", timeout=60) as r:  # noqa: S310
            return r.read()

    # --- acting ---------------------------------------------------------------------------

    def click(self, key: str, **values):
        """Set widgets (key -> (kind, value)) and press the button ``key``."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

        out = []
        for wkey, (kind, value) in values.items():
            w = WidgetState(id=self.widget_id(kind, wkey))
            if kind in ("radio", "selectbox"):
                w.string_value = value
            elif kind == "multiselect":
                w.string_array_value.data[:] = value
            elif kind == "checkbox":
                w.bool_value = value
            elif kind == "number_input":
                w.double_value = value
            else:
                w.string_value = value
            out.append(w)
        out.append(WidgetState(id=self.widget_id("button", key), trigger_value=True))
        return self.rerun(WidgetStates(widgets=out))

    def add_entries(self, step_id: str, entries: list[dict]) -> None:
        """Fill and submit the add form of a list page once per entry (as in an answers file;
        ids, bills of materials and rates are left out)."""
        names = {**forms.country_labels(), UNKNOWN: IDK}
        labels = {"kind": KIND_LABELS, "role": ROLE_LABELS, "employment": EMPLOYMENT_LABELS}
        items = {}
        for entry in entries:
            prefix = next(
                k[: -len("_add")]
                for k in self.keys_of("button")
                if re.fullmatch(rf"list_{step_id}_new_\d+_add", k)
            )
            values: dict[str, tuple[str, object]] = {}
            for field, value in entry.items():
                key = f"{prefix}_{field}"
                if field == "name":
                    values[key] = ("text_input", value)
                    items[entry.get("id")] = value
                elif field == "description":
                    values[key] = ("text_area", value)
                elif field in labels:
                    values[key] = ("selectbox", labels[field][value])
                elif field == "country":
                    values[key] = ("selectbox", names[value])
                elif field in ("citizenships", "residences"):
                    values[key] = ("multiselect", [names[v] for v in value])
                elif field == "items":
                    values[key] = ("multiselect", [self.item_names.get(v, v) for v in value])
            self.click(f"{prefix}_add", **values)
        if step_id.endswith("items"):
            self.item_names = {k: v for k, v in items.items() if k}

    item_names: dict[str, str] = {}

    def keys_of(self, kind: str) -> list[str]:
        return [e.key for e in self.tree.get(kind) if e.key]

    def answer(self, ruleset: Ruleset, step_id: str, value):
        step = ruleset.steps[split(step_id)[0]]
        if step.type in LIST_TYPES:
            self.add_entries(step_id, value)
            return self.click("next")
        names = {**forms.country_labels(), UNKNOWN: IDK}
        key = ui.widget_key(step_id)
        t = step.type
        if t in ("yes_no", "yes_no_unknown", "one"):
            values = {key: ("radio", step.label_of(value))}
        elif t == "many":
            values = {
                ui.widget_key(step_id, v): ("checkbox", v in value) for v in step.option_values()
            }
        elif t == "country":
            values = {key: ("selectbox", names[value])}
        elif t == "countries":
            values = {key: ("multiselect", [names[v] for v in value])}
        elif t == "number" and value == UNKNOWN:
            values = {ui.widget_key(step_id, UNKNOWN): ("checkbox", True)}
        elif t == "number":
            values = {key: ("number_input", float(value))}
        else:
            values = {key: ("text_area", value)}
        return self.click("next", **values)

    def walk(self, ruleset: Ruleset, answers: dict, company: str, think=None) -> dict[str, bytes]:
        """A whole assessment: start page, every question, results; returns the downloads
        of the results page (PDF and answers file) by button label."""
        self.rerun()
        self.click("start", company_name=("text_input", company))
        for _ in range(3 * len(ruleset.steps)):
            step_id = self.step_id(ruleset)
            if step_id is None:
                break
            if think:
                think()
            self.answer(ruleset, step_id, answers[step_id])
        if "Check your answers" not in self.texts("title"):
            raise AssertionError(f"walk ended on {self.texts('title')} {self.texts('header')}")
        self.click("see_results")
        if "Results" not in self.texts("title"):
            raise AssertionError(f"no results page: {self.texts('title')}")
        return {label: self.fetch(label) for label in self.downloads}


HEADINGS = {"h1": "title", "h2": "header", "h3": "subheader"}
INPUTS = ("radio", "checkbox", "selectbox", "multiselect", "number_input", "text_area")


class LightSession(Session):
    """The same user, reading only what it needs from each page (headings and the ids of the
    widgets by key) instead of building Streamlit's test element tree: a load generator with
    hundreds of users spends its CPU on the network, not on parsing pages."""

    def _page(self, deltas):
        from streamlit.runtime.state.common import user_key_from_element_id

        texts: dict[str, list[str]] = {}
        ids: dict[tuple[str, str], str] = {}
        for fm in deltas:
            if fm.delta.WhichOneof("type") != "new_element":
                continue
            el = fm.delta.new_element
            kind = el.WhichOneof("type")
            if kind == "heading":
                texts.setdefault(HEADINGS.get(el.heading.tag, "heading"), []).append(
                    el.heading.body
                )
                continue
            proto_id = getattr(getattr(el, kind), "id", "") if kind else ""
            if proto_id:
                key = user_key_from_element_id(proto_id)
                if key is not None:
                    ids[(kind, key)] = proto_id
        return {"texts": texts, "ids": ids}

    def texts(self, kind: str) -> list[str]:
        return list(self.tree["texts"].get(kind, []))

    def keys(self) -> list[str]:
        return [key for kind, key in self.tree["ids"] if kind in INPUTS]

    def keys_of(self, kind: str) -> list[str]:
        return [key for k, key in self.tree["ids"] if k == kind]

    def widget_id(self, kind: str, key: str) -> str:
        try:
            return self.tree["ids"][(kind, key)]
        except KeyError:
            raise KeyError(f"no {kind} {key!r} on the page") from None
