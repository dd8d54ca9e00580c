"""A throwaway PostgreSQL server for the tests of the edits store.

Each pytest process (each xdist worker) starts its own server the first time a test asks
for one: a data dir in a temp folder, `trust` auth on 127.0.0.1 and a unix socket in that
folder only, fsync off. It is stopped and the folder removed when the session ends, also
when tests fail. Fixtures: `postgres_server`, `postgres_url` (one empty database for the
session) and `fresh_postgres_url` (a new empty database per test).
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import URL

SUPERUSER = "postgres"
# Debian's `postgresql` keeps initdb, pg_ctl and postgres off PATH, one folder per major.
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# The server only serves throwaway data: durability is traded for speed.
SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1"
)
HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\n"
START_ATTEMPTS = 3  # another process may take the free port before the server binds it
TIMEOUT_S = 60


class PostgresStartError(RuntimeError):
    """initdb or pg_ctl failed; the message holds their output or the server's log."""


def find_bin_dir() -> Path | None:
    """The folder with initdb and pg_ctl: Debian's newest major, else the one on PATH."""
    debian = [Path(d) for d in glob.glob(DEBIAN_BIN_GLOB) if (Path(d) / "pg_ctl").is_file()]
    debian = [d for d in debian if (d / "initdb").is_file() and d.parent.name.isdigit()]
    if debian:
        return max(debian, key=lambda d: int(d.parent.name))
    on_path = shutil.which("pg_ctl")
    if on_path and (Path(on_path).parent / "initdb").is_file():
        return Path(on_path).parent
    return None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    socket_dir: Path

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server."""
        return URL.create(
            "postgresql+psycopg", SUPERUSER, host=self.host, port=self.port, database=database
        ).render_as_string(hide_password=False)

    def admin(self, statement: sql.Composed) -> None:
        """Runs one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        with psycopg.connect(
            host=self.host, port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as con:
            con.execute(statement)

    @contextmanager
    def new_database(self) -> Iterator[str]:
        """A new empty database; yields its URL, drops it after (closing leftover sessions)."""
        name = f"test_{uuid.uuid4().hex}"
        self.admin(sql.SQL("create database {}").format(sql.Identifier(name)))
        try:
            yield self.url(name)
        finally:
            self.admin(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: Sequence[str | Path], cwd: Path) -> None:
    args = [str(part) for part in command]
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise PostgresStartError(f"{shlex.join(args)} failed:\n{result.stdout}{result.stderr}")


def _as_server_user(root: Path) -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as `postgres`."""
    if os.geteuid() != 0:
        return []
    shutil.chown(root, SUPERUSER, SUPERUSER)
    return ["runuser", "-u", SUPERUSER, "--"]


def _start(pg_ctl: list[str], data: Path, root: Path) -> PostgresServer:
    log = root / "server.log"
    for _ in range(START_ATTEMPTS):
        port = free_port()
        options = f"{SERVER_OPTIONS} -p {port} -k {root}"
        try:
            _run([*pg_ctl, "start", "-w", "-D", data, "-l", log, "-o", options], cwd=root)
        except PostgresStartError:
            continue
        return PostgresServer("127.0.0.1", port, root)
    text = log.read_text(encoding="utf-8") if log.exists() else "(no log)"
    raise PostgresStartError(f"PostgreSQL did not start:\n{text}")


@contextmanager
def running_postgres(bin_dir: Path) -> Iterator[PostgresServer]:
    """Starts a throwaway server from `bin_dir`; stops it and removes its files after."""
    root = Path(tempfile.mkdtemp(prefix="scaleboard-pg-"))
    try:
        as_user = _as_server_user(root)
        data = root / "data"
        initdb: list[str | Path] = [*as_user, bin_dir / "initdb", "-D", data, "-U", SUPERUSER]
        _run([*initdb, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], cwd=root)
        (data / "pg_hba.conf").write_text(HBA, encoding="utf-8")
        pg_ctl = [*as_user, str(bin_dir / "pg_ctl")]
        server = _start(pg_ctl, data, root)
        try:
            yield server
        finally:
            _run([*pg_ctl, "stop", "-w", "-m", "immediate", "-D", data], cwd=root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """This process's server; skipped without PostgreSQL, failed instead when CI=true."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = (
            f"PostgreSQL is not installed (no initdb in {DEBIAN_BIN_GLOB} or on PATH); "
            "`make postgres` installs Debian's postgresql"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. CI must run the PostgreSQL tests.", pytrace=False)
        pytest.skip(reason)
    with running_postgres(bin_dir) as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A `postgresql+psycopg://` URL to an empty database shared by the session's tests."""
    with postgres_server.new_database() as url:
        yield url


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A `postgresql+psycopg://` URL to a new empty database for one test."""
    with postgres_server.new_database() as url:
        yield url
