"""The demo portfolio generator: contract files that show what the dashboard is for.

The scale-1 sample is generated once per module into a temporary folder and queried with
DuckDB SQL on the written CSVs.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.contracts.entities import ENTITIES, STAGE_ORDER, CostCategory, Dimension
from etl.sample import BLOCK, DEMO_EVENTS, EVENTS_PER_SCALE, OUTPUTS, write_sample

END_DATE = dt.date(2026, 10, 31)
MONTHS = 36


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("sample")
    return out, write_sample(out)


@pytest.fixture(scope="module")
def sample(written: tuple[Path, dict[str, int]]) -> Path:
    return written[0]


@pytest.fixture(scope="module")
def db(sample: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """One view per written file, named after the entity (usage_events as text, unparsed)."""
    con = duckdb.connect()
    for name in OUTPUTS:
        path = sample / name
        as_text = str(path.stem == "usage_events").lower()
        con.execute(
            f"CREATE VIEW {path.stem} AS SELECT * FROM read_csv('{path}', all_varchar = {as_text})"
        )
    yield con
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The first value of the query's first row."""
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def contract_rows(path: Path) -> Iterator[dict[str, str | None]]:
    """The file's records as the contract reads them: blank is missing, month is YYYY-MM."""
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            row: dict[str, str | None] = {k: (v if v.strip() else None) for k, v in record.items()}
            if row.get("month"):
                assert re.fullmatch(r"\d{4}-\d{2}", str(row["month"]))
                row["month"] = f"{row['month']}-01"
            yield row


def test_writes_one_file_per_entity_and_reports_its_rows(
    written: tuple[Path, dict[str, int]], db: duckdb.DuckDBPyConnection
) -> None:
    out, rows = written
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{e}.csv" for e in ENTITIES)
    for name, count in rows.items():
        assert count > 0, name
        assert scalar(db, f"SELECT count(*) FROM {Path(name).stem}") == count
    assert sum(p.stat().st_size for p in out.iterdir()) < 3_000_000


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_every_row_meets_the_contract(sample: Path, entity: str) -> None:
    model = ENTITIES[entity]
    records = [model.model_validate(row) for row in contract_rows(sample / f"{entity}.csv")]
    keys = {tuple(getattr(record, column) for column in model.key) for record in records}
    assert len(keys) == (len(records) if model.key else 1)


