"""The storage seam: read-only snapshots that follow each committed load, a cache per
snapshot, and never a broken read."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pytest

from dashboard.db import Database, LruCache, file_id
from dashboard.filters import PageFilters
from dashboard.queries import shell as shell_q
from dashboard.views.portfolio import portfolio
from etl.config import Settings
from etl.load import load_files
from tests.conftest import write_csv
from tests.helpers import copy_store


@pytest.fixture
def db(tiny_db: Path, tmp_path: Path) -> Path:
    return copy_store(tiny_db, tmp_path / "copy")


def add_cost(db: Path, folder: Path, amount: float) -> None:
    path = write_csv(
        folder / f"costs-{amount}.csv",
        ("initiative_id", "month", "category", "amount"),
        [("a", "2026-03", "data", amount)],
    )
    assert load_files(db, [path], Settings()).exit_code == 0


def test_the_lru_cache_keeps_the_most_recent_entries() -> None:
    cache = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == (True, 1)
    cache.put("c", 3)  # evicts b, the least recently used
    assert cache.get("b") == (False, None)
    assert (cache.get("a"), cache.get("c"), len(cache)) == ((True, 1), (True, 3), 2)
    cache.clear()
    assert len(cache) == 0


def test_results_are_cached_per_snapshot(db: Path, tmp_path: Path) -> None:
    data = Database(db, Settings())
    with data.reader() as reader:
        first = reader.metrics(PageFilters())
        assert reader.metrics(PageFilters()) is first
        assert reader.snapshot.load_id == 1
    add_cost(db, tmp_path / "in", 1000)
    with data.reader() as reader:
        after = reader.metrics(PageFilters())
        assert reader.snapshot.load_id == 2
    assert after.total_cost == first.total_cost + 1000


def test_a_reader_keeps_its_state_while_a_load_switches_the_file(db: Path, tmp_path: Path) -> None:
    data = Database(db, Settings())
    with data.reader() as old:
        before = old.metrics(PageFilters()).total_cost
        add_cost(db, tmp_path / "in", 500)
        with data.reader() as new:
            assert new.snapshot is not old.snapshot
            assert new.metrics(PageFilters()).total_cost == before + 500
        # the old reader still answers from the state it started with
        assert old.fetch(shell_q.freshness).iloc[0]["load_id"] == 1
        old_snapshot = old.snapshot
    with pytest.raises(Exception, match="closed"):
        old_snapshot.con.execute("select 1")  # closed once its last reader left


def test_an_absent_file_reads_as_empty_until_a_load_creates_it(
    tmp_path: Path, tiny_db: Path
) -> None:
    db = tmp_path / "later.duckdb"
    data = Database(db, Settings())
    with data.reader() as reader:
        assert file_id(db) is None
        assert reader.metrics(PageFilters()).as_of is None
    copy_store(tiny_db, tmp_path / "src")
    os.replace(tmp_path / "src" / tiny_db.name, db)
    with data.reader() as reader:
        assert reader.metrics(PageFilters()).as_of == "2026-03"


def test_a_file_that_cannot_be_opened_keeps_the_previous_data(db: Path, tmp_path: Path) -> None:
    data = Database(db, Settings())
    with data.reader() as reader:
        before = reader.metrics(PageFilters())
    broken = tmp_path / "broken"
    broken.write_bytes(b"not a database")
    os.replace(broken, db)
    with data.reader() as reader:
        assert reader.metrics(PageFilters()) == before


def test_a_first_open_that_fails_raises_a_storage_error(tmp_path: Path) -> None:
    from etl.storage import StorageError

    db = tmp_path / "broken.duckdb"
    db.write_bytes(b"not a database")
    with pytest.raises(StorageError), Database(db, Settings()).reader():
        pass


def test_threads_read_concurrently(db: Path) -> None:
    data = Database(db, Settings(), cache_size=1)
    errors: list[BaseException] = []

    def work(unit: str) -> None:
        try:
            for _ in range(5):
                with data.reader() as reader:
                    reader.metrics(PageFilters(business_units=(unit,)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(u,)) for u in ("Finance", "Legal", "HR", "IT")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    data.close()


def test_concurrent_readers_compute_a_cold_value_once(tiny: Database) -> None:
    import threading
    import time

    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    def ask(out: list[int]) -> None:
        with tiny.reader() as reader:
            out.append(reader.cached(("single-flight-test",), slow))

    results: list[int] = []
    threads = [threading.Thread(target=ask, args=(results,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [42] * 4
    assert len(calls) == 1


def test_work_alongside_reads_the_same_snapshot_on_its_own_connection(db: Path) -> None:
    data = Database(db, Settings())
    earlier = PageFilters(as_of="2025-12")
    with data.reader() as reader:
        future = reader.alongside(lambda other: (other.metrics(earlier), other.con))
        here = reader.metrics(PageFilters())
        there, their_con = future.result()
        assert their_con is not reader.con  # DuckDB connections are not shared by threads
        assert reader.snapshot._users == 1  # the sibling has left
    with data.reader() as fresh:
        assert fresh.metrics(earlier) is there  # cached for every reader of the snapshot
        assert fresh.metrics(PageFilters()) is here
    data.close()


def test_a_snapshot_runs_duckdb_on_one_thread_and_leaves_other_databases_alone(
    db: Path, tmp_path: Path
) -> None:
    data, absent = Database(db, Settings()), Database(tmp_path / "absent.duckdb", Settings())
    setting = "select current_setting('threads')"
    with data.reader() as reader, absent.reader() as empty:
        sibling = reader.alongside(lambda other: other.con.execute(setting).fetchone())
        assert reader.con.execute(setting).fetchone() == (1,)
        assert sibling.result() == (1,)
        assert empty.con.execute(setting).fetchone() == (1,)
    with duckdb.connect() as elsewhere:  # a database of its own keeps DuckDB's default
        assert elsewhere.execute(setting).fetchone() == (os.cpu_count(),)
    data.close()
    absent.close()


def test_the_whole_initiatives_frame_serves_the_signalled_rows_too(db: Path) -> None:
    data = Database(db, Settings())
    with data.reader() as reader:
        program, everyone = reader.initiatives(PageFilters())
        signalled = reader.signalled(PageFilters())
        assert reader.metrics(PageFilters()) is program  # one run, not two
        assert set(signalled["initiative_id"]) <= set(everyone["initiative_id"])
    data.close()


@pytest.mark.parametrize(
    "filters",
    [PageFilters(), PageFilters(stages=("Experimentation",), as_of="2025-12")],
    ids=["default", "stage-at-an-earlier-month"],
)
def test_the_selection_alone_is_the_selection_of_the_figures(
    db: Path, filters: PageFilters
) -> None:
    data = Database(db, Settings())
    with data.reader() as reader:
        alone = reader.selection(filters)  # computed first: from the selection model only
        program = reader.metrics(filters)
    data.close()
    fields = ("as_of", "window", "currency", "initiative_ids")
    assert [getattr(alone, f) for f in fields] == [getattr(program, f) for f in fields]


def test_the_program_figures_alone_build_no_initiatives_frame(db: Path) -> None:
    data = Database(db, Settings())
    earlier = PageFilters(as_of="2025-12")

    def runs() -> list[str]:
        return sorted(k[1][0] for k in data.cache._items if k[1][0] != "reporting")

    with data.reader() as reader:
        alone = reader.program(earlier)
        assert runs() == ["program"]  # no frame: the portfolio's previous window lists none
        assert reader.program(earlier) is alone  # cached
        assert alone == reader.metrics(earlier)  # the same figures as a run with a frame
        data.cache.clear()
        program = reader.metrics(PageFilters())
        assert reader.program(PageFilters()) is program  # a run with its frame serves it
        assert runs() == ["signalled"]
    data.close()


def test_the_portfolio_reads_its_previous_window_as_program_figures_alone(db: Path) -> None:
    data = Database(db, Settings())
    with data.reader() as reader:
        portfolio(reader, "")
    runs = sorted(k[1][0] for k in data.cache._items if k[1][0] in ("program", "signalled"))
    data.close()
    assert runs == ["program", "signalled"]  # the previous window's, then this window's
