"""`--format focus`: FinOps FOCUS 1.0 to 1.2 cost and usage exports (CSV or Parquet) -> costs.

Every source record is a charge of one billing account. Its initiative is the value of the tag
`--initiative-tag KEY` in the `Tags` JSON, mapped through `--map` (tag_value,initiative_id) or
else read as an initiative id; its category comes from ServiceCategory / ChargeCategory through
`data/mappings/focus_categories.csv`; its month is the UTC month of ChargePeriodStart. Charges
are summed per (initiative, month, category) into cost rows whose source is
`focus:<BillingAccountId>:<YYYY-MM of BillingPeriodStart>`, so credits net against charges and
a newer export of the same account and period replaces the older one's rows as a whole. A net
below zero is rejected; cost no initiative claims is kept as unallocated spend.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from etl.adapters.base import (
    MAPPINGS,
    AdapterError,
    AdapterOptions,
    Conversion,
    Converted,
    Mapping,
    mapping_table,
    read_mapping,
)
from etl.contracts.entities import CostCategory
from etl.readers import RefusedFile, csv_header, strict_csv_scan
from etl.validate import quote_ident

REQUIRED = ("BillingAccountId", "BillingPeriodStart", "ChargePeriodStart", "BillingCurrency")
OPTIONAL = ("ServiceCategory", "ChargeCategory", "Tags")
DEFAULT_COST = "EffectiveCost"
CATEGORY_COLUMNS = ("service_category", "charge_category", "category")
TAG_COLUMNS = ("tag_value", "initiative_id")

_ISO = r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?"
_ZONED = r"[T ]\d{2}:\d{2}.*(Z|[+-]\d{2}(:?\d{2})?)$"

_ROWS = r"""
create or replace temp table {p}_rows as
with billing_periods as (
    select
        billing_period,
        case when regexp_full_match(upper(billing_period), '{iso}')
            then date_trunc('month', try_cast(left(billing_period, 10) as date))::date
        end as period
    from (select distinct billing_period from {p}_read)
),

charge_periods as (
    select
        charge_period,
        date_trunc('month', case
            when not regexp_full_match(upper(charge_period), '{iso}') then null
            when regexp_matches(upper(charge_period), '{zoned}')
                then timezone('UTC', try_cast(upper(charge_period) as timestamptz))
            else try_cast(upper(charge_period) as timestamp)
        end)::date as month
    from (select distinct charge_period from {p}_read)
),

tag_objects as (
    select
        tags,
        case when json_valid(tags) then json_type(tags) = 'OBJECT' else false end as tags_object
    from (select distinct tags from {p}_read where tags is not null)
),

tag_sets as (
    select
        tags,
        tags_object,
        nullif(trim(case
            when not tags_object then null
            when json_extract_string(tags, $path) is not null
                then json_extract_string(tags, $path)
            when contains(lower(tags), lower(trim($tag))) then list_filter(
                map_entries(json_transform(tags, '"MAP(VARCHAR, VARCHAR)"')),
                lambda e: lower(trim(e.key)) = lower(trim($tag))
            )[1].value
        end), '') as tag_value
    from tag_objects
),

typed as (
    select
        r.rowid + 1 as _source_row,
        r.*,
        b.period,
        c.month,
        case when regexp_full_match(r.currency_text, '[A-Za-z]{{3}}')
            then upper(r.currency_text) end as currency,
        try_cast(r.cost as decimal(38, 18)) as amount,
        coalesce(t.tags_object, false) as tags_object,
        t.tag_value
    from {p}_read as r
    left join billing_periods as b on b.billing_period = r.billing_period
    left join charge_periods as c on c.charge_period = r.charge_period
    left join tag_sets as t on t.tags = r.tags
),

checked as (
    select
        *,
        'focus:' || account || ':' || strftime(period, '%Y-%m') as source,
        case when account is null or period is null or month is null or currency is null
            or amount is null then list_filter([{problems}], lambda p: p is not null)
        end as problems
    from typed
),

known as (
    select lower(trim(initiative_id)) as key, min(initiative_id) as initiative_id
    from initiatives group by 1
),