def test_portfolio_spans_business_units_and_all_stages(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM initiatives") >= 40
    assert scalar(db, "SELECT count(DISTINCT business_unit) FROM initiatives") >= 5
    stages = db.execute("SELECT DISTINCT stage FROM initiatives").fetchall()
    assert {s for (s,) in stages} == set(STAGE_ORDER)
    statuses = dict(db.execute("SELECT status, count(*) FROM initiatives GROUP BY 1").fetchall())
    assert statuses["active"] > statuses["paused"] >= 1
    assert 2 <= statuses["retired"] <= 3
    assert 1 <= scalar(db, "SELECT count(*) FROM initiatives WHERE executive_sponsor IS NULL") < 10
    assert scalar(
        db, "SELECT min(strategic_impact) >= 1 AND max(strategic_impact) <= 5 FROM initiatives"
    )


def test_initiative_stage_is_the_latest_history_entry(db: duckdb.DuckDBPyConnection) -> None:
    mismatches = scalar(
        db,
        """
        SELECT count(*) FROM initiatives i
        JOIN (SELECT initiative_id, arg_max(stage, entered_on) AS stage,
                     max(entered_on) AS entered_on
              FROM stage_history GROUP BY 1) h USING (initiative_id)
        WHERE h.stage <> i.stage OR h.entered_on <> i.stage_entered_on
        """,
    )
    assert mismatches == 0
    assert scalar(db, "SELECT count(DISTINCT initiative_id) FROM stage_history") == scalar(
        db, "SELECT count(*) FROM initiatives"
    )
    assert scalar(db, f"SELECT max(entered_on) <= DATE '{END_DATE}' FROM stage_history")


def test_history_progresses_with_regressions(db: duckdb.DuckDBPyConnection) -> None:
    order = "list_position(" + repr(list(STAGE_ORDER)) + ", stage)"
    steps = f"""
        SELECT {order} - lag({order}) OVER (PARTITION BY initiative_id ORDER BY entered_on)
            AS step FROM stage_history
    """
    assert scalar(db, f"SELECT count(*) FROM ({steps}) WHERE step > 0") >= 40
    assert scalar(db, f"SELECT count(*) FROM ({steps}) WHERE step < 0") >= 2


def test_stalled_pilots_exist(db: duckdb.DuckDBPyConnection) -> None:
    stalled = scalar(
        db,
        f"""
        SELECT count(*) FROM initiatives i
        WHERE status = 'active' AND stage = 'Experimentation'
          AND DATE '{END_DATE}' - stage_entered_on > 180
          AND NOT EXISTS (SELECT 1 FROM stage_history h
                          WHERE h.initiative_id = i.initiative_id AND h.stage <> i.stage)
        """,
    )
    assert stalled >= 3


def test_roadmap_has_slipping_initiatives(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM roadmap WHERE planned_end < planned_start") == 0
    slipping = scalar(
        db,
        f"""
        SELECT count(DISTINCT r.initiative_id) FROM roadmap r
        LEFT JOIN stage_history h USING (initiative_id, stage)
        WHERE h.entered_on > r.planned_end
           OR (h.entered_on IS NULL AND r.planned_start < DATE '{END_DATE}')
        """,
    )
    assert slipping >= 5


def test_adoption_grows_within_eligible_users(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM adoption WHERE active_users > eligible_users") == 0
    assert scalar(db, "SELECT count(DISTINCT month) FROM adoption") == MONTHS
    by_stage = db.execute(
        """
        SELECT i.stage, avg(a.eligible_users)
        FROM adoption a JOIN initiatives i USING (initiative_id)
        WHERE a.month = '2026-10' AND i.target_users < 5000 GROUP BY 1
        """
    ).fetchall()
    users = dict(by_stage)
    assert users["Experimentation"] < users["Standardization"]


def test_costs_convert_with_an_fx_rate_of_every_month(db: duckdb.DuckDBPyConnection) -> None:
    rates = db.execute(
        "SELECT currency, count(DISTINCT month), avg(rate_to_reporting) FROM fx_rates GROUP BY 1"
    ).fetchall()
    assert {c: n for c, n, _ in rates} == {"EUR": MONTHS, "GBP": MONTHS}
    assert {c: round(r, 1) for c, _, r in rates} == {"EUR": 1.1, "GBP": 1.3}
    unconverted = """
        SELECT count(*) FROM {table} t WHERE t.currency <> 'USD' AND NOT EXISTS (
            SELECT 1 FROM fx_rates f WHERE f.month = t.month AND f.currency = t.currency)
    """
    assert scalar(db, unconverted.format(table="costs")) == 0
    assert scalar(db, unconverted.format(table="outcomes")) == 0
    currencies = db.execute("SELECT DISTINCT currency FROM costs").fetchall()
    assert {c for (c,) in currencies} == {"USD", "EUR", "GBP"}
    categories = db.execute("SELECT DISTINCT category FROM costs").fetchall()
    assert {c for (c,) in categories} == {c.value for c in CostCategory}


def test_costs_rise_at_scale_and_some_business_cases_are_at_risk(
    db: duckdb.DuckDBPyConnection,
) -> None:
    monthly = dict(
        db.execute(
            """
            SELECT i.stage, sum(c.amount) / count(DISTINCT (c.initiative_id, c.month))
            FROM costs c JOIN initiatives i USING (initiative_id)
            WHERE c.month = '2026-10' GROUP BY 1
            """
        ).fetchall()
    )
    assert monthly["Experimentation"] * 3 < monthly["Enterprise Transformation"]
    at_risk = scalar(
        db,
        """
        WITH c AS (SELECT initiative_id, sum(amount) AS cost FROM costs
                   WHERE month >= '2026-08' GROUP BY 1),
             o AS (SELECT initiative_id, sum(value) AS value FROM outcomes
                   WHERE month >= '2026-08' GROUP BY 1)
        SELECT count(*) FROM c JOIN o USING (initiative_id)
        JOIN initiatives i USING (initiative_id)
        WHERE i.stage <> 'Experimentation' AND c.cost > o.value
        """,
    )
    assert at_risk >= 2


def test_outcomes_are_total_with_a_few_negative_months(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM outcomes WHERE kind <> 'total' OR insights < 0") == 0
    negative = scalar(db, "SELECT count(DISTINCT initiative_id) FROM outcomes WHERE value < 0")
    assert 1 <= negative <= 20


def test_a_model_decays_from_092_to_071(db: duckdb.DuckDBPyConnection) -> None:
    series = db.execute(
        """
        SELECT arg_min(value, measured_on), arg_min(baseline, measured_on),
               arg_max(value, measured_on), count(*),
               datediff('month', min(measured_on), max(measured_on)) + 1
        FROM model_metrics WHERE higher_is_better GROUP BY initiative_id, model, metric
        HAVING arg_min(value, measured_on) = 0.92 AND arg_max(value, measured_on) = 0.71
        """
    ).fetchall()
    assert len(series) == 1
    first, baseline, last, count, months = series[0]
    assert (first, baseline, last) == (0.92, 0.92, 0.71)
    assert count == months >= 6
    assert scalar(db, "SELECT count(*) FROM model_metrics WHERE NOT higher_is_better") > 0
    assert 8 <= scalar(db, "SELECT count(DISTINCT initiative_id) FROM model_metrics") <= 12


def test_readiness_covers_the_dimensions_with_gaps(db: duckdb.DuckDBPyConnection) -> None:
    dims = db.execute("SELECT DISTINCT dimension FROM readiness").fetchall()
    assert {d for (d,) in dims} == {d.value for d in Dimension}
    assert scalar(db, "SELECT count(*) FROM readiness WHERE score * 10 <> round(score * 10)") == 0
    gaps = scalar(
        db,
        "SELECT count(*) FROM (SELECT initiative_id FROM readiness GROUP BY 1 "
        "HAVING count(DISTINCT dimension) < 6)",
    )
    assert 1 <= gaps < 24
    assert (
        scalar(
            db,
            "SELECT count(*) FROM (SELECT initiative_id FROM readiness GROUP BY 1 "
            "HAVING count(DISTINCT assessed_on) >= 2)",
        )
        >= 24
    )


def test_usage_events_of_a_few_initiatives(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM usage_events") == DEMO_EVENTS
    assert scalar(db, "SELECT count(DISTINCT initiative_id) FROM usage_events") == 4
    assert scalar(db, "SELECT bool_and(regexp_matches(user_id, '^u\\d{5}$')) FROM usage_events")
    formats = db.execute(
        """
        SELECT regexp_matches(event_time, '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$') AS iso_z,
               regexp_matches(event_time, '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$') AS spaced,
               count(*)
        FROM usage_events GROUP BY ALL
        """
    ).fetchall()
    kinds = {(iso_z, spaced) for iso_z, spaced, _ in formats}
    assert kinds == {(True, False), (False, True)}
    months = db.execute(
        """
        SELECT count(DISTINCT strftime(event_time::TIMESTAMP, '%Y-%m')),
               min(event_time::TIMESTAMP)::DATE >= DATE '2023-11-01',
               max(event_time::TIMESTAMP)::DATE <= DATE '2026-10-31'
        FROM usage_events
        """
    ).fetchone()
    assert months is not None
    assert months[0] >= 12
    assert months[1:] == (True, True)
    no_adoption = """
        SELECT count(*) FROM (SELECT DISTINCT initiative_id,
                                     strftime(event_time::TIMESTAMP, '%Y-%m') AS month
                              FROM usage_events) e
        LEFT JOIN adoption a USING (initiative_id, month) WHERE a.eligible_users IS NULL
    """
    assert scalar(db, no_adoption) == 0


def test_same_seed_gives_the_same_bytes(sample: Path, tmp_path: Path) -> None:
    write_sample(tmp_path)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (sample / name).read_bytes(), name


def test_another_seed_gives_another_portfolio(sample: Path, tmp_path: Path) -> None:
    write_sample(tmp_path, seed=8)
    assert (tmp_path / "costs.csv").read_bytes() != (sample / "costs.csv").read_bytes()


def test_scale_multiplies_initiatives_facts_and_events(
    written: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    one = written[1]
    two = write_sample(tmp_path, scale=2)
    assert two["initiatives.csv"] == 2 * one["initiatives.csv"] == 2 * BLOCK
    for name in ("adoption.csv", "costs.csv", "outcomes.csv", "readiness.csv"):
        assert 1.6 < two[name] / one[name] < 2.4, name
    assert two["usage_events.csv"] == DEMO_EVENTS + EVENTS_PER_SCALE
    events = f"read_csv('{tmp_path / 'usage_events.csv'}', all_varchar = true)"
    with duckdb.connect() as con:
        assert scalar(con, f"SELECT count(DISTINCT initiative_id) FROM {events}") == 8


def test_longer_history_and_bad_arguments(tmp_path: Path) -> None:
    rows = write_sample(tmp_path, months=60, end_month="2025-12")
    assert rows["fx_rates.csv"] == 120
    adoption = f"read_csv('{tmp_path / 'adoption.csv'}', all_varchar = true)"
    with duckdb.connect() as con:
        assert scalar(con, f"SELECT max(month) FROM {adoption}") == "2025-12"
        assert scalar(con, f"SELECT min(month) FROM {adoption}") >= "2021-01"
    with pytest.raises(ValueError, match="scale must be"):
        write_sample(tmp_path, scale=0)
    with pytest.raises(ValueError, match="months must be"):
        write_sample(tmp_path, months=6)
    with pytest.raises(ValueError, match="end_month must be"):
        write_sample(tmp_path, end_month="2026-13")
