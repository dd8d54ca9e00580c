"""`make demo-real` (scripts/demo-real.sh) without its serve: the real data sets in their
own database, on their own initiatives, and a window that holds their spend."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from etl.config import Settings
from etl.metrics import Filters, compute_metrics
from etl.storage import open_reader

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
needs_realdata = pytest.mark.skipif(not REALDATA.exists(), reason="no shared/realdata here")


def _demo_ids() -> set[str]:
    with (ROOT / "data" / "sample" / "initiatives.csv").open(encoding="utf-8") as handle:
        return {row["initiative_id"] for row in csv.DictReader(handle)}


@needs_realdata
def test_demo_real_loads_the_real_sets_on_their_own_initiatives(tmp_path: Path) -> None:
    db = tmp_path / "real.duckdb"
    env = {
        **os.environ,
        "NO_SERVE": "1",
        "DB": str(db),
        "REALDATA": str(REALDATA),
        "SB": f"{sys.executable} -m scaleboard",
        "PY": sys.executable,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo-real.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [window] = re.findall(r"\?as_of=(\d{4}-\d\d)&from=(\d{4}-\d\d)&to=(\d{4}-\d\d)", done.stdout)
    as_of, start, end = window

    with open_reader(db) as con:
        ids = {i for (i,) in con.execute("select initiative_id from initiatives").fetchall()}
        focus = con.execute(
            "select sum(amount) from costs where source like 'focus:%' "
            "and initiative_id = 'REAL-FOCUS-CLOUD' and month between ?::date and ?::date",
            [f"{start}-01", f"{end}-01"],
        ).fetchone()
        spend = compute_metrics(con, Filters(as_of=as_of, from_=start, to=end), Settings())
        m365 = con.execute(
            "select strftime(month, '%Y-%m'), active_users, eligible_users from stg_adoption "
            "where initiative_id = 'REAL-M365-COPILOT' order by month"
        ).fetchall()
        [(m365_since,)] = con.execute(
            "select strftime(stage_entered_on, '%Y-%m') from initiatives "
            "where initiative_id = 'REAL-M365-COPILOT'"
        ).fetchall()

    own = {"REAL-GH-COPILOT", "REAL-M365-COPILOT", "REAL-FOCUS-CLOUD", "REAL-MLFLOW"}
    assert own <= ids
    assert not ids & _demo_ids()
    assert focus is not None and focus[0] > 0
    assert spend.total_cost > 0  # the window the script opens shows the FOCUS spend
    assert as_of == end and start <= "2024-09" and end >= "2025-12"
    # the M365 rollout's data from its own start: the beta examples' 2025-08, by the
    # precedence (the D7 summary, not the trend or the one-user detail), and the v1.0 ones
    assert m365[0] == (m365_since, 165_115, 359_229) and m365_since == "2025-08"
    assert [month for month, _, _ in m365] == ["2025-08", "2026-07"]
