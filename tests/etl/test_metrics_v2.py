"""The rules METRICS.md v2 adds, each at its edge, on small inline data through the real
loader and SQL: the gate across the six failure causes, readiness not assessed, money at
risk, reported and partial months, and a database that holds only an inventory."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from etl.config import Settings
from tests.conftest import empty_database, metrics_json, write_csv
from tests.etl.conftest import INITIATIVES_HEADER, load, metrics

DIMENSIONS = ("business_case", "change", "data", "governance", "mlops", "ownership")
READINESS = ("initiative_id", "dimension", "score", "assessed_on")
MODEL = ("initiative_id", "model", "metric", "measured_on", "value", "baseline", "higher_is_better")
ADOPTION = ("initiative_id", "month", "active_users", "eligible_users")
COSTS = ("initiative_id", "month", "category", "amount")
OUTCOMES = ("initiative_id", "month", "value", "insights")


def _initiative(
    i: str, stage: str, sponsor: str = "Ann", status: str = "active"
) -> tuple[Any, ...]:
    return (i, f"Initiative {i}", "Ops", stage, "2026-01-01", sponsor, 100, status)


def _well_run(i: str) -> list[tuple[Any, ...]]:
    """Every dimension assessed at 4."""
    return [(i, d, 4, "2026-01-15") for d in DIMENSIONS]


def _portfolio(folder: Path, initiatives: list[tuple[Any, ...]]) -> Path:
    """Initiatives that all report in 2026-03 with a business case that pays, readiness 4."""
    ids = [row[0] for row in initiatives]
    write_csv(folder / "initiatives.csv", INITIATIVES_HEADER, initiatives)
    write_csv(folder / "readiness.csv", READINESS, [r for i in ids for r in _well_run(i)])
    write_csv(folder / "adoption.csv", ADOPTION, [(i, "2026-03", 50, 100) for i in ids])
    write_csv(folder / "costs.csv", COSTS, [(i, "2026-03", "compute", 1000) for i in ids])
    write_csv(folder / "outcomes.csv", OUTCOMES, [(i, "2026-03", 5000, 10) for i in ids])
    return folder


def _by_id(m: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["initiative_id"]: i for i in m["initiatives"]}


@pytest.fixture
def gated(tmp_path: Path) -> Path:
    """One initiative per edge of the gate rule."""
    db = tmp_path / "db.duckdb"
    folder = _portfolio(
        tmp_path / "in",
        [
            _initiative("ready", "Operationalization"),
            _initiative("last", "Enterprise Transformation"),
            _initiative("paused", "Standardization", status="paused"),
            _initiative("nosponsor", "Operationalization", sponsor=" "),
            _initiative("decaying", "Operationalization"),
            _initiative("retired", "Operationalization", status="retired"),
            _initiative("losing", "Operationalization"),
        ],
    )
    # losing: its cost is far above its value
    write_csv(folder / "costs-more.csv", COSTS, [("losing", "2026-03", "people", 900_000)])
    rows = [
        (i, "m", "accuracy", day, value, None, "true")
        for i in ("decaying", "retired")
        for day, value in (("2025-06-01", 0.9), ("2026-02-01", 0.6))
    ]
    write_csv(folder / "model_metrics.csv", MODEL, rows)
    load(db, folder)
    return db


def test_a_well_run_initiative_is_ready(gated: Path) -> None:
    ready = _by_id(metrics(gated))["ready"]

    assert ready["gate_blockers"] == [] and ready["not_assessed"] == []
    assert ready["ready_for_next_stage"] is True
    assert ready["readiness_score"] == pytest.approx(4)


def test_the_last_stage_has_no_next_stage(gated: Path) -> None:
    last = _by_id(metrics(gated))["last"]

    assert last["gate_blockers"] == []
    assert last["ready_for_next_stage"] is None


def test_a_paused_initiative_is_neither_ready_nor_blocked(gated: Path) -> None:
    paused = _by_id(metrics(gated))["paused"]

    assert paused["gate_blockers"] == []
    assert paused["ready_for_next_stage"] is None


def test_a_blank_sponsor_blocks_ownership_whatever_its_score(gated: Path) -> None:
    nosponsor = _by_id(metrics(gated))["nosponsor"]

    assert nosponsor["gate_blockers"] == ["ownership"]  # its ownership score is 4
    assert nosponsor["gate_blocker_reasons"] == [{"cause": "ownership", "reason": "signal"}]
    assert nosponsor["ready_for_next_stage"] is False


def test_a_decaying_model_blocks_mlops_even_with_good_scores(gated: Path) -> None:
    m = metrics(gated)
    decaying, retired = _by_id(m)["decaying"], _by_id(m)["retired"]

    assert decaying["gate_blockers"] == ["mlops"] and decaying["readiness_score"] == 4
    assert decaying["ready_for_next_stage"] is False
    assert retired["gate_blockers"] == ["mlops"]  # the gate holds whatever the status
    assert retired["ready_for_next_stage"] is None
    assert [d["initiative_id"] for d in m["decaying_models"]] == ["decaying"]  # never retired


def test_a_loss_making_business_case_blocks(gated: Path) -> None:
    losing = _by_id(metrics(gated))["losing"]

    assert losing["business_case_at_risk"] is True
    assert losing["gate_blockers"] == ["business_case"]
    assert losing["ready_for_next_stage"] is False


def test_a_dimension_never_assessed_is_named_and_blocks_as_zero(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    folder = _portfolio(tmp_path / "in", [_initiative("u", "Operationalization")])
    kept = [r for r in _well_run("u") if r[1] != "governance"]
    write_csv(folder / "readiness.csv", READINESS, kept)
    load(db, folder)

    [u] = metrics(db)["initiatives"]

    assert u["not_assessed"] == ["governance"]
    assert u["readiness_score"] == pytest.approx(4 * 5 / 6)  # governance counts as 0
    assert u["gate_blocker_reasons"] == [{"cause": "governance", "reason": "not_assessed"}]
    assert u["ready_for_next_stage"] is False


def test_an_assessment_after_the_as_of_date_is_not_there_yet(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    folder = _portfolio(tmp_path / "in", [_initiative("u", "Operationalization")])
    write_csv(folder / "readiness.csv", READINESS, [("u", d, 4, "2026-05-01") for d in DIMENSIONS])
    load(db, folder)

    [u] = metrics(db)["initiatives"]

    assert u["not_assessed"] == list(DIMENSIONS)
    assert [r["reason"] for r in u["gate_blocker_reasons"]] == ["not_assessed"] * 6


def test_money_at_risk_counts_each_initiative_once_and_never_retired(gated: Path) -> None:
    m = metrics(gated)
    costs = {i["initiative_id"]: i["total_cost"] for i in m["initiatives"]}

    assert m["no_executive_owner"] == ["nosponsor"]
    by_signal = m["cost_at_risk_by_signal"]
    assert by_signal == {
        "stalled_pilots": 0.0,
        "no_executive_owner": pytest.approx(costs["nosponsor"]),
        "decaying_models": pytest.approx(costs["decaying"]),  # not the retired one
        "business_case_at_risk": pytest.approx(costs["losing"]),
    }
    assert m["cost_at_risk"] == pytest.approx(
        costs["nosponsor"] + costs["decaying"] + costs["losing"]
    )


def test_an_initiative_with_two_signals_counts_once_in_the_total(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    pilot = ("p", "Pilot", "Ops", "Experimentation", "2025-01-01", "", 100, "active")
    folder = _portfolio(tmp_path / "in", [pilot])
    load(db, folder)

    m = metrics(db)

    assert m["stalled_pilots"] == ["p"] and m["no_executive_owner"] == ["p"]
    assert m["cost_at_risk"] == pytest.approx(1000)
    assert m["cost_at_risk_by_signal"]["stalled_pilots"] == pytest.approx(1000)
    assert m["cost_at_risk_by_signal"]["no_executive_owner"] == pytest.approx(1000)


def test_a_trickle_month_is_partial_and_leaves_the_headline(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ids = [f"i{n}" for n in range(5)]
    folder = _portfolio(tmp_path / "in", [_initiative(i, "Operationalization") for i in ids])
    load(db, folder)
    before = metrics(db)
    trickle = write_csv(tmp_path / "late" / "costs.csv", COSTS, [("i0", "2026-04", "data", 7)])
    load(db, trickle)

    after = metrics(db)

    assert after["as_of"] == "2026-03" and after["partial_months"] == ["2026-04"]
    assert after["partial_month_reporting"] == [
        {"month": "2026-04", "reporting_initiatives": 1, "compared_with": 5}
    ]
    assert after["total_cost"] == before["total_cost"]
    assert after["adoption_rate"] == before["adoption_rate"]
    chosen = metrics(db, as_of="2026-04")
    assert chosen["as_of"] == "2026-04" and chosen["partial_months"] == ["2026-04"]


def test_a_month_at_exactly_the_share_is_reported_in_decimal(tmp_path: Path) -> None:
    """7 of 100 at a share of 0.07: 0.07 x 100 is 7 in decimals (7.000000000000001 in
    floating point, which would call the month partial)."""
    db = tmp_path / "db.duckdb"
    ids = [f"i{n:03d}" for n in range(100)]
    folder = _portfolio(tmp_path / "in", [_initiative(i, "Operationalization") for i in ids])
    write_csv(folder / "costs-next.csv", COSTS, [(i, "2026-04", "data", 1) for i in ids[:7]])
    load(db, folder)

    at_share = metrics(db, Settings(min_reporting_share=Decimal("0.07")))
    above = metrics(db, Settings(min_reporting_share=Decimal("0.08")))

    assert (at_share["as_of"], at_share["partial_months"]) == ("2026-04", [])
    assert (above["as_of"], above["partial_months"]) == ("2026-03", ["2026-04"])


def test_the_share_compares_with_the_three_latest_earlier_months_with_data(
    tmp_path: Path,
) -> None:
    """Months without data in between are skipped: a stray row years ahead is compared
    with the latest real months, and a month after a partial one is compared with it too."""
    db = tmp_path / "db.duckdb"
    ids = ["a", "b", "c", "d"]
    folder = _portfolio(tmp_path / "in", [_initiative(i, "Operationalization") for i in ids])
    rows = [(i, "2026-01", "data", 1) for i in ids] + [(i, "2026-02", "data", 1) for i in ids]
    rows += [("a", "2030-07", "data", 1)]  # a stray row years ahead: 1 of 4
    write_csv(folder / "costs-more.csv", COSTS, rows)
    load(db, folder)

    m = metrics(db)

    assert m["as_of"] == "2026-03" and m["partial_months"] == ["2030-07"]
    assert m["window"] == {"from": "2025-04", "to": "2026-03"}
    assert metrics(db, Settings(min_reporting_share=Decimal("0.25")))["as_of"] == "2030-07"


def test_partial_months_ignore_the_filters_and_the_chosen_window(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    folder = _portfolio(
        tmp_path / "in", [_initiative(i, "Operationalization") for i in ("a", "b", "c")]
    )
    write_csv(folder / "costs-next.csv", COSTS, [("a", "2026-04", "data", 1)])
    load(db, folder)

    assert metrics(db, business_units=("Nobody",))["partial_months"] == ["2026-04"]
    assert metrics(db, from_="2025-01", to="2025-06")["partial_months"] == ["2026-04"]


def test_an_inventory_takes_the_month_of_its_latest_stage_entry(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    rows = [
        ("x", "X", "Ops", "Experimentation", "2024-05-20", "", None, "active"),
        ("y", "Y", "Legal", "Standardization", "2025-02-03", "Bo", None, "active"),
    ]
    load(db, write_csv(tmp_path / "in" / "initiatives.csv", INITIATIVES_HEADER, rows))

    m = metrics_json(db, "--business-unit", "Ops")  # whatever the filters

    assert m["as_of"] == "2025-02" and m["partial_months"] == []
    assert m["window"] == {"from": "2024-03", "to": "2025-02"}
    assert m["initiatives_by_stage"]["Experimentation"] == 1
    assert m["stalled_pilots"] == ["x"] and m["no_executive_owner"] == ["x"]
    assert m["total_cost"] == 0 and m["cost_at_risk"] == 0
    [x] = m["initiatives"]
    assert x["not_assessed"] == list(DIMENSIONS) and x["ready_for_next_stage"] is False


def test_an_empty_database_has_every_money_at_risk_key_at_zero(tmp_path: Path) -> None:
    m = metrics_json(empty_database(tmp_path / "new.duckdb"))

    assert m["cost_at_risk"] == 0 and m["partial_months"] == []
    assert m["cost_at_risk_by_signal"] == dict.fromkeys(
        ("stalled_pilots", "no_executive_owner", "decaying_models", "business_case_at_risk"),
        0.0,
    )
