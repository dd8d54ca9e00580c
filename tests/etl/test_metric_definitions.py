"""Each definition of METRICS.md on small inline data, through the real loader and SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import Settings
from etl.period import PeriodError
from tests.conftest import write_csv
from tests.etl.conftest import INITIATIVES_HEADER, load, metrics, write_worked_example

MODEL = ("initiative_id", "model", "metric", "measured_on", "value", "baseline", "higher_is_better")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The worked example plus a retired initiative r and a paused one p with no sponsor."""
    path = tmp_path / "db.duckdb"
    folder = write_worked_example(tmp_path / "in")
    write_csv(
        folder / "initiatives-more.csv",
        INITIATIVES_HEADER,
        [
            ("r", "Retired bot", "Finance", "Experimentation", "2024-01-01", "", 10, "retired"),
            ("p", "Paused bot", "Legal", "Standardization", "2026-01-01", " ", None, "paused"),
        ],
    )
    assert load(path, folder).status == "loaded"
    return path


def test_signals_never_list_retired_initiatives(db: Path) -> None:
    m = metrics(db)

    assert m["stalled_pilots"] == ["b"]  # r is an old pilot too, but retired
    assert m["no_executive_owner"] == ["p"]  # blank and whitespace-only; r is retired
    assert [i["initiative_id"] for i in m["initiatives"]] == ["a", "b", "p", "r"]
    assert m["initiatives_by_stage"]["Experimentation"] == 1  # r is not counted
    assert m["pilot_to_production_rate"] == pytest.approx(2 / 4)  # retired ones count here


def test_a_retired_initiative_has_no_decaying_model(db: Path, tmp_path: Path) -> None:
    rows = [
        (i, "m", "accuracy", day, value, None, "true")
        for i in ("a", "r")
        for day, value in (("2025-01-01", 0.9), ("2026-01-01", 0.5))
    ]
    load(db, write_csv(tmp_path / "more" / "model_metrics.csv", MODEL, rows))

    assert [d["initiative_id"] for d in metrics(db)["decaying_models"]] == ["a"]


def test_stalled_after_days_comes_from_settings(db: Path) -> None:
    assert metrics(db, Settings(stalled_after_days=303))["stalled_pilots"] == []
    assert metrics(db, Settings(stalled_after_days=302))["stalled_pilots"] == ["b"]


def test_filters_or_within_and_across(db: Path) -> None:
    finance = metrics(db, business_units=("Finance",))
    assert [i["initiative_id"] for i in finance["initiatives"]] == ["a", "r"]
    assert finance["total_cost"] == pytest.approx(120_000)

    both = metrics(db, business_units=("Finance", "Legal"), statuses=("ACTIVE",))
    assert [i["initiative_id"] for i in both["initiatives"]] == ["a", "b"]

    pilots = metrics(db, stages=("experimentation",))
    assert [i["initiative_id"] for i in pilots["initiatives"]] == ["b", "r"]
    assert pilots["adoption_rate"] == pytest.approx(20 / 50)


def test_stage_filter_selects_by_stage_at_the_as_of_date(db: Path) -> None:
    earlier = metrics(db, as_of="2025-03", stages=("Operationalization",))

    assert [i["initiative_id"] for i in earlier["initiatives"]] == ["a"]
    assert metrics(db, as_of="2024-06", stages=("Operationalization",))["initiatives"] == []


def test_unknown_filter_value_is_an_error(db: Path) -> None:
    with pytest.raises(PeriodError, match="--stage 'Pilot' is not one of"):
        metrics(db, stages=("Pilot",))


@pytest.mark.parametrize(
    ("options", "as_of", "window"),
    [
        ({}, "2026-03", ("2025-04", "2026-03")),
        ({"as_of": "2025-12"}, "2025-12", ("2025-01", "2025-12")),
        ({"to": "2025-12"}, "2025-12", ("2025-01", "2025-12")),
        ({"from_": "2025-10"}, "2026-03", ("2025-10", "2026-03")),
        (
            {"as_of": "2026-03", "from_": "2025-01", "to": "2025-06"},
            "2026-03",
            ("2025-01", "2025-06"),
        ),
    ],
)
def test_as_of_and_window(
    db: Path, options: dict[str, str], as_of: str, window: tuple[str, str]
) -> None:
    m = metrics(db, **options)

    assert m["as_of"] == as_of
    assert (m["window"]["from"], m["window"]["to"]) == window
    assert len(m["adoption_trend"]) == len({t["month"] for t in m["adoption_trend"]})


def test_window_that_ends_before_it_starts_is_an_error(db: Path) -> None:
    with pytest.raises(PeriodError, match="starts"):
        metrics(db, from_="2026-05", to="2026-01")


