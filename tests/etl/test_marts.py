"""The staging and mart models: every SQL file is declared with what it reads, built after
it, and staging reads sources only (never a mart)."""

from __future__ import annotations

import re
from pathlib import Path

from etl.marts import MODELS, build_order
from etl.sql_files import layer_names, sql_text
from tests.etl.conftest import load, table

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
