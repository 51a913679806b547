"""Capacity: how many simultaneous users 1 and 2 app processes behind the proxy hold with the
95th-percentile click under 0.3 s, at a realistic think time.

For each number of processes and each number of users: the cluster of ``deploy/`` is started
with its own command (``deploy/run.sh start N``: HAProxy on 127.0.0.1, N app processes, drafts
in PostgreSQL, a fresh schema per level), then ``bench.loadgen`` runs as a separate process
with that many users (think time 5-20 s, arriving over the ramp; clicks counted in the window
after it); the server CPU of each app process and the machine's load average are recorded,
then ``deploy/run.sh stop``. Nothing is asserted; results go to stdout as one line.

Usage (bounded: at most 2000 users, ramp + window + 2 minutes per level, 127.0.0.1 only):

    python -m bench.capacity --procs 1 --users 100 200 300 --db-url postgresql+psycopg://...
    python -m bench.capacity --procs 2 --users 200 400 --ramp 60 --window 180

Without ``--db-url`` (or ``$COMPLIANCE_TEST_PG_URL``) a throwaway PostgreSQL is started
(``testkit.pg``; it runs with fsync off, which flatters the saves: say so when reporting).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.common import ROOT, emit
from testkit import pg
from testkit.cluster import run_cluster


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system
    return total


def postgres_cpu(db_url: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL server of ``db_url`` (the process listening on its port
    and its children: the connections), by pid."""
    from sqlalchemy.engine import make_url

    port = make_url(db_url).port or 5432
    out: dict[int, float] = {}
    with contextlib.suppress(psutil.Error):
        for conn in psutil.net_connections("tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                server = psutil.Process(conn.pid)
                for p in [server, *server.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        t = p.cpu_times()
                        out[p.pid] = t.user + t.system
    return out


def machine_busy(before, after) -> float:
    """Share of the machine's CPU time (all cores) that was not idle between two samples."""
    idle = (after.idle + after.iowait) - (before.idle + before.iowait)
    total = sum(after) - sum(before)
    return round(1 - idle / total, 3) if total else 0.0


def level(db_url: str, procs: int, users: int, args) -> dict:
    with (
        tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp,
        pg.schema(db_url) as url,
        run_cluster(Path(tmp), procs, url) as c,
    ):
        pids = [c.pid(f"app{i}") for i in range(1, procs + 1)]
        load_before = loadavg()
        machine0 = psutil.cpu_times()
        proxy0, pg0 = cpu_seconds([c.pid("haproxy")]), postgres_cpu(db_url)
        cpu0, t0 = cpu_seconds(pids), time.monotonic()
        cmd = [
            sys.executable, "-m", "bench.loadgen", str(c.port), str(users),
            "--think", str(args.think[0]), str(args.think[1]),
            "--ramp", str(args.ramp), "--window", str(args.window),
        ]  # fmt: skip
        out = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=args.ramp + args.window + 120,
            check=False,
        )
        cpu1, t1 = cpu_seconds(pids), time.monotonic()
        proxy1, pg1 = cpu_seconds([c.pid("haproxy")]), postgres_cpu(db_url)
        machine = machine_busy(machine0, psutil.cpu_times())
        load_after = loadavg()
        lines = [x for x in out.stdout.splitlines() if x.startswith("BENCH-RESULT ")]
        if not lines:
            raise RuntimeError(f"loadgen failed:\n{out.stderr[-3000:]}")
        result = json.loads(lines[-1][len("BENCH-RESULT ") :])
        logs = "".join(c.log(f"app{i}") for i in range(1, procs + 1))
    result.pop("section", None)
    return {
        "procs": procs,
        **result,
        "server_cpu_s": round(cpu1 - cpu0, 1),
        "server_cpu_share": round((cpu1 - cpu0) / (t1 - t0) / procs, 3),
        "haproxy_cpu_s": round(proxy1 - proxy0, 1),
        "postgres_cpu_s": round(sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items()), 1),
        "machine_busy": machine,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "server_tracebacks": logs.count("Traceback"),
    }


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.capacity")
    p.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    p.add_argument("--users", type=int, nargs="+", required=True)
    p.add_argument("--think", type=float, nargs=2, default=(5.0, 20.0))
    p.add_argument("--ramp", type=float, default=60.0)
    p.add_argument("--window", type=float, default=180.0)
    p.add_argument("--db-url", default=os.environ.get("COMPLIANCE_TEST_PG_URL"))
    a = p.parse_args(argv)
    if max(a.users) > 2000 or a.ramp + a.window > 900:
        raise SystemExit("bounded: at most 2000 users and 15 minutes per level")
    with contextlib.ExitStack() as stack:
        db_url = a.db_url or stack.enter_context(pg.postgres_url())
        for procs in a.procs:
            for users in a.users:
                r = level(db_url, procs, users, a)
                emit({"section": "capacity", **r})


if __name__ == "__main__":
    main(sys.argv[1:])
