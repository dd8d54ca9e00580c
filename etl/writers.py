"""Load: the checked rows of one file into the release, by the entity's load semantics.

Facts are upserted by key (a later row replaces an earlier one). Initiatives and stage
history also maintain `stage_entries`, the history that `stage(i, d)` reads. Usage events
are appended as immutable Parquet partitions, one folder per load and month, straight from
the file (`stream_events`) or from an adapter's checked rows (`append_checked_events`).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from etl.contracts import ENTITIES, columns_of
from etl.readers import SourceFile
from etl.storage import Store


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


NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
"""The folder DuckDB writes rows with a NULL partition value into: here, rejected events."""


def _copy_events_sql(checked_select: str, folder: Path, ok: str = "_ok") -> str:
    """The one COPY of checked events into Parquet partitions, one folder per month; a
    rejected row (`ok` false) goes to the NULL month (set aside, never registered)."""
    return f"""
        copy (
            select
                initiative_id,
                case when {ok}
                    then date_trunc('month', event_time::timestamp)::date end as month,
                case when {ok} then user_key(user_id) end as user_key,
                event_time,
                action
            from ({checked_select})
        ) to '{folder}' (format parquet, partition_by (month), write_partition_columns true,
                         filename_pattern 'events_{{i}}')
        """


def stream_events(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    load_id: int,
    index: int,
    checked_select: str,
    run: Callable[[str], Any],
) -> tuple[int, int, set[dt.date]]:
    """One pass from the file to Parquet partitions, one per month, without materialising
    the file: the fast path for event logs of millions of rows. Rejected rows are set aside
    (month NULL) only to be counted; returns (rows read, rows rejected, months written)."""
    folder = store.events_dir_of(load_id) / f"file-{index}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    [(rows_read,)] = run(_copy_events_sql(checked_select, folder))
    rejected = 0
    set_aside = folder / f"month={NULL_PARTITION}"
    if set_aside.exists():
        [(rejected,)] = con.execute(
            "select count(*) from read_parquet(?)", [str(set_aside / "*.parquet")]
        ).fetchall()
        shutil.rmtree(set_aside)
    return int(rows_read), int(rejected), register_partitions(con, store, load_id, folder)


def append_checked_events(
    con: duckdb.DuckDBPyConnection, store: Store, load_id: int, name: str, checked: str
) -> set[dt.date]:
    """The valid rows of a checked usage_events table (an adapter's output) as Parquet
    partitions in the load's folder `name`; returns the months written."""
    folder = store.events_dir_of(load_id) / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    valid = f"select * from {checked} where len(_problems) = 0"
    con.execute(_copy_events_sql(valid, folder, ok="true"))
    return register_partitions(con, store, load_id, folder)


def register_partitions(
    con: duckdb.DuckDBPyConnection, store: Store, load_id: int, folder: Path
) -> set[dt.date]:
    """Records the Parquet files of a load's events in `event_partitions`; returns months."""
    months: set[dt.date] = set()
    base = store.db.parent
    for month_dir in sorted(folder.glob("month=*")):
        month = dt.date.fromisoformat(month_dir.name.removeprefix("month="))
        months.add(month)
        for part in sorted(month_dir.glob("*.parquet")):
            con.execute(
                "insert into event_partitions select ?, ?, ?, count(*) from read_parquet(?)",
                [load_id, month, str(part.relative_to(base)), str(part)],
            )
    return months


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
