"""The one storage seam of the dashboard: read-only snapshots of the current release.

A load replaces the database file whole (`os.replace`, see `etl.storage`). Each request
takes a `Reader` on the current snapshot: one read-only attachment of the file that was
current then, identified by that file's (device, inode, mtime, size) and its committed load
id. When the file changes, the next request opens the new one; requests still running
finish on the old one, which closes when its last reader leaves. The server never holds a
write lock, and every response reads one committed state.

Why not `duckdb.connect(path)` (`etl.storage.open_reader`) per snapshot: DuckDB shares one
database instance between the connections of a process to the same (resolved) path, so
while any request still read the replaced file, a "new" connection would get its instance
and the old data. A snapshot therefore attaches the file to an in-memory database of its
own, through a descriptor it holds (`/proc/self/fd/N` on Linux), which pins the inode too.

Results are cached per (snapshot, query, arguments) in a small LRU, so a new load
invalidates them. Cached values are shared between threads: treat them as read-only.

Each snapshot runs DuckDB on one thread (`READ_THREADS`): a request's statements are small
(thousands of rows), so DuckDB's own worker threads cost more to schedule than they save,
and they compete for the cores with the server's threads, which are the parallelism here
(the requests at once, and `Reader.alongside` within one).

When the current file cannot be opened (damaged, or of another version), the server keeps
the snapshot it has (or, at its start, opens the newest release kept for rollback), and
every reader carries an `Unreadable` (since when, why) that each page shows; the file is
tried again when it changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import pandas as pd

from dashboard.edits.store import EditsStore
from etl import audit_log
from etl.config import Settings
from etl.metric_results import ProgramMetrics, SelectionMetrics
from etl.metrics import MetricsRun, ReportingMonths, reporting_months
from etl.storage import (
    StorageError,
    Store,
    check_readable,
    configure,
    damaged,
    kept_releases,
    open_reader,
)

T = TypeVar("T")
FileId = tuple[int, int, int, int]
CATALOG = "release"
READ_THREADS = 1
"""DuckDB threads of a snapshot's database (see the module)."""
log = logging.getLogger(__name__)
_ALONGSIDE = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reader-alongside")
"""Threads for `Reader.alongside` (created on first use; idle threads cost nothing)."""


