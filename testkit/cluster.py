"""The cluster of ``deploy/`` (HAProxy + N app processes + PostgreSQL), started through its own
command, ``deploy/run.sh start N``, on free loopback ports with its state in a temporary
folder, and stopped with ``deploy/run.sh stop``.

Used by the failover test (``tests/e2e/test_e2e_cluster.py``) and the capacity benchmark
(``bench/capacity.py``). Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from testkit.server import HOST, ROOT

RUN_SH = ROOT / "deploy" / "run.sh"
COOKIE = "SERVERID"


def missing_reason() -> str | None:
    """Why the cluster cannot run here (None when it can): HAProxy is not installed."""
    if shutil.which(os.environ.get("CLUSTER_HAPROXY", "haproxy")) is None:
        return "haproxy is not installed (scripts/install_haproxy.sh installs Debian's package)"
    return None


def _free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def free_ports(count: int, rng: random.Random | None = None) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1 (20000-39999)."""
    rng = rng or random.Random()  # noqa: S311 - not a secret
    for _ in range(200):
        first = rng.randrange(20000, 40000 - count)
        if all(_free(first + k) for k in range(count)):
            return first
    raise RuntimeError("no free ports")


@dataclass
class Cluster:
    state: Path
    port: int
    app_port: int
    n: int
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def app_url(self, i: int) -> str:
        return f"http://{HOST}:{self.app_port + i - 1}/"

    def pid(self, name: str) -> int:
        """Pid of ``app1``, ``app2``, ... or ``haproxy``, from the state folder."""
        return int((self.state / f"{name}.pid").read_text())

    def log(self, name: str) -> str:
        path = self.state / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def run(self, *args: str, timeout: float = 240.0) -> subprocess.CompletedProcess:
        """``deploy/run.sh ARGS`` with this cluster's settings; raises on a non-zero exit."""
        out = subprocess.run(
            ["bash", str(RUN_SH), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"deploy/run.sh {' '.join(args)} failed:\n{out.stderr[-3000:]}")
        return out

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        os.kill(self.pid(name), sig)

    def listening(self) -> list[int]:
        """The cluster's ports on which something still listens."""
        ports = [self.port, *(self.app_port + k for k in range(self.n))]
        return [p for p in ports if not _free(p)]


@contextlib.contextmanager
def run_cluster(
    workdir: Path, n: int, db_url: str, extra_env: dict[str, str] | None = None
) -> Iterator[Cluster]:
    """``deploy/run.sh start n`` with the drafts in ``db_url``; ``deploy/run.sh stop`` after."""
    ports = free_ports(n + 1)
    env = dict(os.environ)
    for k in ("COMPLIANCE_DATA_DIR", "COMPLIANCE_RULES_DIR"):
        env.pop(k, None)
    env.update(
        {
            "COMPLIANCE_DB_URL": db_url,
            "CLUSTER_PORT": str(ports),
            "CLUSTER_APP_PORT": str(ports + 1),
            "CLUSTER_STATE_DIR": str(workdir / "cluster"),
            "CLUSTER_PYTHON": sys.executable,
            **(extra_env or {}),
        }
    )
    cluster = Cluster(workdir / "cluster", ports, ports + 1, n, env)
    try:
        cluster.run("start", str(n))
        yield cluster
    finally:
        cluster.run("stop", timeout=120)
