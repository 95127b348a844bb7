"""Shared fixtures: database URLs for the store's two backends, SQLite and PostgreSQL.

`db_url` (per test) and `module_db_url` (per module) are parametrised over both backends, so
every test that takes one runs on SQLite and on PostgreSQL. PostgreSQL comes from
$DRAGOMAN_TEST_PG (a URL to a database the tests may fill with throwaway databases) or, when
that is unset, from a temporary cluster this session starts with Debian's binaries
(/usr/lib/postgresql/*/bin) and stops at the end. Without either, the PostgreSQL runs skip.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

BACKENDS = ["sqlite", "postgresql"]
PG_ENV = "DRAGOMAN_TEST_PG"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *argv] if user else argv


class _Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory, reachable on 127.0.0.1."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        # initdb refuses to run as root: run the cluster as the postgres user, who owns the directory
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir = Path(tempfile.mkdtemp(prefix="dragoman-pg-"))
        if self.user:
            shutil.chown(self.dir, self.user)
        self.port = _free_port()
        data = self.dir / "data"
        subprocess.run(_as_user(self.user, [str(bindir / "initdb"), "-D", str(data), "-U", "dragoman",
                                            "--auth=trust", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True)
        self.server = subprocess.Popen(
            _as_user(self.user, [str(bindir / "postgres"), "-D", str(data), "-h", "127.0.0.1",
                                 "-p", str(self.port), "-k", str(self.dir), "-F"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.url = f"postgresql+psycopg://dragoman@127.0.0.1:{self.port}/postgres"
        self._wait()

    def _wait(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={self.port} user=dragoman dbname=postgres").close()
                return
            except psycopg.OperationalError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    err = self.server.stderr.read().decode(errors="replace") if self.server.stderr else ""
                    self.stop()
                    raise RuntimeError(f"the test PostgreSQL server did not start: {err.strip()[-300:]}")
                time.sleep(0.1)

    def stop(self) -> None:
        """Fast shutdown of the postmaster this cluster started (its pid from postmaster.pid: the
        runuser wrapper does not pass SIGINT on), then remove the directory."""
        pid_file = self.dir / "data" / "postmaster.pid"
        try:
            postmaster = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            postmaster = None
        if self.server.poll() is None:
            if postmaster:
                os.kill(postmaster, signal.SIGINT)
            else:
                self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            if postmaster:
                os.kill(postmaster, signal.SIGQUIT)  # immediate shutdown: nothing of it is kept anyway
            self.server.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    """The URL of a PostgreSQL database whose server lets the tests create databases; skips without one."""
    configured = os.environ.get(PG_ENV, "").strip()
    if configured:
        from dragoman.store import _as_url

        yield _as_url(configured)
        return
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip(f"no PostgreSQL: set ${PG_ENV} to a database URL or install Debian's postgresql "
                    "package (make test does, as root)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg (the PostgreSQL driver) is not installed")
    cluster = _Cluster(bindir)
    try:
        yield cluster.url
    finally:
        cluster.stop()


def _fresh_pg_database(server_url: str, template: str | None = None) -> str:
    """A new database on the server of `server_url` (a copy of `template` if given); its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dragoman_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    """A database the store's migrations have built from empty, copied for each test (faster than
    migrating each time: CREATE DATABASE ... TEMPLATE)."""
    from sqlalchemy.engine import make_url

    from dragoman.store import Store

    url = _fresh_pg_database(pg_server)
    Store(url).close()  # runs the migrations; closed, so the database can serve as a template
    return make_url(url).database


def _url_for(backend: str, request, directory: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory / 'store.db'}"
    return _fresh_pg_database(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template"))


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A URL of an empty store database, once for SQLite and once for PostgreSQL."""
    return _url_for(request.param, request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request, tmp_path_factory) -> str:
    """As db_url, shared by the tests of one module."""
    return _url_for(request.param, request, tmp_path_factory.mktemp("db"))
