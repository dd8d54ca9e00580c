"""Load: the checked rows of one file into the release, by the entity's load semantics.

Facts are upserted by key (a later row replaces an earlier one). Initiatives and stage
history also maintain `stage_entries`, the history that `stage(i, d)` reads. Usage events
are appended as immutable Parquet files, one per input file in a folder per load, straight
from the file (`stream_events`) or from an adapter's checked rows (`append_checked_events`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from etl.contracts import ENTITIES, columns_of
from etl.files import duckdb_write_failure
from etl.readers import RefusedFile, SourceFile
from etl.storage import StorageError, Store


def _valid_rows(
    con: duckdb.DuckDBPyConnection, entity: str, checked: str, load_id: int, source: SourceFile
) -> None:
    names = ", ".join(c.name for c in columns_of(ENTITIES[entity]))
    con.execute(
        f"""
        create or replace temp table valid_rows as
        select {names}, ?::bigint as load_id, ?::varchar as source_file, _row as row_number
        from {checked} where _ok
        """,
        [load_id, str(source.path)],
    )


def _key_match(table: str, key: tuple[str, ...], other: str = "v") -> str:
    return " and ".join(f"{table}.{k} = {other}.{k}" for k in key)


def upsert(con: duckdb.DuckDBPyConnection, entity: str) -> None:
    """Rows of `valid_rows` replace the stored rows with the same key."""
    key = ENTITIES[entity].key
    con.execute(f"delete from {entity} using valid_rows v where {_key_match(entity, key)}")
    con.execute(f"insert into {entity} by name select * from valid_rows")


def add_initiative_entries(con: duckdb.DuckDBPyConnection, scope: str) -> None:
    """Each initiative's current (stage, stage_entered_on) is a history entry; it wins over
    any other entry of the same day."""
    con.execute(
        f"""
        delete from stage_entries s using initiatives i
        where s.initiative_id = i.initiative_id and s.entered_on = i.stage_entered_on
          and i.initiative_id in ({scope})
        """
    )
    con.execute(
        f"""
        insert into stage_entries
        select initiative_id, stage, stage_entered_on, 'initiatives' from initiatives
        where initiative_id in ({scope})
        """
    )


def replace_history(con: duckdb.DuckDBPyConnection) -> None:
    """A stage_history file is authoritative for the initiatives it names."""
    named = "select distinct initiative_id from valid_rows"
    con.execute(f"delete from stage_history where initiative_id in ({named})")
    con.execute("insert into stage_history by name select * from valid_rows")
    con.execute(f"delete from stage_entries where initiative_id in ({named})")
    con.execute(
        "insert into stage_entries "
        "select initiative_id, stage, entered_on, 'stage_history' from valid_rows"
    )
    add_initiative_entries(con, named)


EVENTS_FILE_FORMAT = "format parquet, parquet_version v2"
"""Parquet v2: its delta encodings halve an events file, written and read at the same speed."""


EVENT_MONTH_SQL = "date_trunc('month', make_timestamp(epoch_us(event_time)))::date"
"""The UTC month of a checked event's `event_time` (a timestamptz): the month it counts in."""


def _copy_events_sql(checked_select: str, target: Path, ok: str = "_ok") -> str:
    """The one COPY of checked events into one Parquet file. A rejected row (`ok` false)
    is written with no month and no user key, only to be counted and then removed.

    One file per input file, not one per month: partitioning the write by month costs
    about a third of the load, and `event_partitions` names the file under every month it
    holds (a refresh reads it filtered by month)."""
    return f"""
        copy (
            select
                initiative_id,
                case when {ok} then {EVENT_MONTH_SQL} end as month,
                case when {ok} then user_key(user_id) end as user_key,
                event_time,
                action
            from ({checked_select})
        ) to '{target}' ({EVENTS_FILE_FORMAT})
        """


def stream_events(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    load_id: int,
    index: int,
    checked_select: str,
    run: Callable[[str], Any],
) -> tuple[int, int, set[dt.date]]:
    """One pass from the file to one Parquet file, without materialising the file: the
    fast path for event logs of millions of rows. Rejected rows are counted, then removed
    from the file; returns (rows read, rows rejected, months written)."""
    target = _events_file(store, load_id, f"file-{index}")
    try:
        [(rows_read,)] = run(_copy_events_sql(checked_select, target))
    except RefusedFile as exc:
        # `run` blames the input for any error; one writing the events file is no fault of
        # the input (a full disk): the DuckDB error it came from says which it was.
        written = duckdb_write_failure(exc.__context__)
        if written:
            raise StorageError(written) from None
        raise
    rows_by_month = register_events_file(con, store, load_id, target)
    kept = sum(rows_by_month.values())
    rejected = int(rows_read) - kept
    if not kept:
        target.unlink()  # nothing to keep: no file that no release would name
    elif rejected:
        _drop_rejected(con, target)
    return int(rows_read), rejected, set(rows_by_month)


def _events_file(store: Store, load_id: int, name: str) -> Path:
    folder = store.events_dir_of(load_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.parquet"


def _relative(store: Store, path: Path) -> str:
    return str(path.relative_to(store.db.parent))


def _drop_rejected(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Rewrites an events file without its rejected rows (those with no month)."""
    aside = target.with_suffix(".tmp")
    con.execute(
        f"copy (select * from read_parquet('{target}') where month is not null) "
        f"to '{aside}' ({EVENTS_FILE_FORMAT})"
    )
    aside.replace(target)


def append_checked_events(
    con: duckdb.DuckDBPyConnection, store: Store, load_id: int, name: str, checked: str
) -> set[dt.date]:
    """The valid rows of a checked usage_events table (an adapter's output) as one Parquet
    file `name` in the load's folder; returns the months written."""
    target = _events_file(store, load_id, name)
    valid = f"select * from {checked} where len(_problems) = 0"
    con.execute(_copy_events_sql(valid, target, ok="true"))
    return set(register_events_file(con, store, load_id, target))


def register_events_file(
    con: duckdb.DuckDBPyConnection, store: Store, load_id: int, path: Path
) -> dict[dt.date, int]:
    """Records a load's events file in `event_partitions`, once per month it holds, with
    that month's row count; returns the rows per month."""
    rows = con.execute(
        """
        insert into event_partitions
        select ?, month, ?, count(*) from read_parquet(?)
        where month is not null group by month
        returning month, rows
        """,
        [load_id, _relative(store, path), str(path)],
    ).fetchall()
    return {month: int(count) for month, count in rows}


def apply_rows(
    con: duckdb.DuckDBPyConnection, load_id: int, source: SourceFile, checked: str
) -> None:
    """Stores the good rows of `checked` by the entity's load semantics."""
    _valid_rows(con, source.entity, checked, load_id, source)
    if source.entity == "stage_history":
        replace_history(con)
    else:
        upsert(con, source.entity)
    if source.entity == "initiatives":
        add_initiative_entries(con, "select initiative_id from valid_rows")
    con.execute("drop table valid_rows")
