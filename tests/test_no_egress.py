"""The running app opens no outbound network connection.

The real server (``streamlit run`` on 127.0.0.1) is started with a ``sitecustomize.py`` on its
``PYTHONPATH`` that installs an audit hook (``sys.addaudithook``) logging every
``socket.connect``, ``socket.sendto``, ``socket.getaddrinfo``, ``socket.gethostbyname``,
``http.client.connect`` and ``urllib.Request`` event, with its address, to a file. An
assessment is then walked (in Chromium when it is installed, else over the websocket as a
browser would), the PDF and answers file downloaded, an answers file uploaded and the data
deleted; every address in the log must be loopback (127.0.0.0/8, ::1, localhost) or a Unix
socket. The browser is launched with its background networking off; the test is about the
app server.
"""

from __future__ import annotations

import ipaddress
import json
import textwrap
from pathlib import Path

import pytest
from e2e.browser import missing_reason

from compliance_app.dossier.answers import parse
from testkit.server import ROOT, run_app
from testkit.wsclient import Session

PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
TAA = ROOT / "examples" / "taa_technical_data.yaml"

SITECUSTOMIZE = textwrap.dedent(
    '''
    """Audit hook of tests/test_no_egress.py: logs every network event of this process."""
    import json, os, socket, sys

    _fd = os.open(os.environ["NO_EGRESS_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    _EVENTS = {
        "socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1,
        "socket.getaddrinfo": 0, "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0,
        "socket.gethostbyaddr": 0, "socket.getnameinfo": 0,
        "http.client.connect": None, "urllib.Request": 0,
        "ftplib.connect": None, "smtplib.connect": None, "webbrowser.open": 0,
    }

    def _plain(x):
        if isinstance(x, (str, int, float, type(None))):
            return x
        if isinstance(x, bytes):
            return x.decode("latin-1")
        if isinstance(x, (tuple, list)):
            return [_plain(y) for y in x]
        return repr(x)

    def _hook(event, args):
        if event not in _EVENTS:
            return
        try:
            i = _EVENTS[event]
            if event == "http.client.connect":
                addr = [args[1], args[2]]
            elif event in ("ftplib.connect", "smtplib.connect"):
                addr = [args[1], args[2]]
            elif event == "urllib.Request":
                addr = args[0]
            else:
                addr = _plain(args[i])
            family = None
            if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
                family = int(args[0].family)
                if event == "socket.sendmsg" and args[1] is None:
                    return  # a connected socket: its connect was logged
            line = json.dumps({"event": event, "addr": _plain(addr), "family": family})
            os.write(_fd, (line + "\\n").encode())
        except Exception as exc:  # never break the app; the test sees the failure
            os.write(_fd, (json.dumps({"event": "hook-error", "addr": repr(exc)}) + "\\n").encode())

    sys.addaudithook(_hook)
    os.write(_fd, (json.dumps({"event": "installed", "addr": os.getpid()}) + "\\n").encode())
    # control events: prove that the hook records lookups and connections
    socket.getaddrinfo("127.0.0.1", 9)
    with socket.socket() as _s:
        try:
            _s.connect(("127.0.0.1", 9))
        except OSError:
            pass
    '''
)


def loopback(host: object) -> bool:
    if host in (None, "", "localhost", "localhost.", "ip6-localhost"):
        return True
    text = str(host).strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(text).is_loopback or text in ("0.0.0.0", "::")  # noqa: S104
    except ValueError:
        return text.endswith(".localhost")


def outbound(entry: dict) -> bool:
    """True when the logged event reaches outside this machine."""
    event, addr, family = entry["event"], entry["addr"], entry.get("family")
    if event in ("installed",):
        return False
    if event == "hook-error":
        return True
    if family == 1:  # AF_UNIX
        return False
    if event == "urllib.Request":
        from urllib.parse import urlsplit

        return not loopback(urlsplit(str(addr)).hostname)
    host = addr[0] if isinstance(addr, list) else addr
    return not loopback(host)


def walk_in_browser(app, tmp_path) -> None:
    from e2e.browser import Wizard, launch, new_page

    from compliance_app.rulebase.loader import cached_ruleset

    rs = cached_ruleset()
    answers = parse(PAYLOAD.read_bytes()).answers
    b = launch()
    try:
        w = Wizard(new_page(b, app.url), rs)
        w.open()
        w.start("No Egress S.A.")
        while (step := w.step()) is not None:
            w.answer(step, answers[step.id])
        w.click("See results")
        for label in ("Download the report (PDF)", "Save progress (download answers file)"):
            with w.page.expect_download() as info:
                w.main().get_by_role("button", name=label, exact=True).click()
            assert Path(info.value.path()).stat().st_size > 0
        w.page.get_by_role("button", name="Delete my data").click()
        w.page.get_by_text("were deleted from the server").wait_for()
        w.open()
        region = w.main().get_by_role(
            "region", name="Upload a PDF report of this tool or an answers file to continue"
        )
        w.act(lambda: region.locator("input[type=file]").set_input_files(str(TAA)))
        w.page.get_by_role("heading", name="Check your answers").wait_for()
    finally:
        b.close()


def walk_over_websocket(app) -> None:
    from compliance_app.rulebase.loader import cached_ruleset

    s = Session(app.port)
    try:
        got = s.walk(cached_ruleset(), parse(PAYLOAD.read_bytes()).answers, "No Egress S.A.")
        assert got["Download the report (PDF)"].startswith(b"%PDF")
    finally:
        s.close()


@pytest.fixture(scope="module")
def audit_log(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("no-egress")
    hook_dir = tmp / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp / "net.log"
    env = {"PYTHONPATH": f"{hook_dir}:{ROOT}", "NO_EGRESS_LOG": str(log)}
    with run_app(tmp, extra_env=env) as app:
        if missing_reason() is None:
            walk_in_browser(app, tmp)
        else:
            walk_over_websocket(app)
        assert app.proc.poll() is None, app.log_text()
        pid = app.proc.pid
    return pid, [json.loads(line) for line in log.read_text().splitlines()]


def test_the_audit_hook_was_live_in_the_server(audit_log):
    pid, log = audit_log
    assert {"event": "installed", "addr": pid} in log, log[:5]
    assert {"event": "socket.getaddrinfo", "addr": "127.0.0.1", "family": None} in log
    assert {"event": "socket.connect", "addr": ["127.0.0.1", 9], "family": 2} in log


def test_no_connection_leaves_the_machine(audit_log):
    _pid, audit_log = audit_log
    assert not [e for e in audit_log if e["event"] == "hook-error"]
    out = [e for e in audit_log if outbound(e)]
    assert out == [], f"outbound network events from the app server: {out}"


def test_loopback_check_itself():
    assert loopback("127.0.0.1") and loopback("::1") and loopback("localhost")
    assert loopback("127.3.2.1") and loopback(None)
    assert not loopback("8.8.8.8") and not loopback("example.com") and not loopback("10.0.0.1")
    assert outbound({"event": "socket.connect", "addr": ["1.2.3.4", 443], "family": 2})
    assert not outbound({"event": "socket.connect", "addr": "/run/x.sock", "family": 1})
    assert outbound({"event": "urllib.Request", "addr": "https://pypi.org/x", "family": None})
