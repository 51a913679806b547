"""Helpers shared by the benchmark sections: statistics, a local Streamlit server and a client."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
EMPTY_APP = ROOT / "bench" / "empty_app.py"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
HOST = "127.0.0.1"  # loopback only, never another address


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def pct(xs: list[float], p: float) -> float:
    """Percentile ``p`` (0-100), nearest-rank on the sorted values."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def emit(data: dict) -> None:
    """A section prints its result as one JSON line on stdout (read by ``bench.run``)."""
    print("BENCH-RESULT " + json.dumps(data), flush=True)


def app_env() -> dict[str, str]:
    """Environment for the app: the real rule base (COMPLIANCE_RULES_DIR unset) and a draft
    database of its own (SQLite in a new temporary folder, as on a fresh install)."""
    env = dict(os.environ)
    env.pop("COMPLIANCE_RULES_DIR", None)
    env.pop("COMPLIANCE_DB_URL", None)
    env["COMPLIANCE_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-drafts-")
    env["PYTHONPATH"] = str(ROOT)
    return env


def private_drafts() -> None:
    """In-process app runs save drafts to a new temporary SQLite database, never the user's."""
    os.environ.pop("COMPLIANCE_DB_URL", None)
    os.environ["COMPLIANCE_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-drafts-")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def streamlit_cmd(app: Path, port: int) -> list[str]:
    exe = Path(sys.executable).with_name("streamlit")
    return [
        str(exe), "run", str(app),
        "--server.headless", "true",
        "--server.address", HOST,
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip


@contextlib.contextmanager
def server(
    app: Path = APP, timeout: float = 60.0, extra: Sequence[str] = ()
) -> Iterator[tuple[subprocess.Popen, int, float]]:
    """Start ``streamlit run app`` on a free loopback port (``extra``: more options, e.g.
    ``--runner.postScriptGC false``).

    Yields (process, port, seconds until the health endpoint answers).
    """
    import requests

    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603
        [*streamlit_cmd(app, port), *extra],
        cwd=ROOT,
        env=app_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = t0 + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            try:
                if requests.get(f"http://{HOST}:{port}/_stcore/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.perf_counter() > deadline:
                raise TimeoutError("streamlit did not become healthy")
            time.sleep(0.02)
        yield proc, port, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Session:
    """One browser session over Streamlit's websocket protocol (what the browser sends).

    ``rerun(states)`` sends a rerun request with the given widget states and returns the
    seconds until the server reports the script run finished, plus the element tree drawn.
    """

    def __init__(self, port: int) -> None:
        from websockets.sync.client import connect

        self.ws = connect(
            f"ws://{HOST}:{port}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            max_size=None,
            open_timeout=60,
        )

    def rerun(self, states=None):  # -> tuple[float, ElementTree]
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.testing.v1.element_tree import parse_tree_from_messages

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if states is not None:
            msg.rerun_script.widget_states.CopyFrom(states)
        t = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        deltas = []
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(self.ws.recv(timeout=120))
            kind = fm.WhichOneof("type")
            if kind == "delta":
                deltas.append(fm)
            elif kind == "script_finished":
                elapsed = time.perf_counter() - t
                return elapsed, parse_tree_from_messages(deltas)

    def close(self) -> None:
        self.ws.close()


def answer_states(tree, ruleset, step_id: str, value, country_names: dict[str, str]):
    """The widget states a browser sends for answering ``step_id`` with ``value`` and Next.

    Widget values go over the wire as the labels the page shows (radio, selectbox,
    multiselect), or as bool / number / text.
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

    from compliance_app import ui_state as ui

    step = ruleset.steps[step_id]
    names = {**country_names, "idk": "I don't know"}
    out: list[WidgetState] = []

    def ws(key: str, kind: str) -> WidgetState:
        w = WidgetState()
        w.id = tree.get(kind)[[e.key for e in tree.get(kind)].index(key)].id
        out.append(w)
        return w

    key = ui.widget_key(step_id)
    if step.type in ("yes_no", "yes_no_unknown", "one"):
        ws(key, "radio").string_value = step.label_of(value)
    elif step.type == "many":
        for v in step.option_values():
            ws(ui.widget_key(step_id, v), "checkbox").bool_value = v in value
    elif step.type == "country":
        ws(key, "selectbox").string_value = names[value]
    elif step.type == "countries":
        ws(key, "multiselect").string_array_value.data[:] = [names[v] for v in value]
    elif step.type == "number":
        if value == "idk":
            ws(ui.widget_key(step_id, "idk"), "checkbox").bool_value = True
        else:
            ws(key, "number_input").double_value = float(value)
    else:
        ws(key, "text_area").string_value = value
    ws("next", "button").trigger_value = True
    return WidgetStates(widgets=out)


def start_states(tree, name: str = "Bench S.A."):
    """Start page: the company name (the only required field), then "Start"."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

    def wid(kind: str, key: str) -> str:
        return next(e.id for e in tree.get(kind) if e.key == key)

    a = WidgetState(id=wid("text_input", "company_name"), string_value=name)
    c = WidgetState(id=wid("button", "start"), trigger_value=True)
    return WidgetStates(widgets=[a, c])
