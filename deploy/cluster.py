"""The whole set on one machine: HAProxy on 127.0.0.1, N Streamlit processes, PostgreSQL.

Called by ``deploy/run.sh`` (see ``deploy/README.md``)::

    deploy/run.sh [N]          start everything, stay in the foreground; Ctrl-C stops it all
    deploy/run.sh start [N]    start everything and return once every part answers
    deploy/run.sh stop         stop the app processes and the proxy (and PostgreSQL if started here)
    deploy/run.sh restart      rolling restart of the app processes, one after the other
    deploy/run.sh status       what runs, as the proxy sees it

Settings (environment): ``CLUSTER_PORT`` (8501) where the proxy listens on 127.0.0.1;
``CLUSTER_APP_PORT`` (8601) the port of the first app process (the others follow, on
127.0.0.1 too); ``CLUSTER_STATE_DIR`` (``.cluster`` in the repository) pid files, logs, the
proxy's configuration and admin socket; ``COMPLIANCE_DB_URL`` the drafts database (when unset,
a PostgreSQL cluster of its own, ``compliance`` on 127.0.0.1:``CLUSTER_PG_PORT`` (5433), is
installed, created and started with ``scripts/start_postgres.sh``, as root, with a password
generated once and kept in the state folder; ``stop`` stops it again if ``start`` started it).

Every process is started in its own session (a terminal's Ctrl-C reaches only this script,
which then stops them in order). Nothing here listens on anything but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PORT = int(os.environ.get("CLUSTER_PORT", "8501"))
APP_PORT = int(os.environ.get("CLUSTER_APP_PORT", "8601"))
STATE = Path(os.environ.get("CLUSTER_STATE_DIR") or ROOT / ".cluster").resolve()
PYTHON = os.environ.get("CLUSTER_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
HAPROXY = os.environ.get("CLUSTER_HAPROXY") or "haproxy"
PG_ROLE, PG_DATABASE, PG_CLUSTER = "compliance_cluster", "compliance_drafts", "compliance"
PG_PORT = int(os.environ.get("CLUSTER_PG_PORT", "5433"))
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


def say(msg: str) -> None:
    print(f"cluster: {msg}", file=sys.stderr, flush=True)


class ClusterError(RuntimeError):
    """A part did not start or stop; the message says which and where its log is."""


# --- processes ------------------------------------------------------------------------------


def alive(pid: int | None) -> bool:
    """True while the process runs (a zombie left unreaped by its parent counts as gone)."""
    if not pid:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def read_pid(name: str) -> int | None:
    try:
        return int((STATE / f"{name}.pid").read_text())
    except (OSError, ValueError):
        return None


def spawn(name: str, cmd: list[str], env: dict[str, str] | None = None) -> int:
    """Start ``cmd`` detached (own session, output to ``<state>/<name>.log``); return its pid."""
    log = (STATE / f"{name}.log").open("ab")
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        cmd,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    (STATE / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def terminate(name: str, sig: int = signal.SIGTERM) -> None:
    """Send ``sig``, wait for the exit (SIGKILL after STOP_TIMEOUT_S); forget the pid."""
    pid = read_pid(name)
    if alive(pid):
        os.kill(pid, sig)  # type: ignore[arg-type]
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            say(f"{name} did not stop in {STOP_TIMEOUT_S:.0f} s: killed")
            os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
            while alive(pid):
                time.sleep(0.1)
    (STATE / f"{name}.pid").unlink(missing_ok=True)


def port_free(port: int) -> bool:
    """Nobody listens on 127.0.0.1:``port`` (connections closing in TIME_WAIT do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_http(url: str, pid: int, name: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if not alive(pid):
            raise ClusterError(f"{name} exited; see {STATE / (name + '.log')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ClusterError(f"{name} does not answer {url}; see {STATE / (name + '.log')}")
        time.sleep(0.2)


# --- state --------------------------------------------------------------------------------


def load_state() -> dict:
    try:
        return json.loads((STATE / "cluster.json").read_text())
    except (OSError, ValueError):
        return {}


def save_state(state: dict) -> None:
    (STATE / "cluster.json").write_text(json.dumps(state, indent=1))


def write_secret(name: str, value: str) -> None:
    """Write ``<state>/<name>`` readable by its owner only."""
    fd = os.open(STATE / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)


def secret_file(name: str, make) -> str:
    """A value kept in ``<state>/<name>`` (mode 0600), made by ``make()`` the first time."""
    if not (STATE / name).exists():
        write_secret(name, make())
    return (STATE / name).read_text().strip()


# --- PostgreSQL ---------------------------------------------------------------------------


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((HOST, port)) == 0


def database_url(state: dict) -> str:
    """``COMPLIANCE_DB_URL``, or a local PostgreSQL set up by scripts/start_postgres.sh."""
    url = os.environ.get("COMPLIANCE_DB_URL")
    if url:
        state["pg_started"] = False
        return url
    password = secret_file("pg_password", lambda: secrets.token_urlsafe(24))
    was_up = listening(PG_PORT)
    say(f"PostgreSQL: cluster {PG_CLUSTER!r} on {HOST}:{PG_PORT} (scripts/start_postgres.sh)")
    env = {
        **os.environ,
        "PG_USER": PG_ROLE,
        "PG_DATABASE": PG_DATABASE,
        "PG_PASSWORD": password,
        "PG_CLUSTER": PG_CLUSTER,
        "PG_PORT": str(PG_PORT),
    }
    out = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "scripts" / "start_postgres.sh")],  # noqa: S607
        env=env,
        stdout=subprocess.PIPE,
        check=False,
        text=True,
    )
    if out.returncode != 0:
        raise ClusterError(
            "PostgreSQL could not be started (scripts/start_postgres.sh needs root); "
            "or set COMPLIANCE_DB_URL to a PostgreSQL database"
        )
    state["pg_started"] = not was_up
    return out.stdout.strip()


