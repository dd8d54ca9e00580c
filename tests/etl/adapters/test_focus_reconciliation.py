"""FOCUS reconciliation: whatever mix of currencies, providers, accounts and timestamp forms an
export holds, no cost row shares a key with another, and every unit of the cost column is
allocated or kept as unallocated with its reason, per billing period and currency."""

from __future__ import annotations

import csv
import json
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import LoadResult, load_files
from etl.storage import open_reader
from tests.conftest import run_cli, write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "focus"
MIXED = FIXTURES / "focus_multi_currency.csv"
REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
SAMPLE = REALDATA / "focus" / "focus_1.0_sample_1000.csv"
KEYS = ["billing_period", "currency", "source_total", "allocated", "unallocated", "unparsed_rows"]
HEADER = (
    "BilledCost",
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargePeriodStart",
    "EffectiveCost",
    "ServiceCategory",
    "ProviderName",
    "Tags",
)


RATES = [("2024-09", "EUR", "1.1"), ("2024-09", "JPY", "0.007")]
"""No GBP rate: the GBP group is rejected by the loader, and reconciled as such."""


def _setup(tmp_path: Path) -> Path:
    db = tmp_path / "db.duckdb"
    files = [
        write_csv(
            tmp_path / "initiatives.csv",
            ("initiative_id", "name", "business_unit", "stage", "stage_entered_on"),
            [
                ("AI-0001", "Bedrock assistant", "Ops", "Experimentation", "2024-06-01"),
                ("AI-0002", "Document search", "Legal", "Experimentation", "2024-06-01"),
            ],
        ),
        write_csv(
            tmp_path / "fx_rates.csv",
            ("month", "currency", "rate_to_reporting"),
            RATES,
        ),
    ]
    assert load_files(db, files, Settings()).status == "loaded"
    return db


def _load(db: Path, path: Path, **options: Any) -> LoadResult:
    options.setdefault("initiative_tag", "initiative")
    return load_files(
        db, [path], Settings(), adapter="focus", adapter_options=AdapterOptions(**options)
    )


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with open_reader(db) as con:
        return con.execute(sql).fetchall()


