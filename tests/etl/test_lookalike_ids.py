"""Ids that look like another id (a zero-width space, a no-break space, U+2010 HYPHEN,
fullwidth letters) are rejected with a reason naming the character, never loaded as a new
initiative or a new user that displays like an existing one."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import duckdb
import pytest

from etl.identifiers import _PLANES, breaks_rule, id_flaw, normalise_id
from tests.conftest import run_cli, write_csv
from tests.etl.conftest import INITIATIVES_HEADER, write_worked_example

LOOKALIKES = [
    ("zero_width_space", "HX\u200b-001", "U+200B ZERO WIDTH SPACE"),
    ("no_break_space", "HX-001\u00a0", "U+00A0 NO-BREAK SPACE"),
    ("hyphen", "HX\u2010001", "U+2010 HYPHEN"),
    ("fullwidth", "\uff28\uff38-001", "U+FF28 FULLWIDTH LATIN CAPITAL LETTER H"),
    ("en_dash", "HX\u2013001", "U+2013 EN DASH"),
    ("tab", "HX-\t001", "U+0009"),
    ("line_separator", "HX-001\u2028", "U+2028 LINE SEPARATOR"),
    ("combining_mark", "HX-001e\u0301", "not in NFKC form"),
]


def _rejects(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select entity, row_number, column_name, value, reason from rejects order by row_number"
        ).fetchall()


def _initiative_ids(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select initiative_id from initiatives order by 1").fetchall()
        return [r[0] for r in rows]


@pytest.mark.parametrize(
    ("lookalike", "reason"), [c[1:] for c in LOOKALIKES], ids=[c[0] for c in LOOKALIKES]
)
def test_a_lookalike_initiative_id_is_rejected_naming_the_character(
    tmp_path: Path, lookalike: str, reason: str
) -> None:
    row = ("Invoice matching", "Finance", "Experimentation", "2025-01-10", "Ann", 10, "active")
    initiatives = write_csv(
        tmp_path / "in" / "initiatives.csv",
        INITIATIVES_HEADER,
        [("HX-001", *row), (lookalike, *row)],
    )
    db = tmp_path / "db.duckdb"

    result = run_cli("load", "--db", db, initiatives, "--json")

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rows_loaded"], summary["rows_rejected"]) == (1, 1)
    [reject] = _rejects(db)
    assert reject[1:4] == (2, "initiative_id", lookalike)
    assert reason in str(reject[4])
    assert "NFKC" in str(reject[4])
    assert _initiative_ids(db) == ["HX-001"]


def test_a_lookalike_id_in_a_fact_file_is_rejected(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    assert run_cli("load", "--db", db, folder).returncode == 0
    costs = write_csv(
        tmp_path / "more" / "costs.csv",
        ("initiative_id", "month", "category", "amount"),
        [("a", "2026-02", "data", "1"), ("\uff41", "2026-02", "people", "2")],
    )

    result = run_cli("load", "--db", db, costs)

    assert result.returncode == 1, result.stderr
    [reject] = _rejects(db)
    assert reject[:4] == ("costs", 2, "initiative_id", "\uff41")
    assert "U+FF41 FULLWIDTH LATIN SMALL LETTER A" in str(reject[4])


def test_lookalike_ids_in_events_are_rejected_on_the_streaming_path(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    assert run_cli("load", "--db", db, folder).returncode == 0
    events = write_csv(
        tmp_path / "more" / "usage_events.csv",
        ("initiative_id", "user_id", "event_time"),
        [
            ("a", "ann@example.org", "2026-03-01 10:00"),
            ("a", "ann@example.org\u200b", "2026-03-01 11:00"),
            ("a\u00a0", "bo@example.org", "2026-03-01 12:00"),
            ("a", "bo@example.org", "2026-03-02 12:00"),
        ],
    )

    result = run_cli("load", "--db", db, events, "--json")

    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["rows_rejected"] == 2
    rejects = _rejects(db)
    assert [(r[1], r[2]) for r in rejects] == [(2, "user_id"), (3, "initiative_id")]
    assert "U+200B ZERO WIDTH SPACE" in str(rejects[0][4])
    assert "U+00A0 NO-BREAK SPACE" in str(rejects[1][4])
    with duckdb.connect(str(db), read_only=True) as con:
        [(active,)] = con.execute(
            "select active_users from usage_monthly_active where month = '2026-03-01'"
        ).fetchall()
    assert active == 2


def test_plain_ids_with_spaces_hyphens_and_letters_of_any_script_load(tmp_path: Path) -> None:
    row = ("Name", "Finance", "Experimentation", "2025-01-10", "Ann", 10, "active")
    ids = ["HX-001", "HX 001", "Zürich-1", "東京-2", "Ελλάδα_3", "é-4"]
    initiatives = write_csv(
        tmp_path / "in" / "initiatives.csv", INITIATIVES_HEADER, [(i, *row) for i in ids]
    )
    db = tmp_path / "db.duckdb"

    result = run_cli("load", "--db", db, initiatives)

    assert result.returncode == 0, result.stderr
    assert _initiative_ids(db) == sorted(ids)


def test_the_rule_in_python_matches_the_one_in_sql() -> None:
    for _, value, _ in LOOKALIKES:
        assert id_flaw(value) is not None
        assert id_flaw(normalise_id(value)) is None
    assert id_flaw("HX-001 b") is None


@pytest.mark.skipif(sys.maxunicode < 0x10FFFF, reason="narrow build")
def test_no_character_outside_the_scanned_planes_breaks_the_rule() -> None:
    scanned = {code for plane in _PLANES for code in plane}
    outside = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if code not in scanned and not 0xD800 <= code <= 0xDFFF and breaks_rule(chr(code))
    ]
    assert outside == []
    assert unicodedata.category("\U000e0001") == "Cf"  # a tag character, in plane 14