pairs as (
    select p.service_key, p.charge_key, arg_max(m.category, m.rank) as category
    from (
        select distinct
            coalesce(lower(trim(service_category)), '') as service_key,
            coalesce(lower(trim(charge_category)), '') as charge_key
        from checked
    ) as p
    join {p}_categories as m
        on m.service_key in (p.service_key, '*') and m.charge_key in (p.charge_key, '*')
    group by all
)

select
    c._source_row, c.problems, c.source, c.month, c.currency, c.amount,
    c.service_category, c.charge_category, c.tag_value,
    coalesce(k.initiative_id, t.target) as initiative_id,
    pairs.category is null as category_unmapped,
    coalesce(pairs.category, 'other') as category,
    case
        when c.tags is null then 'no tag ' || $tag
        when not c.tags_object then 'Tags is not a JSON object'
        when c.tag_value is null then 'no tag ' || $tag
        else 'tag ' || $tag || '=' || c.tag_value || ' maps to no initiative'
    end as unallocated_reason
from checked as c
left join {p}_tags as t on t.source_key = lower(c.tag_value)
left join known as k on k.key = lower(coalesce(t.target, c.tag_value))
left join pairs
    on pairs.service_key = coalesce(lower(trim(c.service_category)), '')
    and pairs.charge_key = coalesce(lower(trim(c.charge_category)), '')
"""

_GROUPS = """
create or replace temp table {p}_groups as
select
    initiative_id, month, category, currency, source,
    sum(amount) as net, min(_source_row) as first_row, count(*) as records
from {p}_rows
where problems is null and initiative_id is not null
group by initiative_id, month, category, currency, source
"""

_COSTS = """
create or replace temp table {p}_costs as
select
    initiative_id as _raw_initiative_id,
    strftime(month, '%Y-%m') as _raw_month,
    category as _raw_category,
    net::varchar as _raw_amount,
    currency as _raw_currency,
    source as _raw_source,
    first_row as _source_row,
    records as _weight
from {p}_groups
where net >= 0
order by first_row
"""

_REJECTS = """
create or replace temp table {p}_rejects as
select
    _source_row,
    problems[1].column_name as column_name,
    problems[1].value as value,
    array_to_string(list_transform(problems, lambda p: p.reason), '; ') as reason,
    1::bigint as _weight
from {p}_rows
where problems is not null
union all
select
    first_row,
    'amount',
    net::decimal(38, 12)::varchar,
    'the net amount ' || net::decimal(38, 12)::varchar || ' ' || currency || ' of initiative '
    || initiative_id || ', month ' || strftime(month, '%Y-%m') || ', category ' || category
    || ', source ' || source || ' (' || records || ' rows, the first at row ' || first_row
    || ') is negative: its credits and refunds exceed its charges',
    records
from {p}_groups
where net < 0
"""

_UNALLOCATED = """
create or replace temp table {p}_unallocated as
select
    source, month, currency, sum(amount)::decimal(38, 12) as amount, count(*) as _weight,
    unallocated_reason as reason
from {p}_rows
where problems is null and initiative_id is null
group by source, month, currency, unallocated_reason
"""

_CATEGORY_REPORT = """
select
    coalesce(min(service_category), '(blank)') || ' / '
    || coalesce(min(charge_category), '(blank)'),
    case when bool_and(category_unmapped) then null else min(category) end,
    count(*)
from {p}_rows
where problems is null
group by lower(trim(service_category)), lower(trim(charge_category))
order by 1
"""

_TAG_REPORT = """
select tag_value, min(initiative_id), count(*)
from {p}_rows
where problems is null
group by tag_value
order by tag_value nulls first
"""


def _problem(label: str, raw: str, parsed: str, expected: str) -> str:
    """A struct naming the column, its value and what is wrong, when `parsed` is NULL."""
    reason = f"{label} || coalesce(' ' || {raw} || ' is not {expected}', ' is blank')"
    return (
        f"case when {parsed} is null then "
        f"{{'column_name': {label}, 'value': {raw}, 'reason': {reason}}} end"
    )


_PROBLEMS = ", ".join(
    [
        _problem("'BillingAccountId'", "account", "account", ""),
        _problem("'BillingPeriodStart'", "billing_period", "period", "an ISO 8601 date-time"),
        _problem("'ChargePeriodStart'", "charge_period", "month", "an ISO 8601 date-time"),
        _problem("'BillingCurrency'", "currency_text", "currency", "a 3-letter currency code"),
        _problem("$cost_column", "cost", "amount", "a decimal number"),
    ]
)


def _scan(path: Path) -> str:
    if ".parquet" in [s.lower() for s in path.suffixes]:
        return "read_parquet(?)"
    return strict_csv_scan(csv_header(path))


def _file_columns(
    con: duckdb.DuckDBPyConnection, scan: str, path: Path
) -> dict[str, tuple[str, str]]:
    """The file's columns: trimmed lower-case name -> (name as written, DuckDB type)."""
    described = con.execute(f"describe select * from {scan}", [str(path)]).fetchall()
    return {str(name).strip().lower(): (str(name), str(kind)) for name, kind, *_ in described}


