"""Unallocated AI spend from a FOCUS export, on the portfolio and data pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.db import Database, Reader
from dashboard.filters import PageFilters
from dashboard.queries import Selection
from dashboard.queries import portfolio as q
from dashboard.views import data as data_view
from dashboard.views import portfolio as portfolio_view
from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import load_files
from tests.conftest import ROOT, SAMPLE, write_csv
from tests.dashboard.conftest import build, write_tiny

FOCUS = ROOT / "tests" / "etl" / "adapters" / "fixtures" / "focus" / "focus_2024-09.csv"
FOCUS_HEADER = (
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodStart",
    "ChargePeriodStart",
    "ChargeCategory",
    "ServiceCategory",
    "EffectiveCost",
    "Tags",
)


@pytest.fixture(scope="module")
def focus_reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    db = tmp_path_factory.mktemp("focus") / "db.duckdb"
    assert load_files(db, [SAMPLE], Settings()).exit_code == 0
    options = AdapterOptions(initiative_tag="initiative")
    load_files(db, [FOCUS], Settings(), adapter="focus", adapter_options=options)
    database = Database(db, Settings())
    with database.reader() as reader:
        yield reader
    database.close()


def _expected(reader: Reader) -> tuple[float, float]:
    unallocated = reader.con.execute(
        "select sum(amount_rc) from mart_unallocated_spend where month = '2024-09-01'"
    ).fetchone()
    allocated = reader.con.execute(
        "select sum(cost_rc) from mart_initiative_month "
        "where month between '2024-01-01' and '2024-12-01'"
    ).fetchone()
    assert unallocated and allocated
    return float(unallocated[0]), float(allocated[0])


def test_portfolio_counts_unallocated_spend_in_its_window(focus_reader: Reader) -> None:
    unallocated, allocated = _expected(focus_reader)
    assert unallocated > 0
    filters = PageFilters(as_of="2024-12", from_="2024-01", to="2024-12")
    sel = Selection.from_metrics(focus_reader.metrics(filters))

    cost, share = q.unallocated_spend(focus_reader.con, sel)

    assert cost == pytest.approx(unallocated)
    assert share == pytest.approx(unallocated / (unallocated + allocated))
    later = Selection.from_metrics(focus_reader.metrics(PageFilters()))
    assert q.unallocated_spend(focus_reader.con, later)[0] == 0


def test_the_portfolio_line_names_it(focus_reader: Reader) -> None:
    line = portfolio_view.unallocated((1234.0, 0.25), "USD")

    assert line.children == "Unallocated AI spend: $1.23K (25.0% of all AI spend in the window)"


def test_data_page_lists_unallocated_spend_and_mappings(focus_reader: Reader) -> None:
    outputs = data_view.data(focus_reader, "")
    unallocated, mappings = outputs["unallocated_rows"], outputs["mapping_rows"]

    assert "focus:111111111111:2024-09:USD" in {r["source"] for r in unallocated}
    assert sum(r["amount_rc"] for r in unallocated) == pytest.approx(_expected(focus_reader)[0])
    assert all(r["reason"] for r in unallocated)
    assert {r["adapter"] for r in mappings} == {"focus"}
    assert any(r["mapped_to"] for r in mappings)


def test_a_negative_unallocated_amount_is_explained_not_a_share() -> None:
    line = portfolio_view.unallocated((-120.0, -0.068), "USD")

    assert "credits no initiative claims" in line.children and "%" not in line.children


def test_data_page_reconciles_each_cost_export(focus_reader: Reader) -> None:
    rows = data_view.data(focus_reader, "")["reconciliation_rows"]

    by_key = {(r["billing_period"], r["currency"]): r for r in rows}
    assert set(by_key) == {("2024-09", "USD"), ("2024-09", "EUR"), ("2024-10", "USD")}
    for row in rows:
        assert row["allocated"] + row["unallocated"] == pytest.approx(row["source_total"])
    usd = by_key[("2024-09", "USD")]
    assert "negative net" in usd["why_unallocated"]
    assert "no tag initiative" in usd["why_unallocated"]
    assert by_key[("2024-09", "EUR")]["unparsed_rows"] == 1


def test_data_page_explains_a_negative_unallocated_amount_by_credits(tmp_path: Path) -> None:
    """An untagged credit larger than the untagged charges leaves the unallocated amount
    negative: the data page says it is credits, not a bare negative figure."""
    db = build(tmp_path / "db.duckdb", write_tiny(tmp_path / "in"))
    period, day = "2025-06-01T00:00:00Z", "2025-06-10T00:00:00Z"
    export = write_csv(
        tmp_path / "focus.csv",
        FOCUS_HEADER,
        [
            ("111", "USD", period, day, "Usage", "Compute", "10.00", '{"initiative": "a"}'),
            ("111", "USD", period, day, "Usage", "Storage", "1.00", "{}"),
            ("111", "USD", period, day, "Credit", "Compute", "-4.00", "{}"),  # untagged credit
        ],
    )
    options = AdapterOptions(initiative_tag="initiative")
    result = load_files(db, [export], Settings(), adapter="focus", adapter_options=options)
    assert result.exit_code == 0, result.error
    database = Database(db, Settings())
    try:
        with database.reader() as reader:
            [row] = data_view.data(reader, "")["reconciliation_rows"]
    finally:
        database.close()

    assert (row["source_total"], row["allocated"], row["unallocated"]) == pytest.approx(
        (7.0, 10.0, -3.0)
    )
    assert row["why_unallocated"] == (
        "negative: credits no initiative claims exceed the unallocated charges. "
        "no tag initiative: -3.00 (2 rows)"
    )