def _independent_totals(path: Path, cost_column: str) -> dict[tuple[str | None, str | None], Any]:
    """Per (YYYY-MM of BillingPeriodStart as written, currency): the plain Decimal sum of the
    amounts that parse, and how many do not: computed from the file, not by the adapter."""
    totals: dict[tuple[str | None, str | None], list[Any]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            written = (row["BillingPeriodStart"] or "").strip()
            period = written[:7] if re.match(r"\d{4}-\d{2}-\d{2}", written) else None
            currency = (row["BillingCurrency"] or "").strip().upper() or None
            entry = totals.setdefault((period, currency), [Decimal(0), 0])
            text = (row[cost_column] or "").strip()
            try:
                entry[0] += Decimal(text)
            except ArithmeticError:
                entry[1] += 1
    return {key: tuple(value) for key, value in totals.items()}


def _check_balance(reconciliation: list[dict[str, Any]]) -> None:
    for row in reconciliation:
        assert list(row) == KEYS
        assert abs(row["allocated"] + row["unallocated"] - row["source_total"]) < 1e-9


def _by_key(reconciliation: list[dict[str, Any]]) -> dict[tuple[Any, Any], dict[str, Any]]:
    return {(r["billing_period"], r["currency"]): r for r in reconciliation}


def test_several_currencies_of_one_account_and_period_never_share_a_key(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, MIXED)
    reasons = [r for (r,) in _rows(db, "select reason from rejects where entity = 'costs'")]
    assert not [r for r in reasons if "times in this file" in r]
    costs = _rows(
        db,
        "select currency, amount, source from costs where initiative_id = 'AI-0001' "
        "and category = 'compute' order by currency",
    )
    assert costs == [
        ("EUR", Decimal("50.25"), "focus:ACC-1:2024-09:EUR"),
        ("JPY", Decimal("1200"), "focus:ACC-1:2024-09:JPY"),
        ("USD", Decimal("81.00"), "focus:ACC-1:2024-09:USD"),  # two providers, credit netted
    ]
    assert result.rows_read == result.rows_loaded + result.rows_rejected + result.rows_unallocated


def test_every_unit_is_allocated_or_unallocated_with_a_reason(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, MIXED, map_file=FIXTURES / "tag_map_not_loaded.csv")
    reconciliation = result.files[0].reconciliation
    assert reconciliation is not None
    _check_balance(reconciliation)
    rows = _by_key(reconciliation)
    expected = _independent_totals(MIXED, "EffectiveCost")
    assert {k: (Decimal(str(r["source_total"])), r["unparsed_rows"]) for k, r in rows.items()} == (
        expected
    )
    assert rows[("2024-09", "USD")]["allocated"] == pytest.approx(81.0)
    assert rows[("2024-09", "EUR")]["allocated"] == pytest.approx(50.25)
    assert rows[("2024-09", "GBP")]["allocated"] == 0  # no fx rate: the loader rejects it
    assert rows[("2024-09", "JPY")]["allocated"] == pytest.approx(1200)
    assert rows[("2024-10", "USD")]["allocated"] == pytest.approx(4)
    assert rows[(None, "USD")]["unallocated"] == pytest.approx(2)
    reasons = dict(
        _rows(
            db,
            "select reason, sum(amount)::double from cost_reconciliation "
            "where outcome = 'unallocated' group by reason",
        )
    )
    assert reasons["tag initiative=Skunkworks maps to no initiative"] == pytest.approx(12.5)
    assert reasons[
        "tag initiative=ghost maps to initiative AI-0099, which is not loaded"
    ] == pytest.approx(7.25)
    assert reasons["no tag initiative"] == pytest.approx(-60)
    assert reasons["negative net: credits exceed charges"] == pytest.approx(-4)
    rejected = [r for r in reasons if r.startswith("rejected: ")]
    assert len(rejected) == 1 and "no fx rate" in rejected[0]
    assert reasons[rejected[0]] == pytest.approx(30.5)
    unparseable = [r for r in reasons if r.startswith("unparseable: ")]
    assert sum(reasons[r] for r in unparseable) == pytest.approx(3.3 + 2.0)


def test_load_json_carries_the_reconciliation(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    out = run_cli(
        "load", "--db", db, "--format", "focus", "--initiative-tag", "initiative", "--json", MIXED
    )
    assert out.returncode == 1, out.stderr
    [entry] = json.loads(out.stdout)["files"]
    _check_balance(entry["reconciliation"])
    periods = {(r["billing_period"], r["currency"]) for r in entry["reconciliation"]}
    assert periods == set(_independent_totals(MIXED, "EffectiveCost"))


def test_a_contract_file_has_no_reconciliation(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    out = run_cli("load", "--db", db, "--json", FIXTURES.parents[4] / "data" / "sample")
    assert all("reconciliation" not in f for f in json.loads(out.stdout)["files"])


def _generated_export(path: Path, rows: int, seed: int) -> Path:
    """Charges of three accounts, two providers and four currencies in one billing period,
    with credits, every timestamp form, tagged, untagged and unknown-tagged."""
    rng = random.Random(seed)
    forms = (
        "2024-09-01T00:00:00Z",
        "2024-09-01 00:00:00",
        "2024-09-01",
        "2024-09-01T00:00:00+00:00",
    )
    tags = ('{"initiative": "AI-0001"}', '{"initiative": "AI-0002"}', '{"initiative": "x"}', "")
    lines = []
    for _ in range(rows):
        amount = Decimal(rng.randint(-500, 5000)) / Decimal(1000)
        day = rng.randint(1, 30)
        charge = rng.choice((f"2024-09-{day:02d}T12:00:00Z", f"2024-09-{day:02d} 08:00:00"))
        lines.append(
            (
                str(amount),
                rng.choice(("A1", "A2", "A3")),
                rng.choice(("USD", "EUR", "JPY", "eur")),
                rng.choice(forms),
                "Credit" if amount < 0 else "Usage",
                charge,
                str(amount),
                rng.choice(("Compute", "Storage", "AI and Machine Learning")),
                rng.choice(("Provider A", "Provider B")),
                rng.choice(tags),
            )
        )
    return write_csv(path, HEADER, lines)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_large_mixed_export_reconciles_exactly(tmp_path: Path, seed: int) -> None:
    db = _setup(tmp_path)
    export = _generated_export(tmp_path / "focus_mixed.csv", 3000, seed)
    result = _load(db, export)
    assert result.rows_rejected == 0, _rows(db, "select reason from rejects limit 3")
    reconciliation = result.files[0].reconciliation
    assert reconciliation is not None
    _check_balance(reconciliation)
    expected = _independent_totals(export, "EffectiveCost")
    assert {
        k: (Decimal(str(r["source_total"])), r["unparsed_rows"])
        for k, r in _by_key(reconciliation).items()
    } == expected
    stored = dict(_rows(db, "select currency, sum(amount)::double from costs group by currency"))
    for (_, currency), row in _by_key(reconciliation).items():
        assert stored.get(currency, 0) == pytest.approx(row["allocated"], abs=1e-9)


@pytest.mark.skipif(not SAMPLE.exists(), reason="the FOCUS sample is not in ../shared/realdata")
@pytest.mark.parametrize("cost_column", ["EffectiveCost", "BilledCost"])
def test_the_real_sample_reconciles_per_billing_period_and_currency(
    tmp_path: Path, cost_column: str
) -> None:
    db = _setup(tmp_path)
    result = _load(
        db,
        SAMPLE,
        initiative_tag="business_unit",
        map_file=FIXTURES / "business_units.csv",
        cost_column=cost_column,
    )
    reconciliation = result.files[0].reconciliation
    assert reconciliation is not None
    _check_balance(reconciliation)
    got = {
        k: (Decimal(str(r["source_total"])), r["unparsed_rows"])
        for k, r in _by_key(reconciliation).items()
    }
    expected = _independent_totals(SAMPLE, cost_column)
    assert set(got) == set(expected)
    for key, (total, unparsed) in expected.items():
        assert abs(got[key][0] - total) < Decimal("1e-9") and got[key][1] == unparsed
    [(allocated,)] = _rows(db, "select coalesce(sum(amount), 0)::double from costs")
    assert sum(r["allocated"] for r in reconciliation) == pytest.approx(allocated, abs=1e-9)


def test_a_rerun_of_the_same_rows_with_other_currencies_replaces_them(tmp_path: Path) -> None:
    """A newer export of the account and period replaces the stored rows of every currency."""
    db = _setup(tmp_path)
    _load(db, MIXED)
    newer = write_csv(
        tmp_path / "focus_newer.csv",
        HEADER,
        [
            (
                "9",
                "ACC-1",
                "USD",
                "2024-09-01",
                "Usage",
                "2024-09-02",
                "9",
                "Compute",
                "Provider A",
                '{"initiative": "AI-0001"}',
            )
        ],
    )
    _load(db, newer)
    rows = _rows(
        db, "select source, amount from costs where source like 'focus:ACC-1:2024-09%' order by 1"
    )
    assert rows == [("focus:ACC-1:2024-09:USD", Decimal("9"))]
    assert _rows(
        db, "select count(*) from unallocated_costs where source like 'focus:ACC-1:2024-09:%'"
    ) == [(0,)]


def test_sums_are_exact_decimals(tmp_path: Path) -> None:
    """0.1 + 0.2 is 0.3 in the ledger: no float ever sums an amount."""
    db = _setup(tmp_path)
    export = write_csv(
        tmp_path / "focus_tenths.csv",
        HEADER,
        [
            (v, "A", "USD", "2024-09-01", "Usage", "2024-09-02", v, "Compute", "P", "")
            for v in ("0.1", "0.2", "0.000000000001")
        ],
    )
    _load(db, export)
    [(amount,)] = _rows(db, "select sum(amount) from cost_reconciliation")
    assert amount == Decimal("0.300000000001")
