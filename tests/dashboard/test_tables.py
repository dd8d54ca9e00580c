"""Grids and CSV exports: a cell that starts like a formula is exported as text."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.components.tables import CSV_EXPORT, csv_cell, csv_safe, grid, records

CSV_CASES = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-12.5", "'-12.5"),  # text, even when it reads like a number
    ("Invoice = match", "Invoice = match"),
    ("", ""),
    (-12.5, -12.5),  # a number is a numeric cell, not text: never prefixed
    (3, 3),
    (None, None),
]
"""(value, as exported); the browser test checks `sbCsvCell` against the same cases."""


@pytest.mark.parametrize(("value", "exported"), CSV_CASES)
def test_a_formula_is_exported_as_text(value: object, exported: object) -> None:
    assert csv_cell(value) == exported


def test_a_frame_is_neutralised_cell_by_cell() -> None:
    df = pd.DataFrame({"name": ["=1+1", "ok"], "cost": [-12.5, 3.0]})
    safe = csv_safe(df)
    assert safe.to_dict("list") == {"name": ["'=1+1", "ok"], "cost": [-12.5, 3.0]}
    assert df["name"].tolist() == ["=1+1", "ok"]  # the frame itself is unchanged


def test_every_grid_exports_through_the_same_rule() -> None:
    table = grid("x-table", export_name="x.csv")
    assert table.csvExportParams == {"fileName": "x.csv", **CSV_EXPORT}
    assert table.dashGridOptions["defaultCsvExportParams"] == CSV_EXPORT
    assert CSV_EXPORT == {"processCellCallback": {"function": "sbCsvCell(params)"}}


def test_grid_rows_hold_plain_json_values() -> None:
    df = pd.DataFrame(
        {
            "n": pd.array([1, None], dtype="Int64"),
            "x": [float("nan"), 2.5],
            "on": pd.to_datetime(["2024-01-01", None]),
            "ok": pd.array([True, None], dtype="boolean"),
            "s": pd.Series(["p", None], dtype="string"),
        }
    )
    rows = records(df)
    assert rows == [
        {"n": 1, "x": None, "on": "2024-01-01T00:00:00", "ok": True, "s": "p"},
        {"n": None, "x": 2.5, "on": None, "ok": None, "s": None},
    ]
    assert [type(v) for v in rows[0].values()] == [int, type(None), str, bool, str]