def stop_postgres() -> None:
    versions = sorted(
        (p.name for p in Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()), key=int
    )
    if versions:
        say(f"stopping PostgreSQL {versions[-1]}/{PG_CLUSTER} (started by deploy/run.sh)")
        cmd = ["pg_ctlcluster", versions[-1], PG_CLUSTER, "stop"]
        subprocess.run(cmd, check=False)  # noqa: S603, S607


# --- the proxy ----------------------------------------------------------------------------


def app_name(i: int) -> str:
    return f"app{i}"


def haproxy_config(n: int, port: int, app_port: int) -> str:
    servers = "\n".join(
        f"    server {app_name(i)} {HOST}:{app_port + i - 1} cookie {app_name(i)}"
        for i in range(1, n + 1)
    )
    text = (ROOT / "deploy" / "haproxy.cfg").read_text()
    return (
        text.replace("@@BIND@@", f"{HOST}:{port}")
        .replace("@@SOCKET@@", str(STATE / "haproxy.sock"))
        .replace("@@SERVERS@@", servers)
    )


def proxy_command(cmd: str) -> str:
    """One command on HAProxy's admin socket (``set server apps/app1 state maint``)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(str(STATE / "haproxy.sock"))
        s.sendall(cmd.encode() + b"\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def proxy_status() -> dict[str, str]:
    """Server name -> HAProxy's status (UP, DOWN, MAINT, ...) in the ``apps`` backend."""
    lines = proxy_command("show stat").splitlines()
    if not lines or not lines[0].startswith("# "):
        return {}
    head = lines[0][2:].split(",")
    out = {}
    for line in lines[1:]:
        row = dict(zip(head, line.split(","), strict=False))
        if row.get("pxname") == "apps" and row.get("svname") not in ("FRONTEND", "BACKEND"):
            out[row["svname"]] = row.get("status", "")
    return out


