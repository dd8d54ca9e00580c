"""`EditsStore`: the one connection to the edits store, on SQLite or PostgreSQL.

SQLite (the default, a file beside the DuckDB database) runs in WAL mode, so readers never
wait for a writer and several server processes share it; each write transaction starts with
`BEGIN IMMEDIATE`, so two writers queue instead of failing halfway. PostgreSQL (a URL) is
for deployments with several app servers. The same SQLAlchemy Core statements run on both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dashboard.edits import schema
from etl.config import Settings


class EditsError(Exception):
    """A problem with the edits store that the user must fix; the message says how."""


def now_text() -> str:
    """The current UTC time as the store keeps it."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def edits_path(db: Path) -> Path:
    """The SQLite file of the edits of the database `db`: beside it, named after it."""
    target = db.resolve() if db.is_symlink() else db
    return target.with_name(target.name + ".edits.sqlite")


def edits_url(db: Path, settings: Settings) -> str:
    """`settings.edits_url` (PostgreSQL), else the SQLite file beside `db`."""
    if settings.edits_url:
        return settings.edits_url.get_secret_value()
    return f"sqlite:///{edits_path(db)}"


def _create_private(path: Path) -> None:
    """Creates the SQLite file readable by its owner only (it holds password hashes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun below, explicitly
    cursor = dbapi_connection.cursor()
    cursor.execute("pragma journal_mode = wal")
    cursor.execute("pragma busy_timeout = 10000")
    cursor.execute("pragma synchronous = normal")
    cursor.execute("pragma foreign_keys = on")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("begin immediate")


class EditsStore:
    """The edits of one deployment: `read()` and `write()` give a connection in a
    transaction; `migrate()` brings the schema to `schema.SCHEMA_VERSION`."""

    def __init__(self, url: str) -> None:
        self.url = sa.make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            sa.event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True, pool_size=5)
        self._migrated = False
        self._empty_engines = threading.local()
        self._lock = threading.Lock()

    @classmethod
    def for_database(cls, db: Path, settings: Settings) -> EditsStore:
        return cls(edits_url(db, settings))

    def describe(self) -> str:
        """Where the store is, without its password."""
        return self.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A connection in a write transaction: committed on success, rolled back on error."""
        self.migrate()
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise EditsError(f"the edits store cannot be written ({self._cause(exc)})") from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection for reading. A SQLite store not created yet reads as empty and is
        not created by reading (a read-only server leaves no file behind)."""
        if self.is_sqlite and not self._migrated and not self._sqlite_file().exists():
            with self._empty().connect() as conn:
                yield conn
            return
        self.migrate()
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise EditsError(f"the edits store cannot be read ({self._cause(exc)})") from exc

    def _sqlite_file(self) -> Path:
        return Path(self.url.database or "")

    def _empty(self) -> sa.Engine:
        """An empty in-memory store, one per thread (a SQLite connection stays in the
        thread that made it)."""
        engine: sa.Engine | None = getattr(self._empty_engines, "engine", None)
        if engine is None:
            engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
            with engine.begin() as conn:
                schema.metadata.create_all(conn)
            self._empty_engines.engine = engine
        return engine

    def _cause(self, exc: sa.exc.DBAPIError) -> str:
        return f"{self.describe()}: {str(exc.orig).splitlines()[0]}"

    def migrate(self) -> None:
        """Creates the store or runs the steps it has not had yet; safe to call often and
        from several processes at once (the version is read and written in one write
        transaction)."""
        if self._migrated:
            return
        with self._lock:
            if self._migrated:
                return
            if self.is_sqlite:
                _create_private(self._sqlite_file())
            try:
                for version, step in schema.MIGRATIONS:
                    with self.engine.begin() as conn:
                        if not self.is_sqlite:  # SQLite: `begin immediate` serialises
                            conn.execute(sa.text("select pg_advisory_xact_lock(7351)"))
                        applied = self._applied(conn)
                        if max(applied, default=0) > schema.SCHEMA_VERSION:
                            break  # a newer store: refused below, no step run on it
                        if version not in applied:
                            step(conn)
                            conn.execute(sa.insert(schema.schema_version).values(version=version))
                with self.engine.connect() as conn:
                    found = self._version(conn)
            except sa.exc.OperationalError as exc:
                raise EditsError(f"the edits store cannot be opened ({self._cause(exc)})") from exc
            if found > schema.SCHEMA_VERSION:
                raise EditsError(
                    f"the edits store {self.describe()} has schema version {found}, newer "
                    f"than this Scaleboard ({schema.SCHEMA_VERSION}): upgrade Scaleboard"
                )
            self._migrated = True

    @staticmethod
    def _applied(conn: sa.Connection) -> set[int]:
        """The steps a store has had: one row each (a store of version 1 has one row)."""
        if not sa.inspect(conn).has_table(schema.schema_version.name):
            schema.schema_version.create(conn)
            return set()
        return {int(v) for v in conn.execute(sa.select(schema.schema_version.c.version)).scalars()}

    @staticmethod
    def _version(conn: sa.Connection) -> int:
        if not sa.inspect(conn).has_table(schema.schema_version.name):
            schema.schema_version.create(conn)
            return 0
        found = conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()
        return int(found or 0)

    def dispose(self) -> None:
        self.engine.dispose()
