"""The cluster of ``deploy/`` in a real browser: HAProxy on 127.0.0.1, two app processes,
drafts in PostgreSQL, started with ``deploy/run.sh start 2`` and stopped with
``deploy/run.sh stop``.

* Failover: a browser walks part of an assessment through the proxy; the app process serving
  it is killed (SIGKILL); the browser reconnects through the proxy to the other process and
  resumes its draft (``?draft=``) at the same question with every confirmed answer; a second
  browser on the surviving process never notices (same WebSocket, no extra run).
* Rolling restart (``deploy/run.sh restart``): both processes, one after the other; both
  browsers resume and finish with every answer.

Skipped, with the reason, when HAProxy or PostgreSQL is not installed; under ``CI=true`` (where
``.ci/run`` installs both) a missing one is a failure. Every connection is to 127.0.0.1; each
test starts at most two app processes, one proxy and two browser contexts.
"""

from __future__ import annotations

import http.client
import os
import re
from pathlib import Path

import pytest

from compliance_app.dossier.answers import parse
from e2e.browser import Wizard, canonical, new_page
from testkit import cluster as cl
from testkit import pg

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
SAVE_LABEL = "Save progress (download answers file)"
DRAFT = re.compile(r"[?&]draft=([A-Za-z0-9_-]{32})")


def _missing() -> str | None:
    return cl.missing_reason() or pg.missing_reason()


@pytest.fixture(scope="module")
def db_url():
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the cluster test cannot run: {reason}")
        pytest.skip(reason)
    with pg.postgres_url() as url:
        yield url


@pytest.fixture
def cluster(db_url, tmp_path):
    with pg.schema(db_url) as url, cl.run_cluster(tmp_path, 2, url) as c:
        yield c
        logs = c.log("app1") + c.log("app2")
        assert "Traceback" not in logs, logs[-3000:]
    assert c.listening() == [], "deploy/run.sh stop left something listening"


@pytest.fixture(scope="module")
def answers() -> dict:
    return dict(parse(PAYLOAD.read_bytes()).answers)


class Tab(Wizard):
    """A user in their own browser context, counting the WebSockets the page opens."""

    def __init__(self, browser, url: str, ruleset, server: str | None = None) -> None:
        page = new_page(browser, url)
        if server is not None:  # placed on this app process, as an earlier visit would be
            page.context.add_cookies([{"name": cl.COOKIE, "value": server, "url": url}])
        super().__init__(page, ruleset)
        self.sockets: list[object] = []
        page.on("websocket", lambda ws: self.sockets.append(ws))

    def server(self) -> str | None:
        """The app process the proxy keeps this browser on (its SERVERID cookie)."""
        cookies = self.page.context.cookies()
        return next((c["value"] for c in cookies if c["name"] == cl.COOKIE), None)

    def draft(self) -> str:
        self.page.wait_for_url(DRAFT)
        return DRAFT.search(self.page.url).group(1)

    def walk(self, answers: dict, count: int) -> list[str]:
        done = []
        for _ in range(count):
            step = self.step()
            assert step is not None, self.heading()
            self.answer(step, answers[step.id])
            done.append(step.id)
        return done

    def finish(self, answers: dict) -> dict:
        """Answer the remaining questions; return the downloaded answers file."""
        for _ in range(60):
            step = self.step()
            if step is None:
                break
            self.answer(step, answers[step.id])
        assert self.heading() == "Check your answers", self.heading()
        with self.page.expect_download() as info:
            self.main().get_by_role("button", name=SAVE_LABEL, exact=True).click()
        return {"file": parse(Path(info.value.path()).read_bytes())}

    def resumed(self, runs_before: int) -> None:
        """Wait for the run the page makes once it is connected again, and for its widgets."""
        self.wait_run(runs_before)
        self.settle()

    def close(self) -> None:
        self.page.context.close()


def other(server: str) -> str:
    return "app2" if server == "app1" else "app1"


def test_failover_resumes_on_the_other_process(cluster, browser, ruleset, answers):
    a = Tab(browser, cluster.url, ruleset)
    try:
        a.open()
        a.start("Failover Alpha S.A.")
        a.walk(answers, 5)
        here = a.step()
        draft = a.draft()
        victim = a.server()
        assert victim in ("app1", "app2"), "the proxy set no SERVERID cookie"

        b = Tab(browser, cluster.url, ruleset, server=other(victim))
        try:
            b.open()
            b.start("Survivor Beta GmbH")
            b.walk(answers, 3)
            b_here = b.step()
            assert b.server() == other(victim)
            b_runs, b_sockets = b.runs(), len(b.sockets)

            a_runs = a.runs()
            cluster.kill(victim)  # SIGKILL: no goodbye to the browser
            a.resumed(a_runs)
            a.page.get_by_role("heading", name=here.question.en).wait_for()
            assert a.step().id == here.id
            assert a.server() == other(victim), "the browser did not move to the other process"
            assert a.draft() == draft
            assert len(a.sockets) >= 2

            # the second browser never noticed: same WebSocket, no run it did not ask for
            assert len(b.sockets) == b_sockets
            assert not b.sockets[-1].is_closed()
            assert b.runs() == b_runs
            assert b.step().id == b_here.id

            got_a = a.finish(answers)["file"]
            assert got_a.company.name == "Failover Alpha S.A."
            assert canonical(ruleset, got_a.answers) == canonical(ruleset, answers)
            got_b = b.finish(answers)["file"]
            assert got_b.company.name == "Survivor Beta GmbH"
            assert canonical(ruleset, got_b.answers) == canonical(ruleset, answers)
            assert len(b.sockets) == b_sockets
        finally:
            b.close()
    finally:
        a.close()
    log = cluster.log("haproxy")
    assert "draft=" not in log and draft not in log, "the proxy logged the draft link"
    assert f"apps/{other(victim)}" in log
    # a body over the app's upload cap is refused by the proxy before it reaches a process
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
    try:
        conn.putrequest("POST", "/_stcore/upload_file/x/y")
        conn.putheader("Content-Length", str(20_000_000))
        conn.endheaders()
        assert conn.getresponse().status == 413
    finally:
        conn.close()


def test_rolling_restart_loses_nothing(cluster, browser, ruleset, answers):
    tabs = [Tab(browser, cluster.url, ruleset, server=s) for s in ("app1", "app2")]
    try:
        names = ["Rolling One Ltd", "Rolling Two AB"]
        here = []
        for tab, name, count in zip(tabs, names, (4, 7), strict=True):
            tab.open()
            tab.start(name)
            tab.walk(answers, count)
            here.append(tab.step())
        pids = [cluster.pid("app1"), cluster.pid("app2")]
        runs = [t.runs() for t in tabs]

        cluster.run("restart")

        new_pids = [cluster.pid("app1"), cluster.pid("app2")]
        assert all(p != q for p, q in zip(pids, new_pids, strict=True))
        for tab, step, before in zip(tabs, here, runs, strict=True):
            tab.resumed(before)
            tab.page.get_by_role("heading", name=step.question.en).wait_for()
            assert tab.step().id == step.id
            assert len(tab.sockets) >= 2
        for tab, name in zip(tabs, names, strict=True):
            got = tab.finish(answers)["file"]
            assert got.company.name == name
            assert canonical(ruleset, got.answers) == canonical(ruleset, answers)
    finally:
        for tab in tabs:
            tab.close()