def wait_proxy_status(name: str, want: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while proxy_status().get(name) != want:
        if time.monotonic() > deadline:
            raise ClusterError(f"the proxy does not see {name} {want}: {proxy_status()}")
        time.sleep(0.2)


# --- app processes ------------------------------------------------------------------------


def start_app(i: int, port: int, db_url: str) -> None:
    name = app_name(i)
    if not port_free(port):
        raise ClusterError(f"127.0.0.1:{port} is in use ({name}); set CLUSTER_APP_PORT")
    env = {**os.environ, "COMPLIANCE_DB_URL": db_url, "PYTHONPATH": str(ROOT)}
    env.pop("COMPLIANCE_DATA_DIR", None)
    cmd = [
        PYTHON, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.address", HOST,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    pid = spawn(name, cmd, env)
    wait_http(f"http://{HOST}:{port}/_stcore/health", pid, name)
    say(f"{name} (pid {pid}) on {HOST}:{port}")


def start(n: int) -> dict:
    if n < 1:
        raise ClusterError("N must be at least 1")
    STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
    if alive(read_pid("haproxy")) or any(alive(read_pid(app_name(i))) for i in range(1, 65)):
        raise ClusterError(f"already running (state in {STATE}); deploy/run.sh stop first")
    if not port_free(PORT):
        raise ClusterError(f"127.0.0.1:{PORT} is in use; set CLUSTER_PORT")
    state = {"n": n, "port": PORT, "app_port": APP_PORT}
    try:
        db_url = database_url(state)
        write_secret("db_url", db_url)
        save_state(state)
        # the schema is migrated once here, not by N processes racing (they would wait anyway)
        migrate = [PYTHON, "-m", "compliance_app.storage", "--url", db_url, "upgrade"]
        if subprocess.run(migrate, cwd=ROOT, check=False).returncode != 0:  # noqa: S603
            raise ClusterError("the drafts database could not be migrated (see above)")
        for i in range(1, n + 1):
            start_app(i, APP_PORT + i - 1, db_url)
        cfg = STATE / "haproxy.cfg"
        cfg.write_text(haproxy_config(n, PORT, APP_PORT))
        check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(cfg)], check=False)  # noqa: S603
        if check.returncode != 0:
            raise ClusterError(f"{cfg} is not valid for {HAPROXY}")
        pid = spawn("haproxy", [HAPROXY, "-db", "-f", str(cfg)])
        wait_http(f"http://{HOST}:{PORT}/_stcore/health", pid, "haproxy")
        for i in range(1, n + 1):
            wait_proxy_status(app_name(i), "UP")
    except BaseException:
        stop()
        raise
    say(f"ready: http://{HOST}:{PORT}/ (proxy, {n} app processes; TLS belongs in front of it)")
    return state


def stop() -> None:
    state = load_state()
    terminate("haproxy", signal.SIGUSR1)  # soft stop: finishes what is in flight
    for i in range(1, int(state.get("n", 64)) + 1):
        terminate(app_name(i))
    (STATE / "haproxy.sock").unlink(missing_ok=True)
    if state.get("pg_started"):
        stop_postgres()
    (STATE / "cluster.json").unlink(missing_ok=True)
    say("stopped")


def restart() -> None:
    """Rolling restart: each app process in turn is taken out of the proxy (its browsers
    reconnect to the others and resume their drafts), stopped, started and put back once the
    proxy sees it healthy; only then the next one."""
    state = load_state()
    if not state or not alive(read_pid("haproxy")):
        raise ClusterError("not running (deploy/run.sh start N first)")
    db_url = (STATE / "db_url").read_text().strip()
    for i in range(1, state["n"] + 1):
        name = app_name(i)
        say(f"restarting {name}")
        proxy_command(f"set server apps/{name} state maint")
        terminate(name)
        start_app(i, state["app_port"] + i - 1, db_url)
        proxy_command(f"set server apps/{name} state ready")
        wait_proxy_status(name, "UP")
    say("rolling restart done")


def status() -> int:
    state = load_state()
    if not state:
        print("not running")
        return 1
    seen = proxy_status() if alive(read_pid("haproxy")) else {}
    print(f"proxy http://{HOST}:{state['port']}/ pid {read_pid('haproxy')}")
    for i in range(1, state["n"] + 1):
        pid = read_pid(app_name(i))
        up = "running" if alive(pid) else "not running"
        port = state["app_port"] + i - 1
        print(f"{app_name(i)} {HOST}:{port} pid {pid} {up}; proxy: {seen.get(app_name(i), '?')}")
    return 0


def foreground(n: int) -> None:
    start(n)
    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    say("Ctrl-C stops everything")
    reported: set[str] = set()
    while not stopping:
        time.sleep(0.5)
        for i in range(1, n + 1):
            name = app_name(i)
            if name not in reported and not alive(read_pid(name)):
                reported.add(name)
                say(f"{name} exited: the proxy sends its users to the others; "
                    "`deploy/run.sh restart` starts it again")  # fmt: skip
        if not alive(read_pid("haproxy")):
            say("the proxy exited")
            break
    stop()


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv and not argv[0].isdigit() else "run"
    rest = argv[1:] if argv and not argv[0].isdigit() else argv
    n = int(rest[0]) if rest else 2
    try:
        if cmd == "run":
            foreground(n)
        elif cmd == "start":
            start(n)
        elif cmd == "stop":
            stop()
        elif cmd == "restart":
            restart()
        elif cmd == "status":
            return status()
        else:
            say(f"unknown command {cmd!r}; see deploy/README.md")
            return 2
    except ClusterError as exc:
        say(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
