"""The staging and mart models: every SQL file is declared with what it reads, built after
it, and staging reads sources only (never a mart)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl.marts import MODELS, build_order
from etl.sql_files import layer_names, sql_text
from tests.etl.conftest import load, metrics, table

SOURCES = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)


def _reads(layer: str, name: str) -> set[str]:
    """The relations a model's SQL names after `from` or `join` (its own CTEs left out)."""
    text = sql_text(layer, name)
    ctes = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s+as\s*\(", text))
    return {r for r in SOURCES.findall(text) if r not in ctes}


def test_every_sql_file_is_declared_once() -> None:
    for layer in ("staging", "marts"):
        declared = [name for name, _ in MODELS[layer]]
        assert sorted(declared) == layer_names(layer)
    assert len(build_order()) == len(set(build_order()))


def test_every_model_is_built_after_the_models_it_reads() -> None:
    built: set[str] = set()
    models = {name for layer in MODELS.values() for name, _ in layer}
    for layer, name in build_order():
        declared = dict(MODELS[layer])[name]
        read_models = _reads(layer, name) & models
        assert read_models == set(declared), f"{name} reads {read_models}, declares {declared}"
        assert set(declared) <= built, f"{name} is built before {set(declared) - built}"
        built.add(name)


def test_staging_reads_sources_never_marts() -> None:
    for name, _ in MODELS["staging"]:
        assert not {r for r in _reads("staging", name) if r.startswith("mart_")}, name


def test_each_initiative_month_carries_the_rank_of_its_stage_at_the_months_end(
    tmp_path: Path, worked_example: Path
) -> None:
    """stage(i, m) = stage(i, last day of m): the latest entry on or before it (METRICS.md,
    Time), and no rank before the first entry."""
    db = tmp_path / "sb.duckdb"
    load(db, worked_example)
    rows = table(
        db,
        """
        select m.initiative_id, m.month, m.stage_rank,
            (select o.stage_rank from stage_entries as e join stage_order as o using (stage)
             where e.initiative_id = m.initiative_id and e.entered_on <= last_day(m.month)
             order by e.entered_on desc limit 1) as expected
        from mart_initiative_month as m order by all
        """,
    )
    assert rows and all(rank == expected for _, _, rank, expected in rows), rows
    assert {rank for *_, rank, _ in rows} >= {1, 2}  # the example has months in both


SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample portfolio, loaded once: the state marts' tests only read it."""
    db = tmp_path_factory.mktemp("sample") / "sb.duckdb"
    load(db, SAMPLE)
    return db


def test_each_initiative_month_carries_its_state_at_the_months_end(sample_db: Path) -> None:
    """mart_initiative_state holds, for every month from an initiative's first dated row to
    the latest month of any, what the histories give at the month's end: the latest stage
    entry, the highest rank reached, the latest score of each dimension assessed by then."""
    db = sample_db
    wrong = table(
        db,
        """
        with expected as (
            select
                m.initiative_id,
                m.month,
                (select arg_max(stage, entered_on) from stg_stage_entries as e
                 where e.initiative_id = m.initiative_id and e.entered_on <= last_day(m.month))
                    as stage,
                (select max(stage_rank) from stg_stage_entries as e
                 where e.initiative_id = m.initiative_id and e.entered_on <= last_day(m.month))
                    as highest_stage_rank,
                (select map(list(dimension order by dimension), list(score order by dimension))
                 from (
                     select dimension, arg_max(score, assessed_on) as score
                     from readiness as r
                     where r.initiative_id = m.initiative_id
                       and r.assessed_on <= last_day(m.month)
                     group by dimension
                 )) as scores
            from mart_initiative_state as m
        )
        select * from mart_initiative_state as m join expected as x using (initiative_id, month)
        where m.stage is distinct from x.stage
           or m.highest_stage_rank is distinct from x.highest_stage_rank
           or coalesce(m.scores, map()) <> coalesce(x.scores, map())
        """,
    )
    assert wrong == []
    last, months, gaps = table(
        db,
        """
        select max(month), count(distinct month),
            count(*) filter (where month <> first_month + to_months(n - 1))
        from (
            select *, row_number() over (partition by initiative_id order by month) as n,
                min(month) over (partition by initiative_id) as first_month
            from mart_initiative_state
        )
        """,
    )[0]
    dated = table(
        db,
        "select max(d) from (select max(entered_on) as d from stage_entries"
        " union all select max(assessed_on) from readiness)",
    )[0][0]
    assert last == dated.replace(day=1) and gaps == 0 and months > 12
    assert table(db, "select count(*) from mart_initiative_state where scores is not null")[0][0]


def test_each_model_series_carries_its_decay_at_the_months_end(sample_db: Path) -> None:
    """mart_model_decay: baseline = the latest baseline given by the month's end, else the
    earliest value; latest = the latest value; decay as METRICS.md defines it."""
    db = sample_db
    wrong = table(
        db,
        """
        with expected as (
            select
                d.initiative_id, d.model, d.metric, d.month,
                coalesce(
                    arg_max(m.baseline, m.measured_on) filter (where m.baseline is not null),
                    arg_min(m.value, m.measured_on)
                ) as baseline,
                arg_max(m.value, m.measured_on) as latest
            from mart_model_decay as d
            join model_metrics as m
                on m.initiative_id = d.initiative_id and m.model = d.model
                and m.metric = d.metric and m.measured_on <= last_day(d.month)
            group by all
        )
        select * from mart_model_decay as d join expected as x
            using (initiative_id, model, metric, month)
        where d.baseline is distinct from x.baseline or d.latest is distinct from x.latest
           or d.decay_pct is distinct from (x.baseline - x.latest) / nullif(abs(x.baseline), 0)
                * 100 * (case when d.higher_is_better then 1 else -1 end)
        """,
    )
    assert wrong == []
    assert table(db, "select count(*) from mart_model_decay where decay_pct > 0")[0][0]


def test_an_as_of_month_after_every_dated_row_reads_the_last_state(sample_db: Path) -> None:
    """Nothing is dated after the mart's last month, so a later as-of month has the same
    stages, scores and decay; only the days in stage grow; before an initiative's first
    row it has no stage and no assessment."""
    db = sample_db
    last = table(db, "select strftime(max(month), '%Y-%m') from mart_initiative_state")[0][0]
    year, month = map(int, last.split("-"))
    later = f"{year + 2}-{month:02d}"
    at_last, at_later = metrics(db, as_of=last), metrics(db, as_of=later)
    kept = ("stage", "stage_entered_on", "readiness_score", "not_assessed")
    for before, after in zip(at_last["initiatives"], at_later["initiatives"], strict=True):
        assert {k: before[k] for k in kept} == {k: after[k] for k in kept}
        if before["days_in_stage"] is not None:
            assert after["days_in_stage"] > before["days_in_stage"] + 700
    assert at_last["decaying_models"] == at_later["decaying_models"]
    first = table(db, "select strftime(min(month), '%Y-%m') from mart_initiative_state")[0][0]
    year, month = map(int, first.split("-"))
    early = metrics(db, as_of=f"{year - 1}-{month:02d}")
    assert all(i["stage"] is None and len(i["not_assessed"]) == 6 for i in early["initiatives"])