def _text(column: tuple[str, str] | None) -> str:
    """A column as trimmed text; blank and the literal NULL (any case) become NULL."""
    if column is None:
        return "cast(null as varchar)"
    name, kind = column
    value = f"cast({quote_ident(name)} as varchar)"
    if kind.upper().startswith(("MAP", "STRUCT")):  # Parquet exports may store Tags as a map
        value = f"cast(to_json({quote_ident(name)}) as varchar)"
    return f"case when upper(trim({value})) in ('', 'NULL') then null else trim({value}) end"


def _select_columns(
    columns: dict[str, tuple[str, str]], cost_column: str
) -> tuple[dict[str, tuple[str, str] | None], list[str]]:
    """The columns the adapter reads, and notes on optional ones the file lacks."""
    missing = [c for c in (*REQUIRED, cost_column) if c.lower() not in columns]
    if missing:
        raise AdapterError(
            f"not a FOCUS export: it has no column {', '.join(missing)} (names are compared "
            "ignoring case; --cost-column names the cost column, default EffectiveCost)"
        )
    notes = [
        f"the file has no {name} column: "
        + ("every row is kept as unallocated spend" if name == "Tags" else "read as blank")
        for name in OPTIONAL
        if name.lower() not in columns
    ]
    wanted = {
        "account": "BillingAccountId",
        "billing_period": "BillingPeriodStart",
        "charge_period": "ChargePeriodStart",
        "currency_text": "BillingCurrency",
        "cost": cost_column,
        "service_category": "ServiceCategory",
        "charge_category": "ChargeCategory",
        "tags": "Tags",
    }
    return {alias: columns.get(name.lower()) for alias, name in wanted.items()}, notes


