"""Every adapter on the real files of ../shared/realdata: rows read = loaded + rejected +
unallocated, per file (nothing vanishes between the export and the database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import load_files
from tests.conftest import write_csv

REAL = Path(__file__).resolve().parents[4] / "shared" / "realdata"
FOCUS_MAP = Path(__file__).parent / "fixtures" / "focus" / "business_units.csv"
CASES = {
    "focus": (
        ["focus/focus_1.0_sample_1000.csv"],
        AdapterOptions(initiative_tag="business_unit", map_file=FOCUS_MAP),
    ),
    "m365-copilot": (
        [
            "m365-copilot-usage/UsageUserDetail_beta_example.json",
            "m365-copilot-usage/UserCountSummary_beta_example.json",
            "m365-copilot-usage/UserCountTrend_beta_example.json",
            "m365-copilot-usage/UsageUserDetail_v1_example.csv",
            "m365-copilot-usage/UserCountSummary_v1_example.csv",
            "m365-copilot-usage/UserCountTrend_v1_example.csv",
        ],
        AdapterOptions(initiative="AI-0002"),
    ),
    "copilot-usage": (
        [
            "github-copilot-metrics/usage-metrics-api/organization-users-28-day-report.json",
            "github-copilot-metrics/seats-and-billing/organization_seats_response_sample.json",
        ],
        AdapterOptions(initiative="AI-0002"),
    ),
    "mlflow": (["mlflow-export/run_eb66c160.json"], AdapterOptions(initiative="AI-0002")),
    "us-ai-inventory": (
        [
            "us-federal-ai-inventory-2024/2023_consolidated_ai_inventory_raw.csv",
            "us-federal-ai-inventory-2024/2024_consolidated_ai_inventory_raw_v2.csv",
            "us-federal-ai-inventory-2025/2025_individually_reported_AI_use_cases.csv",
        ],
        AdapterOptions(),
    ),
}


@pytest.mark.skipif(not REAL.exists(), reason="../shared/realdata is not present")
@pytest.mark.parametrize("adapter", sorted(CASES))
def test_rows_in_are_loaded_rejected_or_unallocated(tmp_path: Path, adapter: str) -> None:
    names, options = CASES[adapter]
    paths = [REAL / name for name in names]
    if not all(p.exists() for p in paths):
        pytest.skip(f"a real file of {adapter} is missing")
    db = tmp_path / "db.duckdb"
    initiatives = write_csv(
        tmp_path / "initiatives.csv",
        ("initiative_id", "name", "business_unit", "stage", "stage_entered_on"),
        [
            ("AI-0001", "Cloud accounts", "IT", "Experimentation", "2024-01-01"),
            ("AI-0002", "Copilot rollout", "IT", "Experimentation", "2024-01-01"),
        ],
    )
    assert load_files(db, [initiatives], Settings()).status == "loaded"
    result = load_files(db, paths, Settings(), adapter=adapter, adapter_options=options)
    assert result.status != "refused", result.error
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_unallocated, f.path
        assert f.rows_read > 0 and f.rows_loaded >= 0
