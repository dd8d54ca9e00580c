"""`scaleboard report`: the brief printed by Debian's chromium, read back with poppler's
`pdftotext` and `pdfinfo`, is one A4 landscape page holding the KPI values and the money at
risk by signal of `metrics --json` for the same filters; the PNG has the brief's size. Each
command launches one Chromium for all the files it writes."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page

from etl.registry import SIGNAL_LABELS, metric
from tests.conftest import metrics_json, run_cli
from tests.e2e.conftest import expected_kpis, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-brief")]

FILTER_SETS = {
    "all": (),
    "finance-at-2026-03": ("--business-unit", "Finance", "--as-of", "2026-03"),
}
A4_LANDSCAPE_PTS = (841.89, 595.28)
"""297 x 210 mm. Chromium sizes a PDF page in steps of 1/75 in (0.96 pt), so a page it
prints as A4 is within one step of it."""
CHROMIUM_STEP_PTS = 0.96


def pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "install Debian's poppler-utils (make browser)"
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def pdf_pages(path: Path) -> int:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def pdf_page_size(path: Path) -> tuple[float, float]:
    """(width, height) in points of the first page, as `pdfinfo` reads them."""
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Page size:"))
    found = re.match(r"Page size:\s+([\d.]+) x ([\d.]+) pts", line)
    assert found, line
    return float(found[1]), float(found[2])


def assert_a4_landscape(path: Path) -> None:
    width, height = pdf_page_size(path)
    assert abs(width - A4_LANDSCAPE_PTS[0]) <= CHROMIUM_STEP_PTS, (width, height)
    assert abs(height - A4_LANDSCAPE_PTS[1]) <= CHROMIUM_STEP_PTS, (width, height)


def expected_risk(db: Path, *options: str) -> dict[str, str]:
    """Each signal's money at risk in `metrics --json` for these options, formatted as the
    money-at-risk KPI card formats money."""
    metrics = metrics_json(db, *options)
    money = metric("cost_at_risk")
    by_signal = metrics["cost_at_risk_by_signal"]
    return {
        label: money.format(by_signal[key], metrics["currency"])
        for key, label in SIGNAL_LABELS.items()
    }


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("name", FILTER_SETS)
def test_brief001_pdf_holds_the_kpis_of_metrics_json(
    e2e_db: Path, tmp_path: Path, name: str
) -> None:
    options = FILTER_SETS[name]
    pdf, png = tmp_path / "brief.pdf", tmp_path / "brief.png"
    result = run_cli("report", "--db", e2e_db, "--out", pdf, "--out", png, *options)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = pdf_text(pdf)
    assert pdf_pages(pdf) == 1
    assert_a4_landscape(pdf)
    for element_id, value in expected_kpis(e2e_db, *options).items():
        assert value in text, f"{element_id}: {value} not in the brief"
    for label, value in expected_risk(e2e_db, *options).items():
        shown = re.search(rf"^\s*{re.escape(label)}\s+(\S+) · ", text, re.MULTILINE)
        assert shown and shown[1] == value, f"{label}: {value} not in the brief"
    for heading in (
        "Money at risk by signal",
        "Maturity funnel",
        "Adoption trend",
        "Outcome value vs cost",
        "Top alerts by money at stake",
        "Biggest movers",
    ):
        assert heading in text
    if options:
        assert "Business unit: Finance" in text and "As of 2026-03" in text
    assert png_size(png) == (1600, 1200)


def test_brief002_clear_errors_without_a_traceback(e2e_db: Path, tmp_path: Path) -> None:
    missing = run_cli(
        "report",
        "--db",
        e2e_db,
        "--out",
        tmp_path / "b.pdf",
        env={"SCALEBOARD_CHROMIUM": str(tmp_path / "no-chromium")},
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "no-chromium" in missing.stderr and "does not exist" in missing.stderr
    on_path = run_cli(
        "report", "--db", e2e_db, "--out", tmp_path / "b.pdf", env={"PATH": str(tmp_path)}
    )
    assert on_path.returncode == 2 and "apt-get install chromium" in on_path.stderr
    wrong = run_cli("report", "--db", e2e_db, "--out", tmp_path / "b.docx")
    assert wrong.returncode == 2 and "must end in .pdf or .png" in wrong.stderr
    bad_stage = run_cli("report", "--db", e2e_db, "--out", tmp_path / "b.pdf", "--stage", "x")
    same = run_cli("metrics", "--db", e2e_db, "--stage", "x")
    assert bad_stage.returncode == same.returncode == 2 and bad_stage.stderr == same.stderr
    assert not (tmp_path / "b.pdf").exists()


def test_brief003_export_brief_downloads_the_filters_brief(
    page: Page, server: str, e2e_db: Path, tmp_path: Path
) -> None:
    page.goto(server + "/?business_unit=Finance&as_of=2026-03")
    settle(page)
    with page.expect_download(timeout=90_000) as download:
        page.click("#portfolio-export-brief")
    assert download.value.suggested_filename == "scaleboard-brief-2026-03.pdf"
    saved = tmp_path / "exported.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved)
    assert pdf_pages(saved) == 1
    assert_a4_landscape(saved)
    expected = expected_kpis(e2e_db, "--business-unit", "Finance", "--as-of", "2026-03")
    assert all(value in text for value in expected.values()), (expected, text)
    assert "Business unit: Finance" in text
