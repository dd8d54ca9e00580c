"""The registry and the SQL agree: every entry is a column of the SQL models it names, and
every metric column of the metric models has an entry; the result model carries them."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import Settings
from etl.metric_results import InitiativeMetrics, MetricsResult
from etl.metrics import QUERIES, RELATIONS, Filters, build_relations, compute_metrics, model_params
from etl.period import resolve_period
from etl.registry import METRICS, REGISTRY, SIGNAL_LABELS
from etl.sql_files import layer_names, run_sql
from etl.storage import open_reader
from tests.etl.conftest import load

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

NOT_METRICS = {
    # keys and attributes that the metric models carry along with the figures
    "initiative_id",
    "month",
    "model",
    "metric",
    "status",
    "stage",
    "stage_entered_on",
    "name",
    "business_unit",
    "executive_sponsor",
    "program_owner",
    "strategic_impact",
    "target_users",
    "risk_tier",
    "higher_is_better",
    # the as-of state S carries for the models after it (mart_initiative_state)
    "highest_stage_rank",
    "scores",
    # time: how the as-of month is found (METRICS.md, Time), not a figure
    "reporting_initiatives",
    "recent_max_initiatives",
    "is_reported",
    "inventory_month",
}

RELATION_OF = {"selected_initiatives": "selected", "readiness": "readiness_scores"}


def _columns(sample_db: Path) -> dict[str, set[str]]:
    """The output columns of every metric model, run on the sample warehouse."""
    with open_reader(sample_db) as con:
        settings = Settings()
        period = resolve_period("2026-06", None, None, None)
        params = model_params(period, Filters(), settings) | {
            "min_reporting_share": "0.5",
            "signalled_only": False,
            "first_month": settings.plausible_months().first,
            "last_month": settings.plausible_months().last,
        }
        build_relations(con, params)
        out = {}
        for name, _ in RELATIONS:
            relation = RELATION_OF.get(name, name)
            out[name] = {r[0] for r in con.execute(f"describe {relation}").fetchall()}
        for name in (*QUERIES, "money_at_risk"):
            cursor = run_sql(con, "metrics", name, params)
            out[name] = {d[0] for d in cursor.description or []}
        return out


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    assert load(db, SAMPLE).status == "loaded"
    return _columns(db)


def test_every_metric_model_is_declared() -> None:
    declared = {name for name, _ in RELATIONS} | set(QUERIES) | {"money_at_risk"}

    assert declared == set(layer_names("metrics"))


def test_relations_are_built_after_what_they_read() -> None:
    built: set[str] = set()
    for name, reads in RELATIONS:
        assert set(reads) <= built, f"{name} reads {set(reads) - built} before it is built"
        built.add(name)


def test_every_registry_entry_has_sql_behind_it(columns: dict[str, set[str]]) -> None:
    for entry in METRICS:
        for model in entry.models:
            assert entry.name in columns[model], f"{entry.name} is not a column of {model}.sql"


def test_every_metric_column_has_a_registry_entry(columns: dict[str, set[str]]) -> None:
    for model, names in columns.items():
        unregistered = names - NOT_METRICS - set(REGISTRY)
        assert not unregistered, f"{model}.sql outputs {unregistered} with no registry entry"


def test_every_program_figure_is_a_result_field() -> None:
    fields = set(MetricsResult.model_fields)
    for entry in METRICS:
        if "program" in entry.scope and not entry.name.startswith("cost_at_risk_"):
            assert entry.name in fields
    assert {f"cost_at_risk_{k}" for k in SIGNAL_LABELS} <= set(REGISTRY)


def test_every_initiative_figure_is_a_result_field() -> None:
    fields = set(InitiativeMetrics.model_fields)
    missing = {
        e.name
        for e in METRICS
        if "initiative" in e.scope and e.name not in fields and e.name != "insights"
    }
    assert missing == {"dimensions_below_minimum"}  # shown through gate_blocker_reasons


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("total_cost", 32_241_596.08, "$32.2M"),
        ("cost_at_risk", 8_359_987.34, "$8.36M"),
        ("adoption_rate", 0.6063, "60.6%"),
        ("roi", None, "—"),
        ("readiness_score", 3.9667, "4.0"),
        ("gate_blockers", ["business_case", "mlops"], "Business case, MLOps"),
        ("ready_for_next_stage", True, "yes"),
        ("days_in_stage", 1234, "1,234"),
        ("adoption_rate", 0.3048, "30.5%"),  # a value follows its unit
    ],
)
def test_registry_formats_as_the_cards_do(name: str, value: object, shown: str) -> None:
    assert REGISTRY[name].format(value, "USD") == shown


def test_money_takes_the_symbol_of_its_currency() -> None:
    assert REGISTRY["cost_per_insight"].format(3.75, "EUR") == "€3.75"


def test_json_has_exactly_the_metrics_md_keys_and_more(tmp_path: Path) -> None:
    with open_reader(tmp_path / "none.duckdb") as con:
        result = compute_metrics(con, Filters(), Settings()).to_json()
    required = {
        "as_of",
        "window",
        "currency",
        "adoption_rate",
        "outcomes_at_scale",
        "outcomes_in_pilot",
        "total_cost",
        "cost_per_insight",
        "roi",
        "adoption_trend",
        "initiatives_by_stage",
        "pilot_to_production_rate",
        "partial_months",
        "cost_at_risk",
        "cost_at_risk_by_signal",
        "stalled_pilots",
        "no_executive_owner",
        "decaying_models",
        "initiatives",
    }
    assert required <= set(result)
    assert list(result["cost_at_risk_by_signal"]) == list(SIGNAL_LABELS)
