"""Read the load history and the rejects back out of a release."""

from __future__ import annotations

from typing import Any

import duckdb

from etl.sql_files import dict_rows


def list_loads(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Committed loads, newest first, with the files each read."""
    return dict_rows(
        con.execute(
            """
            select l.load_id, l.started_at, l.finished_at, l.status,
                   l.rows_read, l.rows_loaded, l.rows_rejected, l.rows_skipped,
                   list(f.path order by f.path) as files
            from loads as l left join load_files as f using (load_id)
            group by all order by l.load_id desc
            """
        )
    )


def list_rejects(
    con: duckdb.DuckDBPyConnection, load_id: int | None = None
) -> tuple[int | None, list[dict[str, Any]]]:
    """The rejects of one load (default: the latest load that has rejects)."""
    if load_id is None:
        row = con.execute("select max(load_id) from rejects").fetchone()
        load_id = row[0] if row else None
    rows = dict_rows(
        con.execute(
            "select source_file, entity, row_number, column_name, value, reason from rejects "
            "where load_id = ? order by source_file, row_number",
            [load_id],
        )
    )
    return load_id, rows
