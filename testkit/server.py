"""Start the real app (``streamlit run streamlit_app.py``) on a free loopback port.

Used by the browser tests, the no-egress test and the soak test. Every server listens on
127.0.0.1 only; its drafts go to a temporary ``COMPLIANCE_DATA_DIR``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class App:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def rss_mb(self) -> float:
        """Resident memory of the server process (from /proc, no psutil needed)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def app_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for k in ("COMPLIANCE_DB_URL", "COMPLIANCE_RULES_DIR"):
        env.pop(k, None)
    env["COMPLIANCE_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def wait_healthy(proc: subprocess.Popen, port: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{port}/_stcore/health"
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"streamlit did not answer {url} in {timeout} s")
        time.sleep(0.1)


@contextlib.contextmanager
def run_app(
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
    timeout: float = 90.0,
    script: Path = APP,
) -> Iterator[App]:
    """``streamlit run streamlit_app.py`` (or ``script``) on 127.0.0.1:<free port>; stopped on
    exit.

    ``workdir`` receives the drafts database (``data/``) and the server log (``server.log``).
    """
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    log = workdir / "server.log"
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--server.address", HOST,
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *(extra_args or []),
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            cmd,
            cwd=ROOT,
            env=app_env(data, extra_env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(proc, port, timeout, log)
        yield App(proc, port, log)
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
