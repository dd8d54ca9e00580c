"""Transform and check: vectorized SQL, generated from the contract, that parses every raw
text cell into its typed column and lists every rule each row breaks.

The generated `create table ... as select` yields the typed columns, `_row`, and
`_problems`: a sorted list of {pos, column_name, value, reason}, empty for a good row.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.contracts import ENTITIES, Column, Kind, columns_of
from etl.contracts.entities import Entity
from etl.identifiers import FLAW_FUNCTION, flaw_sql
from etl.period import PlausibleMonths

TRUE_WORDS = ("true", "t", "yes", "1")
FALSE_WORDS = ("false", "f", "no", "0")

EXPECTED: dict[Kind, str] = {
    Kind.TEXT: "text",
    Kind.INT: "a whole number",
    Kind.DECIMAL: "a decimal number",
    Kind.FLOAT: "a finite number",
    Kind.BOOL: "a boolean (true/false, t/f, yes/no, 1/0)",
    Kind.DATE: "a date YYYY-MM-DD",
    Kind.MONTH: "a month YYYY-MM",
    Kind.TIMESTAMP: "an ISO 8601 timestamp",
    Kind.ENUM: "one of",
    Kind.CURRENCY: "an ISO 4217 currency code (3 letters)",
}


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(quote_literal(w) for w in words)


NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
"""A decimal literal: digits, an optional fraction and exponent; no separators."""

GUARDED: dict[Kind, tuple[str, str]] = {
    Kind.INT: (r"[+-]?[0-9]+", "try_cast({raw} as bigint)"),
    Kind.DATE: (r"\d{4}-\d{2}-\d{2}", "try_cast({raw} as date)"),
    Kind.MONTH: (r"\d{4}-\d{2}", "try_cast({raw} || '-01' as date)"),
    Kind.CURRENCY: (r"[A-Za-z]{3}", "upper({raw})"),
    # DuckDB's number casts take digit separators (1_000 would read 1000): plain digits only
    Kind.DECIMAL: (NUMBER, "try_cast({raw} as decimal(38, 12))"),
    # + 0.0 turns -0 into 0 (IEEE: -0 + 0 = +0); isfinite drops inf and nan
    Kind.FLOAT: (
        NUMBER,
        "case when isfinite(try_cast({raw} as double)) then try_cast({raw} as double) + 0.0 end",
    ),
}
"""Kinds whose text must match a pattern before it is cast (DuckDB's casts are lenient)."""


def parse_expr(column: Column, raw: str) -> str:
    """SQL that turns the trimmed raw text `raw` into the column's type, NULL when invalid."""
    kind = column.kind
    if kind in GUARDED:
        pattern, cast = GUARDED[kind]
        matches = f"regexp_full_match({raw}, {quote_literal(pattern)})"
        return f"case when {matches} then {cast.format(raw=raw)} end"
    if kind == Kind.TIMESTAMP:  # DuckDB's own parser is strict enough here
        return f"try_cast({raw} as {column.sql_type})"
    if kind == Kind.BOOL:
        return (
            f"case when lower({raw}) in ({_words(TRUE_WORDS)}) then true "
            f"when lower({raw}) in ({_words(FALSE_WORDS)}) then false end"
        )
    if kind == Kind.ENUM:
        whens = " ".join(
            f"when {quote_literal(choice.lower())} then {quote_literal(choice)}"
            for choice in column.choices
        )
        return f"case lower({raw}) {whens} end"
    return raw


def _expected(column: Column) -> str:
    if column.kind == Kind.ENUM:
        return "one of " + ", ".join(column.choices)
    return EXPECTED[column.kind]


@dataclass(frozen=True)
class Problem:
    """One rule a row can break: when `when` holds, the row's `column` (its raw text `raw`)
    breaks it for `reason`; `pos` orders the columns (the first one is reported)."""

    pos: int
    column: str
    raw: str
    when: str
    reason: str

    def struct_sql(self) -> str:
        return (
            f"case when {self.when} then {{'pos': {self.pos}, "
            f"'column_name': {quote_literal(self.column)}, 'value': {self.raw}, "
            f"'reason': {self.reason}}} end"
        )


def _problem(pos: int, column: str, raw: str, when: str, reason_sql: str) -> Problem:
    return Problem(pos, column, raw, when, reason_sql)


DATED = (Kind.MONTH, Kind.DATE, Kind.TIMESTAMP)


def _range_problem(
    pos: int, column: Column, raw: str, parsed: str, months: PlausibleMonths
) -> Problem:
    """A month, date or time outside the plausible months: a typo such as 9999-12 or
    0000-01, which would load, then break the calendar arithmetic of every figure."""
    day = f"cast({parsed} as date)" if column.kind == Kind.TIMESTAMP else parsed
    first, last = (
        quote_literal(months.first.isoformat()),
        quote_literal(months.last_day.isoformat()),
    )
    when = f"{day} not between cast({first} as date) and cast({last} as date)"
    reason = (
        f"{quote_literal(column.name)} || ' ' || {raw} || ' is outside the plausible months "
        f"{months.describe()} (settings SCALEBOARD_EARLIEST_MONTH, SCALEBOARD_YEARS_AHEAD)'"
    )
    return _problem(pos, column.name, raw, when, reason)


def _shape_problem(pos: int, column: Column) -> Problem:
    """A JSON value of a type the column cannot hold (see `etl.readers.raw_select`)."""
    bad = f"_bad_{column.name}"
    got = (
        f"case json_type({bad}) when 'OBJECT' then 'an object' when 'ARRAY' then 'an array' "
        "else 'a boolean' end"
    )
    reason = f"{quote_literal(f'{column.name} must be {_expected(column)}, got ')} || {got}"
    return _problem(pos, column.name, bad, f"{bad} is not null", reason)


def _column_problems(
    pos: int, column: Column, plan: CheckPlan, raw: str, parsed: str
) -> list[Problem]:
    name = quote_literal(column.name)
    shown = f"coalesce({raw}, '')"
    problems = []
    if column.kind in DATED:
        problems.append(_range_problem(pos, column, raw, parsed, plan.months))
    blank = f"{raw} is null"
    if plan.has_bad:
        problems.append(_shape_problem(pos, column))
        blank += f" and _bad_{column.name} is null"
    if column.required:
        problems.append(
            _problem(pos, column.name, raw, blank, f"{name} || ' is required but blank'")
        )
    if column.kind != Kind.TEXT:
        reason = f"{name} || ' ' || {shown} || ' is not ' || {quote_literal(_expected(column))}"
        problems.append(
            _problem(pos, column.name, raw, f"{raw} is not null and {parsed} is null", reason)
        )
    for op, bound in (("<", column.ge), ("<=", column.gt), (">", column.le)):
        if bound is not None:
            rule = {"<": ">= ", "<=": "> ", ">": "<= "}[op] + f"{bound:g}"
            reason = f"{name} || ' ' || {shown} || ' must be {rule}'"
            problems.append(_problem(pos, column.name, raw, f"{parsed} {op} {bound}", reason))
    return problems


@dataclass(frozen=True)
class CheckPlan:
    """What the check query needs to know: the entity, the table of its raw text columns
    (`_raw_<column>`, see `etl.readers.read_raw`), the reporting currency and the
    plausible months."""

    entity: str
    raw_table: str
    reporting_currency: str
    months: PlausibleMonths
    """The months a month, date or timestamp may fall in (else the row is rejected)."""
    has_bad: bool = False
    """The raw table has `_bad_<column>` too: a JSON value of a type the column cannot
    hold (an object, say), which rejects its row alone."""
    extra_key: tuple[str, ...] = ()
    """Columns of the raw table that extend the entity's key for the duplicate check: the
    rows of report figures kept per kind and period (`adoption_reports`)."""


def _default_sql(column: Column, plan: CheckPlan) -> str | None:
    if column.kind == Kind.CURRENCY and not column.required:
        return quote_literal(plan.reporting_currency)
    if column.default is None:
        return None
    if isinstance(column.default, bool):
        return "true" if column.default else "false"
    if isinstance(column.default, int | float):
        return str(column.default)
    return quote_literal(str(column.default))


def value_expr(plan: CheckPlan, column: Column) -> str:
    """The typed value, with the column's default when the cell is blank or absent."""
    raw = f"_raw_{column.name}"
    parsed = parse_expr(column, raw)
    default = _default_sql(column, plan)
    if default is not None:
        blank = f"{raw} is null" + (f" and _bad_{column.name} is null" if plan.has_bad else "")
        parsed = f"case when {blank} then {default} else {parsed} end"
    return f"cast({parsed} as {column.sql_type})"


def _key_text(name: str, positions: dict[str, int], model: type[Entity]) -> str:
    """A key value as it was compared: after normalisation and defaults."""
    column = columns_of(model)[positions[name]]
    if column.kind == Kind.MONTH:
        return f"strftime({name}, '%Y-%m')"
    return f"coalesce(cast({name} as varchar), '')"


def _rule_problems(model: type[Entity], positions: dict[str, int]) -> list[Problem]:
    problems = []
    for rule in model.row_rules:
        broken = f"{rule.column} {'<' if rule.op == '>=' else '<='} {rule.other}"
        reason = (
            f"'{rule.column} ' || _raw_{rule.column} || ' must be {rule.op} {rule.other} ' "
            f"|| _raw_{rule.other}"
        )
        problems.append(
            _problem(positions[rule.column], rule.column, f"_raw_{rule.column}", broken, reason)
        )
    return problems


def _key_problems(model: type[Entity], positions: dict[str, int]) -> list[Problem]:
    if not model.key:
        return []
    first = model.key[0]
    shown = " || ', ' || ".join(f"'{k}=' || {_key_text(k, positions, model)}" for k in model.key)
    reason = f"'the key (' || {shown} || ') appears ' || _key_count || ' times in this file'"
    return [_problem(positions[first], first, f"_raw_{first}", "_key_count > 1", reason)]


def _reference_checks(
    model: type[Entity], plan: CheckPlan, positions: dict[str, int]
) -> list[tuple[Problem, str]]:
    """Rules that look rows up in other tables, each with the lookup that breaks it. The
    lookup is computed once per row as a column (`Problem.when`), shared by `_problems`
    and `_ok`: written inline in both, DuckDB would join twice."""
    checks: list[tuple[Problem, str]] = []
    if model.refers_to_initiative:
        reason = (
            "'initiative_id ' || _raw_initiative_id || ' is not a loaded initiative; "
            "load it in initiatives first'"
        )
        lookup = "initiative_id not in (select initiative_id from initiatives)"
        problem = _problem(
            positions["initiative_id"],
            "initiative_id",
            "_raw_initiative_id",
            "_unknown_initiative",
            reason,
        )
        checks.append((problem, lookup))
    if "currency" in positions and model.entity != "fx_rates":
        reason = (
            "'currency ' || currency || ' has no fx rate for ' || strftime(month, '%Y-%m') "
            "|| '; load fx_rates for that month'"
        )
        lookup = (
            f"currency <> {quote_literal(plan.reporting_currency)} and not exists "
            "(select 1 from fx_rates as f "
            "where f.month = parsed.month and f.currency = parsed.currency)"
        )
        problem = _problem(
            positions["currency"], "currency", "_raw_currency", "_missing_fx_rate", reason
        )
        checks.append((problem, lookup))
    return checks


ID_RULE = (
    "an id must be in NFKC form, with no control or invisible characters, no space but "
    "U+0020 and no dash but U+002D"
)

MAX_OFFSET_S = 14 * 3600
"""The widest zone offset there is (UTC-12 to UTC+14; ISO 8601 allows up to 14:00 either
way): beyond it an offset is a typo, and would move the event into another day or month."""


def _id_problem(column: Column, positions: dict[str, int], when: str) -> Problem:
    raw = f"_raw_{column.name}"
    flaw = f"coalesce({FLAW_FUNCTION}({raw}), 'is not in NFKC form')"
    reason = f"'{column.name} ' || {raw} || ' ' || {flaw} || '; {ID_RULE}'"
    return _problem(positions[column.name], column.name, raw, when, reason)


def _looked_up(model: type[Entity], column: Column) -> bool:
    """An initiative_id that must name a loaded initiative: those ids passed the rule, so a
    lookalike is already an unknown initiative, and the rule runs on unknown ones alone."""
    return column.name == "initiative_id" and model.refers_to_initiative


def _id_checks(
    model: type[Entity], columns: tuple[Column, ...], positions: dict[str, int]
) -> list[tuple[Problem, str]]:
    """Id columns with a lookalike character (etl.identifiers), each checked once per row as
    a column; Python names the character only in the reason, computed for flagged rows."""
    return [
        (_id_problem(c, positions, f"_lookalike_{c.name}"), flaw_sql(f"_raw_{c.name}"))
        for c in columns
        if c.is_id and not _looked_up(model, c)
    ]


def _unknown_id_problems(
    model: type[Entity], columns: tuple[Column, ...], positions: dict[str, int]
) -> list[Problem]:
    """The id rule on the initiative ids that are not loaded initiatives (CASE evaluates its
    THEN branch on those rows only): one check per fact row would cost a regular expression."""
    return [
        _id_problem(
            c,
            positions,
            f"(case when _unknown_initiative then {flaw_sql(f'_raw_{c.name}')} else false end)",
        )
        for c in columns
        if c.is_id and _looked_up(model, c)
    ]


def _offset_checks(
    columns: tuple[Column, ...], positions: dict[str, int]
) -> list[tuple[Problem, str]]:
    """Timestamps whose zone offset is beyond +-14:00 (DuckDB accepts +25:00). The offset is
    the local time (the text read without its zone) minus the instant."""
    checks = []
    for column in columns:
        if column.kind != Kind.TIMESTAMP:
            continue
        raw, name = f"_raw_{column.name}", column.name
        offset = f"((epoch_us(try_cast({raw} as timestamp)) - epoch_us({name})) // 1000000)"
        shown = (
            f"printf('%s%02d:%02d', case when {offset} < 0 then '-' else '+' end, "
            f"abs({offset}) // 3600, abs({offset}) % 3600 // 60)"
        )
        reason = (
            f"'{name} ' || {raw} || ' has the zone offset ' || {shown} || "
            "', outside -14:00 to +14:00'"
        )
        when = f"_bad_offset_{name}"
        checks.append(
            (_problem(positions[name], name, raw, when, reason), f"abs({offset}) > {MAX_OFFSET_S}")
        )
    return checks


def check_select(plan: CheckPlan, source: str, row_sql: str = "rowid + 1") -> str:
    """A select of the typed columns, `_row` (the record number: `row_sql` over `source`),
    `_problems` (every rule each row breaks) and `_ok` (it breaks none: cheaper than
    `_problems` when only that matters) from a source of `_raw_<column>` text."""
    model = ENTITIES[plan.entity]
    columns = columns_of(model)
    positions = {c.name: i for i, c in enumerate(columns)}
    typed = ", ".join(f"{value_expr(plan, c)} as {c.name}" for c in columns)
    per_column = [
        p
        for c in columns
        for p in _column_problems(positions[c.name], c, plan, f"_raw_{c.name}", c.name)
    ]
    computed = [
        *_id_checks(model, columns, positions),
        *_offset_checks(columns, positions),
        *_reference_checks(model, plan, positions),
    ]
    problems = [
        *per_column,
        *_rule_problems(model, positions),
        *_key_problems(model, positions),
        *(problem for problem, _ in computed),
        *_unknown_id_problems(model, columns, positions),
    ]
    lookups = "".join(f", {lookup} as {problem.when}" for problem, lookup in computed)
    helpers = ["_key_count", *(problem.when for problem, _ in computed)]
    helpers += [f"_bad_{c.name}" for c in columns if plan.has_bad]
    structs = ", ".join(p.struct_sql() for p in problems)
    broken = " or ".join(f"coalesce({p.when}, false)" for p in problems)
    if model.key:
        keys = ", ".join((*model.key, *plan.extra_key))
        complete = " and ".join(f"{k} is not null" for k in model.key)
        key_count = f"case when {complete} then count(*) over (partition by {keys}) else 1 end"
    else:
        key_count = "1"
    return f"""
with parsed as (
    select {row_sql} as _row, {typed}, * from {source}
),
checked as (
    select *, {key_count} as _key_count{lookups} from parsed
)
select * exclude ({", ".join([*helpers, *(f"_raw_{c.name}" for c in columns)])}),
    list_sort(list_filter([{structs}], lambda p: p is not null)) as _problems,
    not ({broken}) as _ok
from checked
"""


def check_sql(plan: CheckPlan, target: str, row_sql: str = "rowid + 1") -> str:
    """`create temp table target as ...`: the checked rows of the plan's raw table."""
    return f"create or replace temp table {target} as {check_select(plan, plan.raw_table, row_sql)}"