def _map_header(path: Path) -> list[str]:
    if not path.exists():
        raise AdapterError(f"the mapping file {path} does not exist")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def _category_table(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    """The category mapping as (service_key, charge_key, category, rank); `*` or a blank cell
    matches any value, and the more specific row wins (both > service > charge > neither)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            tuple((row.get(c) or "").strip() for c in CATEGORY_COLUMNS)
            for row in csv.DictReader(handle)
        ]
    known = {c.value for c in CostCategory}
    wrong = sorted({r[2] for r in rows if r[2].lower() not in known})
    if wrong:
        raise AdapterError(
            f"the mapping file {path} maps to {', '.join(map(repr, wrong))}, which is not a "
            f"cost category ({', '.join(sorted(known))})"
        )
    con.execute(
        f"create or replace temp table {table} "
        "(service_key varchar, charge_key varchar, category varchar, rank integer)"
    )
    keys = [(s.lower() or "*", c.lower() or "*", cat.lower()) for s, c, cat in rows]
    con.executemany(
        f"insert into {table} values (?, ?, ?, ?)",
        [(s, c, cat, 2 * (s != "*") + (c != "*")) for s, c, cat in keys],
    )


def _mapping_tables(con: duckdb.DuckDBPyConnection, options: AdapterOptions, prefix: str) -> None:
    """`{prefix}_categories` and `{prefix}_tags`. `--map` replaces the category mapping when
    its header is service_category,charge_category,category, else it is the tag map."""
    categories = MAPPINGS / "focus_categories.csv"
    tags: dict[str, str] = {}
    if options.map_file is not None:
        header = set(_map_header(options.map_file))
        if set(CATEGORY_COLUMNS) <= header:
            categories = options.map_file
        elif set(TAG_COLUMNS) <= header:
            tags = read_mapping("focus_initiatives", options, TAG_COLUMNS)
        else:
            raise AdapterError(
                f"the mapping file {options.map_file} needs the columns tag_value,initiative_id "
                "(a tag map) or service_category,charge_category,category (a category map)"
            )
    if not categories.exists():
        raise AdapterError(f"the mapping file {categories} does not exist")
    _category_table(con, categories, f"{prefix}_categories")
    mapping_table(con, f"{prefix}_tags", tags)


def _read(
    con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
) -> tuple[str, list[str]]:
    """Reads the columns the adapter needs into `{prefix}_read`; returns the cost column as
    the file names it, and notes."""
    try:
        scan = _scan(path)
        columns = _file_columns(con, scan, path)
    except (duckdb.Error, RefusedFile) as exc:
        why = exc.why if isinstance(exc, RefusedFile) else str(exc).splitlines()[0]
        raise AdapterError(f"cannot be read as a FOCUS CSV or Parquet file: {why}") from None
    selected, notes = _select_columns(columns, (options.cost_column or DEFAULT_COST).strip())
    select = ", ".join(f"{_text(column)} as {alias}" for alias, column in selected.items())
    con.execute(
        f"create or replace temp table {prefix}_read as select {select} from {scan}",
        [str(path)],
    )
    cost = selected["cost"]
    assert cost is not None  # checked by _select_columns
    return cost[0], notes


def _reports(
    con: duckdb.DuckDBPyConnection, prefix: str, tag: str
) -> tuple[list[Mapping], list[str]]:
    mappings = [
        Mapping("ServiceCategory / ChargeCategory", value, category, int(rows))
        for value, category, rows in con.execute(_CATEGORY_REPORT.format(p=prefix)).fetchall()
    ]
    mappings += [
        Mapping(f"Tags.{tag}", value, initiative, int(rows))
        for value, initiative, rows in con.execute(_TAG_REPORT.format(p=prefix)).fetchall()
    ]
    unmapped = [f"{m.source_value} ({m.rows} rows)" for m in mappings if _unmapped(m)]
    notes = (
        [f"no row of the category mapping matches {', '.join(unmapped)}: booked as other"]
        if unmapped
        else []
    )
    return mappings, notes


def _unmapped(mapping: Mapping) -> bool:
    return mapping.source_column.startswith("ServiceCategory") and mapping.mapped_to is None


class Focus:
    name = "focus"
    produces: tuple[str, ...] = ("costs",)
    summary = (
        "FinOps FOCUS 1.0-1.2 cost exports (CSV or Parquet) -> costs per initiative tag; "
        "untagged spend kept as unallocated"
    )
    example = "scaleboard load --format focus --initiative-tag initiative focus_2024-09.parquet"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        tag = (options.initiative_tag or "").strip()
        if not tag:
            raise AdapterError(
                "--format focus needs --initiative-tag KEY (the tag whose value names the "
                "initiative, optionally mapped with --map tag_value,initiative_id)"
            )
        _mapping_tables(con, options, prefix)
        cost_column, notes = _read(con, path, options, prefix)
        params = {"tag": tag, "path": "$." + json.dumps(tag), "cost_column": cost_column}
        con.execute(_ROWS.format(p=prefix, iso=_ISO, zoned=_ZONED, problems=_PROBLEMS), params)
        for sql in (_GROUPS, _COSTS, _REJECTS, _UNALLOCATED):
            con.execute(sql.format(p=prefix))
        sources = con.execute(
            f"select distinct source from {prefix}_rows where source is not null order by 1"
        ).fetchall()
        [(rows_read,)] = con.execute(f"select count(*) from {prefix}_read").fetchall()
        mappings, mapping_notes = _reports(con, prefix, tag)
        return Conversion(
            outputs=[Converted("costs", f"{prefix}_costs", tuple(s for (s,) in sources))],
            rows_read=int(rows_read),
            rejects_table=f"{prefix}_rejects",
            unallocated_table=f"{prefix}_unallocated",
            mappings=mappings,
            notes=notes + mapping_notes,
        )