def test_outcomes_follow_the_stage_of_their_month(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    folder = tmp_path / "in"
    write_csv(
        folder / "initiatives.csv",
        INITIATIVES_HEADER,
        [("x", "X", "Ops", "Operationalization", "2026-01-15", "S", 10, "active")],
    )
    write_csv(
        folder / "stage_history.csv",
        ("initiative_id", "stage", "entered_on"),
        [("x", "Experimentation", "2025-06-01")],
    )
    write_csv(
        folder / "outcomes.csv",
        ("initiative_id", "month", "value", "insights", "kind"),
        [
            ("x", "2025-05", 1, 0, "total"),  # before any entry: neither at scale nor in pilot
            ("x", "2025-12", 10, 1, "total"),
            ("x", "2026-01", 100, 1, "total"),  # entered at scale mid-month: at scale
            ("x", "2026-01", 1000, 1, "savings"),  # another stream, summed too
        ],
    )
    load(db, folder)

    m = metrics(db, as_of="2026-01")

    assert (m["outcomes_in_pilot"], m["outcomes_at_scale"]) == (10, 1100)
    assert m["roi"] is None and m["total_cost"] == 0
    assert m["cost_per_insight"] == 0


def test_money_is_converted_with_the_fx_rate_of_its_month(db: Path, tmp_path: Path) -> None:
    fx = write_csv(
        tmp_path / "fx" / "fx_rates.csv",
        ("month", "currency", "rate_to_reporting"),
        [("2026-02", "EUR", "1.5"), ("2026-02", "USD", "9")],
    )
    cost = write_csv(
        tmp_path / "fx" / "costs-eur.csv",
        ("initiative_id", "month", "category", "amount", "currency"),
        [("a", "2026-02", "data", "100", "eur"), ("a", "2026-02", "other", "5", "USD")],
    )
    load(db, fx, cost)
    assert metrics(db)["total_cost"] == pytest.approx(150_000 + 150 + 5)

    corrected = write_csv(
        tmp_path / "fx2" / "fx_rates.csv",
        ("month", "currency", "rate_to_reporting"),
        [("2026-02", "EUR", "2")],
    )
    load(db, corrected)
    assert metrics(db)["total_cost"] == pytest.approx(150_000 + 200 + 5)


def _decay_db(tmp_path: Path, rows: list[tuple[object, ...]]) -> Path:
    db = tmp_path / "db.duckdb"
    folder = write_worked_example(tmp_path / "in")
    write_csv(folder / "model_metrics.csv", MODEL, rows)
    load(db, folder)
    return db


def test_decay_from_the_latest_baseline_given(tmp_path: Path) -> None:
    db = _decay_db(
        tmp_path,
        [
            ("a", "m1", "accuracy", "2025-01-01", 0.95, 0.92, "true"),
            ("a", "m1", "accuracy", "2025-06-01", 0.90, None, "true"),
            ("a", "m1", "accuracy", "2026-03-01", 0.71, None, "true"),
            ("a", "m1", "accuracy", "2026-06-01", 0.10, None, "true"),  # after as-of: ignored
            ("a", "m2", "mae", "2025-01-01", 2.0, None, "false"),  # no baseline: earliest value
            ("a", "m2", "mae", "2026-01-01", 2.5, None, "false"),  # lower is better: +25%
            ("b", "m3", "f1", "2025-01-01", 0.0, None, "true"),  # baseline 0: never flagged
            ("b", "m3", "f1", "2026-01-01", -1.0, None, "true"),
            ("b", "m4", "f1", "2025-01-01", 0.80, None, "true"),
            ("b", "m4", "f1", "2026-01-01", 0.77, None, "true"),  # 3.75%: below the alert
        ],
    )

    decaying = metrics(db, as_of="2026-03")["decaying_models"]

    assert [(d["model"], d["metric"]) for d in decaying] == [("m1", "accuracy"), ("m2", "mae")]
    assert decaying[0]["baseline"] == 0.92 and decaying[0]["latest"] == 0.71
    assert decaying[0]["decay_pct"] == pytest.approx(22.826, abs=1e-3)
    assert decaying[1]["decay_pct"] == pytest.approx(25.0)
    assert metrics(db, Settings(decay_alert_pct=3))["decaying_models"][-1]["model"] == "m4"


def test_readiness_gate_blockers_and_projections(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    folder = write_worked_example(tmp_path / "in")
    write_csv(
        folder / "readiness.csv",
        ("initiative_id", "dimension", "score", "assessed_on"),
        [
            ("a", d, 4, "2025-06-01")
            for d in ("data", "ownership", "business_case", "governance", "change")
        ]
        + [
            ("a", "mlops", 5, "2025-06-01"),
            ("a", "mlops", 2, "2026-01-01"),
            ("a", "data", 1, "2026-05-01"),
        ],
    )
    load(db, folder)

    [a, b] = metrics(db)["initiatives"]

    assert a["readiness_score"] == pytest.approx((4 * 5 + 2) / 6)
    # mlops scores 2 < 3; a's business case is at risk (cost, no value in the last 3 months)
    assert a["gate_blockers"] == ["business_case", "mlops"]
    assert b["readiness_score"] == 0 and len(b["gate_blockers"]) == 6
    assert a["projected_cost_at_scale"] == pytest.approx(50_000 / 300 * 1000)
    assert a["projected_value_at_scale"] == pytest.approx(0.0)
    assert a["business_case_at_risk"] is True
    assert (a["adoption_rate"], a["cost_per_insight"], a["roi"]) == (
        pytest.approx(0.3),
        pytest.approx(3.0),
        pytest.approx(280_000 / 120_000),
    )
