"""The DuckDB engine of the events seam (`etl.user_months`): one machine, one pass per file.

Each file streams once through the loader's checks into `grouped`, one row per keyed
user-month with its events (rejected rows fold into one row per file, counted); only a
file with rejects is read a second time, numbered, for their reasons, as `scaleboard load`
does. The default engine, and the reference the Spark engine is tested against.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import duckdb

from etl.readers import raw_select, read_raw, run_on_file
from etl.storage import configure
from etl.user_months import (
    ENTITY,
    MANIFEST,
    REJECT_COLUMNS_SQL,
    REJECTS_DIR,
    USERS_DIR,
    EngineError,
    EventFile,
    EventsJob,
    InputFile,
    Manifest,
    batch_connection_setup,
    check_plan,
    describe_local,
    prepare_connection,
    prepare_local_out,
)
from etl.validate import CheckPlan, check_select, check_sql
from etl.writers import EVENT_MONTH_SQL, EVENTS_FILE_FORMAT


class DuckDBEvents:
    """Event files to keyed user-months with DuckDB, in this process."""

    name = "duckdb"

    def __init__(self, memory_limit: str = "1GB") -> None:
        self.memory_limit = memory_limit

    def describe(self, paths: Sequence[str]) -> list[EventFile]:
        return describe_local(paths)

    def aggregate(self, job: EventsJob, out: str) -> Manifest:
        if "://" in out:
            raise EngineError(
                f"the DuckDB engine writes to a folder on this machine, not {out}; "
                "use --engine spark to write to a cluster's file system"
            )
        folder = Path(out)
        prepare_local_out(folder)
        (folder / USERS_DIR).mkdir(parents=True, exist_ok=True)
        (folder / REJECTS_DIR).mkdir(exist_ok=True)
        with contextlib.closing(configure(duckdb.connect())) as con:
            con.execute("set memory_limit = ?", [self.memory_limit])
            prepare_connection(con, batch_connection_setup(job), job.known_ids)
            con.execute(
                f"""
                create temp table grouped (file_index integer, ok boolean,
                    initiative_id varchar, month date, user_key {job.key.sql_type},
                    events bigint);
                create temp table rejected (file_index integer, row_number bigint,
                    column_name varchar, value varchar, reason varchar);
                """
            )
            inputs = [_one_file(con, job, i, f) for i, f in enumerate(job.files)]
            return _write_output(con, job, folder, inputs)


def _one_file(
    con: duckdb.DuckDBPyConnection, job: EventsJob, index: int, event_file: EventFile
) -> InputFile:
    path, header = Path(event_file.location), list(event_file.header)
    raw = raw_select(event_file.format, header, event_file.columns, ENTITY)
    checked = check_select(check_plan(job), f"({raw})", "cast(null as bigint)")
    run_on_file(
        con,
        f"""
        insert into grouped
        select {index}, _ok, case when _ok then initiative_id end,
               case when _ok then {EVENT_MONTH_SQL} end,
               case when _ok then user_key(user_id) end, count(*)
        from ({checked}) group by all
        """,
        path,
        event_file.format,
    )
    row = con.execute(
        "select coalesce(sum(events), 0), coalesce(sum(events) filter (where not ok), 0) "
        "from grouped where file_index = ?",
        [index],
    ).fetchone()
    assert row is not None
    read, rejected = int(row[0]), int(row[1])
    if rejected:
        _record_rejects(con, job, index, event_file)
    return InputFile(
        path=event_file.display,
        format=event_file.format,
        sha256=event_file.sha256,
        rows_read=read,
        rows_rejected=rejected,
        warnings=list(event_file.warnings),
    )


def _record_rejects(
    con: duckdb.DuckDBPyConnection, job: EventsJob, index: int, event_file: EventFile
) -> None:
    """The second, numbered read of a file with rejects (as `Loader._check` reads it)."""
    path = Path(event_file.location)
    header = list(event_file.header)
    read_raw(con, path, event_file.format, header, event_file.columns, "raw_events", ENTITY)
    base = check_plan(job)
    plan = CheckPlan(base.entity, "raw_events", base.reporting_currency, base.months)
    con.execute(check_sql(plan, "checked_events"))
    con.execute(
        f"insert into rejected select ?, _row, {REJECT_COLUMNS_SQL} "
        "from checked_events where not _ok order by _row",
        [index],
    )
    con.execute("drop table checked_events; drop table raw_events")


def _write_output(
    con: duckdb.DuckDBPyConnection, job: EventsJob, folder: Path, inputs: list[InputFile]
) -> Manifest:
    users = folder / USERS_DIR / "part-0.parquet"
    con.execute(
        f"""
        copy (
            select distinct initiative_id, month, user_key from grouped where ok
        ) to '{users}' ({EVENTS_FILE_FORMAT})
        """
    )
    [(rows,)] = con.execute(f"select count(*) from read_parquet('{users}')").fetchall()
    [(rejects,)] = con.execute("select count(*) from rejected").fetchall()
    if rejects:
        target = folder / REJECTS_DIR / "part-0.parquet"
        con.execute(
            f"copy (select * from rejected order by file_index, row_number) "
            f"to '{target}' ({EVENTS_FILE_FORMAT})"
        )
    months = con.execute(
        "select strftime(month, '%Y-%m-%d'), sum(events)::bigint from grouped where ok "
        "group by month order by month"
    ).fetchall()
    manifest = Manifest(
        engine="duckdb",
        key_format=job.key.key_format,
        key_fingerprint=job.key.fingerprint,
        plausible_months=job.months.describe(),
        files=inputs,
        months={month: int(n) for month, n in months},
        user_month_rows=int(rows),
    )
    (folder / MANIFEST).write_text(manifest.to_text())
    return manifest
