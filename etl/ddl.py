"""DuckDB tables derived from the contract, plus the load's own audit and mart tables."""

from __future__ import annotations

import duckdb

from etl.contracts import ENTITIES, STAGE_ORDER, columns_of

SCHEMA_VERSION = 5
"""Bump when a table changes shape, and add the step to `MIGRATIONS`."""

_SIGHTINGS_V4 = """
create table if not exists inventory_sightings (
    initiative_id varchar, inventory_year integer, as_of date, business_unit varchar,
    name varchar, stage varchar, stage_date date, status varchar, program_owner varchar,
    risk_tier varchar, started_on date, description varchar,
    load_id bigint, source_file varchar, row_number bigint
)"""
"""`inventory_sightings` as version 4 made it, for the migration to version 5."""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 2: the monthly actives the events engine writes are a source that staging reads, not
    # a mart; marts and views are rebuilt by every upgrade, so only tables move here.
    2: ("alter table if exists mart_monthly_active rename to usage_monthly_active",),
    # 3: new tables only (cost_reconciliation, adoption_reports): `create_schema` adds them.
    3: (),
    # 4: a new table only (inventory_sightings), created here so that step 5 finds it.
    4: (_SIGHTINGS_V4,),
    # 5: whether a sighting's (agency, name) is the only one in its file, which matching
    # across years needs; a file's rejected rows were not kept, so older sightings count
    # the stored rows of their file only.
    5: (
        "alter table inventory_sightings add column if not exists is_name_unique boolean",
        """
        update inventory_sightings as s set is_name_unique = c.is_name_unique
        from (
            select
                initiative_id,
                inventory_year,
                count(*) over (
                    partition by inventory_year, source_file, business_unit,
                        lower(regexp_replace(trim(name), '\\s+', ' ', 'g'))
                ) = 1 as is_name_unique
            from inventory_sightings
        ) as c
        where s.is_name_unique is null
            and s.initiative_id = c.initiative_id and s.inventory_year = c.inventory_year
        """,
    ),
}
"""The statements that bring a database of version N-1 to version N."""

BOOKKEEPING_DDL = """
create table if not exists meta (name varchar primary key, value varchar);
create table if not exists loads (
    load_id bigint primary key, started_at timestamptz, finished_at timestamptz,
    status varchar, command varchar,
    rows_read bigint, rows_loaded bigint, rows_rejected bigint, rows_skipped bigint
);
create table if not exists load_files (
    load_id bigint, path varchar, entity varchar, format varchar, sha256 varchar,
    rows_read bigint, rows_loaded bigint, rows_rejected bigint, skipped boolean,
    warnings varchar[]
);
create table if not exists rejects (
    load_id bigint, source_file varchar, entity varchar, row_number bigint,
    column_name varchar, value varchar, reason varchar
);
create table if not exists stage_entries (
    initiative_id varchar, stage varchar, entered_on date, origin varchar
);
create table if not exists event_partitions (
    load_id bigint, month date, path varchar, rows bigint
);
create table if not exists adapter_mappings (
    load_id bigint, source_file varchar, adapter varchar, source_column varchar,
    source_value varchar, mapped_to varchar, rows bigint
);
create table if not exists unallocated_costs (
    load_id bigint, source_file varchar, source varchar, month date, currency varchar,
    amount decimal(38, 12), source_rows bigint, reason varchar
);
-- Where each unit of a cost export's cost column went (etl/reconciliation.py).
create table if not exists cost_reconciliation (
    load_id bigint, source_file varchar, billing_period varchar, currency varchar,
    outcome varchar, reason varchar, amount decimal(38, 18), source_rows bigint
);
-- Report figures of usage reports that state adoption for a period (Microsoft 365
-- Copilot), kept with their kind and period; stg_adoption resolves a month's figure.
create table if not exists adoption_reports (
    initiative_id varchar, month date, report_kind varchar, period_days integer,
    report_date date, active_users bigint, eligible_users bigint,
    load_id bigint, source_file varchar, row_number bigint
);
-- What each US federal AI use-case inventory said of each use case it reported
-- (etl/inventories.py); their state and stage history are resolved from these by year,
-- and a use case of another year matches by (agency, name) only when `is_name_unique`.
create table if not exists inventory_sightings (
    initiative_id varchar, inventory_year integer, as_of date, business_unit varchar,
    name varchar, stage varchar, stage_date date, status varchar, program_owner varchar,
    risk_tier varchar, started_on date, description varchar,
    load_id bigint, source_file varchar, row_number bigint, is_name_unique boolean
);
-- Distinct users per initiative and month, written by the events engine (etl/events.py).
create table if not exists usage_monthly_active (
    initiative_id varchar, month date, active_users bigint
);
"""


def entity_table_ddl(entity: str) -> str:
    """`create table` for one entity, columns and types from its contract model."""
    model = ENTITIES[entity]
    columns = [f"{c.name} {c.sql_type}" for c in columns_of(model)]
    columns += ["load_id bigint", "source_file varchar", "row_number bigint"]
    return f"create table if not exists {entity} ({', '.join(columns)})"


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version a database records, or None for one without `meta`."""
    try:
        row = con.execute("select value from meta where name = 'schema_version'").fetchone()
    except duckdb.CatalogException:  # no meta table: not a Scaleboard database (yet)
        return None
    return int(row[0]) if row else None


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Applies the migrations after the stored version, in order (none for a new file)."""
    version = stored_version(con)
    if version is None:
        return
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS.get(step, ()):
            con.execute(statement)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Creates every table this version expects (usage events live in Parquet partitions),
    migrating an older schema first."""
    migrate(con)
    con.execute(BOOKKEEPING_DDL)
    for entity in ENTITIES:
        if entity != "usage_events":
            con.execute(entity_table_ddl(entity))
    con.execute("create or replace table stage_order (stage varchar, stage_rank integer)")
    con.executemany(
        "insert into stage_order values (?, ?)",
        [(stage, rank) for rank, stage in enumerate(STAGE_ORDER, start=1)],
    )
    con.execute("insert or replace into meta values ('schema_version', ?)", [str(SCHEMA_VERSION)])
