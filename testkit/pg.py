"""A throwaway PostgreSQL server for the storage and cluster tests and the capacity benchmark
(no Streamlit, no pytest here).

``find_bindir()`` looks for ``initdb``/``pg_ctl``/``postgres`` on PATH and in Debian's
``/usr/lib/postgresql/<version>/bin``. ``TempPostgres`` runs ``initdb`` in a new temporary folder,
starts the server on a free port on 127.0.0.1 only (its Unix socket in that folder, password
authentication) and removes everything on ``stop()``. As root, the server runs as the
``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

USER = "compliance"
DATABASE = "compliance_test"


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None if PostgreSQL is not installed."""
    candidates = []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.replace(".", "").isdigit()),
            key=lambda p: [int(x) for x in p.name.split(".")],
            reverse=True,
        )
        candidates += [v / "bin" for v in versions]
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="compliance-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self.run_as: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self.run_as = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise RuntimeError(
                    "running as root and there is no 'postgres' user to run the server as"
                ) from exc
            os.chown(self.root, self.run_as.pw_uid, self.run_as.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as is not None:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )

    def start(self) -> TempPostgres:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self.run_as is not None:
            os.chown(pwfile, self.run_as.pw_uid, self.run_as.pw_gid)
        pwfile.chmod(0o600)
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root}"
            " -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=100"
        )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.root / "log"), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip
        self._create_database()
        return self

    def _create_database(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user=USER,
                    password=self.password,
                    dbname="postgres",
                    autocommit=True,
                )
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")

    def stop(self) -> None:
        try:
            if self.datadir.exists():
                self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def missing_reason() -> str | None:
    """Why no PostgreSQL can be had here (None when ``$COMPLIANCE_TEST_PG_URL`` is set or a
    server can be started)."""
    if os.environ.get("COMPLIANCE_TEST_PG_URL") or find_bindir() is not None:
        return None
    return (
        "PostgreSQL is not installed (no initdb/pg_ctl/postgres found) and "
        "COMPLIANCE_TEST_PG_URL is not set; run scripts/start_postgres.sh"
    )


def fresh_schema(base_url: str) -> str:
    """A new empty schema in the database at ``base_url``; returns a URL whose connections
    use it (``options=-csearch_path=<schema>``), so runs never see each other's drafts."""
    import uuid

    import sqlalchemy as sa

    base = sa.make_url(base_url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    finally:
        engine.dispose()
    return base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def drop_schema(url: str) -> None:
    """Drop the schema a :func:`fresh_schema` URL points at (with everything in it)."""
    import sqlalchemy as sa

    u = sa.make_url(url)
    schema = str(u.query.get("options", "")).removeprefix("-csearch_path=")
    if not schema.startswith("t_") or not schema[2:].isalnum():
        raise ValueError("not a URL made by fresh_schema")
    engine = sa.create_engine(u.difference_update_query(["options"]))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        engine.dispose()


@contextlib.contextmanager
def schema(base_url: str) -> Iterator[str]:
    """A :func:`fresh_schema` URL, dropped afterwards."""
    url = fresh_schema(base_url)
    try:
        yield url
    finally:
        drop_schema(url)


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL with a fresh schema: on ``$COMPLIANCE_TEST_PG_URL`` if set, else on a
    throwaway server (:class:`TempPostgres`), stopped and removed afterwards."""
    url = os.environ.get("COMPLIANCE_TEST_PG_URL")
    if url:
        with schema(url) as fresh:
            yield fresh
        return
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(missing_reason())
    server = TempPostgres(bindir).start()
    try:
        yield fresh_schema(server.url)
    finally:
        server.stop()
