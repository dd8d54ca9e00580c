"""Each condition of the alert rules on the tiny portfolio (as of 2026-03), plus a cost
spike: a's 2026-03 cost ($50K) against its 3-month average ($3.3K)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard.alerting.config import parse_config
from dashboard.alerting.rules import Facts, evaluate
from dashboard.alerting.service import gather_facts
from dashboard.edits.store import EditsStore
from etl.config import Settings
from tests.conftest import write_csv
from tests.dashboard.conftest import build, write_tiny

TODAY = dt.date(2026, 5, 15)


@pytest.fixture(scope="module")
def spiking_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spike")
    folder = write_tiny(root / "in")
    write_csv(
        folder / "costs-extra.csv",
        ("initiative_id", "month", "category", "amount", "currency"),
        [("a", "2026-01", "compute", 10000, "USD"), ("c", "2026-03", "compute", 100, "USD")],
    )
    write_csv(  # one of the three initiatives of 2026-03 reports in 2026-04: a partial month
        folder / "outcomes-extra.csv",
        ("initiative_id", "month", "value", "insights"),
        [("a", "2026-04", 10, 1)],
    )
    return build(root / "spike.duckdb", folder)


def facts(db: Path, text: str, tmp_path: Path) -> tuple[list[str], Facts]:
    config = parse_config(tmp_path / "alerts.toml", text)
    store = EditsStore(f"sqlite:///{tmp_path / 'edits.sqlite'}")
    found = gather_facts(db, Settings(), store, config, TODAY)
    return [a.key for a in evaluate(config, found)], found


def rule(condition: str, **options: object) -> str:
    extra = "".join(f"\n{k} = {v}" for k, v in options.items())
    return f'[[rules]]\ncondition = "{condition}"{extra}\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (rule("stalled_pilot"), ["stalled_pilot:b"]),
        (rule("model_decay", min_decay_pct=10), ["model_decay:a:m1:accuracy"]),
        (rule("model_decay", min_decay_pct=20), []),
        (rule("cost_spike"), ["cost_spike:a:2026-03"]),
        (rule("cost_spike", factor=100), []),
        (rule("money_at_risk_above", threshold=1000), ["money_at_risk_above:portfolio"]),
        (rule("money_at_risk_above", threshold=1e9), []),
        (rule("adoption_below_target", target=0.5), ["adoption_below_target:portfolio"]),
        (rule("adoption_below_target", target=0.3), []),
        (rule("adoption_below_target"), []),  # no target set in the edits store
        (rule("stale_data", days=30), ["stale_data:portfolio"]),  # 2026-03-31 is 45 days ago
        (rule("stale_data", days=45), []),
        (rule("partial_month_open", days=14), ["partial_month_open:2026-04"]),
        (rule("partial_month_open", days=15), []),
        (rule("business_case_at_risk"), ["business_case_at_risk:a"]),  # $60K cost, no value
    ],
)
def test_each_condition(spiking_db: Path, tmp_path: Path, text: str, expected: list[str]) -> None:
    assert facts(spiking_db, text, tmp_path)[0] == expected


def test_the_details_read_as_the_cards(spiking_db: Path, tmp_path: Path) -> None:
    text = rule("cost_spike") + rule("adoption_below_target", target=0.5)
    config = parse_config(tmp_path / "alerts.toml", text)
    _, found = facts(spiking_db, text, tmp_path)
    spike, adoption = evaluate(config, found)
    assert spike.title == "Invoice matching (a): monthly cost spike"
    assert spike.detail == "$50.0K in 2026-03, above 1.5x its 3-month average of $3.33K"
    assert adoption.detail == "30.5% in 2026-03, target 50.0%"


def test_targets_from_the_edits_store(spiking_db: Path, tmp_path: Path) -> None:
    text = rule("adoption_below_target")
    config = parse_config(tmp_path / "alerts.toml", text)
    _, found = facts(spiking_db, text, tmp_path)
    with_targets = Facts(
        found.metrics,
        found.cost_spikes,
        TODAY,
        {"adoption_rate": Decimal("0.4")},
        {"a": {"adoption_rate": Decimal("0.2")}, "b": {"adoption_rate": Decimal("0.5")}},
    )
    keys = [a.key for a in evaluate(config, with_targets)]
    assert keys == ["adoption_below_target:b", "adoption_below_target:portfolio"]