class LruCache:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._flights: dict[Hashable, list[Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if key not in self._items:
                return False, None
            self._items.move_to_end(key)
            return True, self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    @contextlib.contextmanager
    def computing(self, key: Hashable) -> Iterator[None]:
        """Held while one thread computes `key`; others asking for it wait (single flight)."""
        with self._lock:
            entry = self._flights.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._lock:
                entry[1] -= 1
                if entry[1] == 0:
                    self._flights.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _attach(path: Path, fd: int) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the file open on `fd` attached read-only as CATALOG."""
    alias = Path(f"/proc/self/fd/{fd}")
    con = configure(duckdb.connect())
    try:
        con.execute(
            f"attach {_quoted(str(alias if alias.exists() else path))} as {CATALOG} (read_only)"
        )
        con.execute(f"use {CATALOG}")
        check_readable(con, path)
    except (StorageError, duckdb.Error):
        con.close()
        raise
    return con


class Snapshot:
    """One read-only view of one committed state; closes when retired and unused."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, file_id: FileId | None, fd: int | None = None
    ) -> None:
        self.con = con
        self.file_id = file_id
        self._fd = fd
        con.execute("set threads = ?", [READ_THREADS])  # this snapshot's database only
        row = con.execute("select coalesce(max(load_id), 0) from loads").fetchone()
        self.load_id = int(row[0]) if row else 0
        self.key: Hashable = (file_id, self.load_id)
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> Snapshot:
        """The current release at `path`; an absent file reads as an empty database."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return cls(open_reader(path), None)
        try:
            st = os.fstat(fd)
            return cls(_attach(path, fd), (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size), fd)
        except StorageError:
            os.close(fd)
            raise
        except duckdb.Error as exc:
            os.close(fd)
            raise damaged(path, exc) from None

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self._close()

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            done = self._users == 0
        if done:
            self._close()

    def _close(self) -> None:
        self.con.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one thread (DuckDB connections are not thread-safe)."""
        with self._lock:
            cursor = configure(self.con.cursor())
        if self._fd is not None:
            cursor.execute(f"use {CATALOG}")
        return cursor


@dataclass(frozen=True)
class Unreadable:
    """The current file cannot be opened: since when (UTC), why, and the file shown instead
    (None: the snapshot opened before; a path: a release kept for rollback)."""

    since: dt.datetime
    reason: str
    file_id: FileId | None
    shown: Path | None = None


class Reader:
    """What one request reads: one snapshot, one cursor, the shared cache, and why the
    newest file is not what it reads (None when it is)."""

    def __init__(
        self,
        snapshot: Snapshot,
        cache: LruCache,
        settings: Settings,
        unreadable: Unreadable | None = None,
        audit_path: Path | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.settings = settings
        self.unreadable = unreadable
        self.audit_path = audit_path
        """The database's audit log (`PATH.audit.jsonl`): refused and rolled-back loads are
        only there, since neither leaves anything in the release the snapshot reads."""
        self._cache = cache
        self._cursor: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._cursor is None:
            self._cursor = self.snapshot.cursor()
        return self._cursor

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, cached for this snapshot under `key`; concurrent requests for the
        same key wait for one computation instead of each running it."""
        full_key = (self.snapshot.key, key)
        hit, value = self._cache.get(full_key)
        if hit:
            return value  # type: ignore[no-any-return]  # stored below for this key
        with self._cache.computing(full_key):
            hit, value = self._cache.get(full_key)
            if not hit:
                value = compute()
                self._cache.put(full_key, value)
        return value  # type: ignore[no-any-return]  # stored for this key

    def audit_records(self) -> list[dict[str, Any]]:
        """Every readable line of the audit log (none without one)."""
        return audit_log.read(self.audit_path) if self.audit_path else []

    @property
    def audit_stamp(self) -> Hashable:
        """The audit log's size and change time: a cache key part for what shows it, since a
        refused load changes the log but no database file."""
        try:
            st = self.audit_path.stat() if self.audit_path else None
        except OSError:  # no log yet
            return None
        return (st.st_size, st.st_mtime_ns) if st else None

    def fetch(self, query: Callable[..., T], *args: Hashable) -> T:
        """`query(con, *args)` (a pure query of `dashboard.queries`), cached."""
        key = (query.__module__, query.__qualname__, args)
        return self.cached(key, lambda: query(self.con, *args))

    def view(self, build: Callable[..., T], *args: Hashable) -> T:
        """A page's whole output, `build(reader, *args)`, cached for this snapshot: a
        repeated request (the same page and query string, no load since) costs no query and
        no figure building, only the response's serialisation."""
        key = ("view", build.__module__, build.__qualname__, args)
        return self.cached(key, lambda: as_plain_figures(build(self, *args)))

    def _evaluation(self, filters: Any, everyone: bool) -> tuple[ProgramMetrics, pd.DataFrame]:
        """The program figures of page filters (a `dashboard.filters.PageFilters`) and the
        initiatives frame (of every initiative of S, or of those that carry a signal), from
        one run of the metric models, cached by the selection and period the filters give
        (page-only parameters share the entry)."""
        selection = filters.to_metrics()
        if not everyone:
            hit, value = self._cache.get((self.snapshot.key, ("initiatives", selection)))
            if hit:
                return value  # type: ignore[no-any-return]  # stored below: a superset
        key = "initiatives" if everyone else "signalled"

        def evaluate() -> tuple[ProgramMetrics, pd.DataFrame]:
            run = MetricsRun(self.con, selection, self.settings, months=self.reporting())
            return run.program(), run.initiative_frame(signalled_only=not everyone)

        return self.cached((key, selection), evaluate)

    def metrics(self, filters: Any) -> ProgramMetrics:
        """The program figures of `compute_metrics` for page filters, cached."""
        return self._evaluation(filters, everyone=False)[0]

    def initiatives(self, filters: Any) -> tuple[ProgramMetrics, pd.DataFrame]:
        """The program figures and the `initiatives` list of `compute_metrics` for page
        filters (as a frame), from one run, cached. Shared between requests: read the
        frame, never change it."""
        return self._evaluation(filters, everyone=True)

    def _from_any_run(
        self, filters: Any, key: str, compute: Callable[[Any], T]
    ) -> ProgramMetrics | T:
        """The program figures of the filters' selection from any cached run of it, else
        `compute(selection)`, cached under `key`."""
        selection = filters.to_metrics()
        for run in ("initiatives", "signalled", "program"):
            hit, value = self._cache.get((self.snapshot.key, (run, selection)))
            if hit:
                return value if run == "program" else value[0]  # type: ignore[no-any-return]
        return self.cached((key, selection), lambda: compute(selection))

    def program(self, filters: Any) -> ProgramMetrics:
        """The program figures of page filters alone, for a view that shows no initiative of
        them (the portfolio's previous window): from any cached run of the same selection,
        else from a run that builds no initiatives frame, cached."""
        return self._from_any_run(
            filters,
            "program",
            lambda selection: MetricsRun(
                self.con, selection, self.settings, months=self.reporting()
            ).program(),
        )

    def selection(self, filters: Any) -> SelectionMetrics:
        """The period and S of page filters without their figures (from any cached run of
        the same selection, else from the selection model alone), cached."""
        return self._from_any_run(
            filters,
            "selection",
            lambda selection: MetricsRun(
                self.con, selection, self.settings, figures=False, months=self.reporting()
            ).selection(),
        )

    def signalled(self, filters: Any) -> pd.DataFrame:
        """The rows of `initiatives` that carry a signal (the alerts' initiatives)."""
        return self._evaluation(filters, everyone=False)[1]

    @contextlib.contextmanager
    def sibling(self) -> Iterator[Reader]:
        """Another reader of the same snapshot and cache, with a connection of its own: for
        work on another thread while this one reads."""
        self.snapshot.enter()
        other = Reader(self.snapshot, self._cache, self.settings, self.unreadable)
        try:
            yield other
        finally:
            other.close()
            self.snapshot.leave()

    def alongside(self, work: Callable[[Reader], T]) -> Future[T]:
        """`work(sibling reader)` on a thread of its own, started now: DuckDB runs its SQL
        on the other core while this thread goes on (a portfolio view computes the
        previous window's figures this way)."""

        def run() -> T:
            with self.sibling() as other:
                return work(other)

        return _ALONGSIDE.submit(run)

    def reporting(self) -> ReportingMonths:
        """The default as-of month and the partial months after it, cached."""
        return self.cached(("reporting",), lambda: reporting_months(self.con, self.settings))

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()


def as_plain_figures(output: T) -> T:
    """A page's outputs with each figure as the plain dict it serialises to: the cached
    output is then serialised on every request without plotly re-walking its objects."""
    import plotly.graph_objects as go

    def plain(o: Any) -> Any:
        return _without_arrays(o.to_plotly_json()) if isinstance(o, go.Figure) else o

    if isinstance(output, dict):
        return {k: plain(v) for k, v in output.items()}  # type: ignore[return-value]  # same keys
    if isinstance(output, tuple):
        return tuple(plain(o) for o in output)  # type: ignore[return-value]  # the same shape
    return output


def _without_arrays(value: Any) -> Any:
    """A figure dict with its numpy arrays as lists, once: a cached figure would otherwise
    have every array (strings in an object array above all) converted on each response."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _without_arrays(v) for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict | list | np.ndarray):
        return [_without_arrays(v) for v in value]
    return value


def file_id(path: Path) -> FileId | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


class Database:
    """The database file the dashboard shows; `reader()` per request."""

    def __init__(
        self,
        path: Path,
        settings: Settings,
        cache_size: int = 128,
        edits: EditsStore | None = None,
    ) -> None:
        self.path = Path(path)
        self.settings = settings
        self.edits = edits or EditsStore.for_database(self.path, settings)
        """What people wrote about this database's initiatives (decisions, targets, notes):
        a store of its own that loads never touch."""
        self.cache = LruCache(cache_size)
        self._snapshot: Snapshot | None = None
        self.unreadable: Unreadable | None = None
        self._lock = threading.Lock()

    def _current(self) -> tuple[Snapshot, Unreadable | None]:
        """The snapshot of the file as it is now (opened anew when it changed), entered, and
        why it is not the current file's when it cannot be."""
        current = file_id(self.path)
        with self._lock:
            old = self._snapshot
            known_bad = self.unreadable is not None and self.unreadable.file_id == current
            if (old is None or old.file_id != current) and not (known_bad and old is not None):
                try:
                    fresh = Snapshot.open(self.path)
                except StorageError as exc:
                    fresh = self._unreadable(exc, current, old)
                else:
                    self.unreadable = None
                if fresh is not old:
                    self._snapshot = fresh
                    self.cache.clear()
                    if old is not None:
                        old.retire()
            snapshot = self._snapshot
            assert snapshot is not None
            snapshot.enter()
            return snapshot, self.unreadable

    def _unreadable(
        self, exc: StorageError, current: FileId | None, old: Snapshot | None
    ) -> Snapshot:
        """Records that the current file cannot be opened; returns what to show instead:
        the snapshot so far, else the newest kept release that opens (else raises)."""
        since = self.unreadable.since if self.unreadable else dt.datetime.now(dt.UTC)
        log.warning("cannot open %s, showing the previous data: %s", self.path, exc)
        if old is not None:
            self.unreadable = Unreadable(since, str(exc), current)
            return old
        for release in reversed(kept_releases(self.path)):
            with contextlib.suppress(StorageError):
                fallback = Snapshot.open(release)
                self.unreadable = Unreadable(since, str(exc), current, release)
                return fallback
        raise exc

    @contextlib.contextmanager
    def reader(self) -> Iterator[Reader]:
        snapshot, unreadable = self._current()
        audit_path = Store(self.path).audit_log
        reader = Reader(snapshot, self.cache, self.settings, unreadable, audit_path)
        try:
            yield reader
        finally:
            reader.close()
            snapshot.leave()

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.retire()
                self._snapshot = None
