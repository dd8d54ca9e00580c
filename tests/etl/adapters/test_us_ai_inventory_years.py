"""The inventories across years: each one's as-of date (31 December), a use case absent
from a later inventory of its agency retired, no date earlier than the evidence, the stage
mapping of pilots and of use cases first seen retired, exact copies loaded once, and the
same result whatever order the years are loaded in."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import LoadResult, load_files
from etl.metrics import Filters, compute_metrics
from etl.storage import open_reader
from tests.conftest import run_cli, write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "us_ai_inventory"
YEARS = (
    FIXTURES / "2023_inventory.csv",
    FIXTURES / "2024_inventory_cp1252.csv",
    FIXTURES / "2025_inventory.csv",
)
REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
REAL_YEARS = (
    REALDATA / "us-federal-ai-inventory-2024" / "2023_consolidated_ai_inventory_raw.csv",
    REALDATA / "us-federal-ai-inventory-2024" / "2024_consolidated_ai_inventory_raw_v2.csv",
    REALDATA / "us-federal-ai-inventory-2025" / "2025_individually_reported_AI_use_cases.csv",
)
needs_realdata = pytest.mark.skipif(not REALDATA.exists(), reason="no shared/realdata here")

HEADER_2023 = ("Use_Case_ID", "Department_Code", "Agency", "Title", "Development_Stage")
HEADER_2024 = (
    "Agency Abbreviation",
    "Use Case Name",
    "Bureau",
    "Stage of Development",
    "Date Initiated",
    "Date Implemented",
)
HEADER_2025 = (
    "agency",
    "id",
    "use_case_name",
    "agency_bureau",
    "development_stage",
    "operational_date",
)


def _load(db: Path, *paths: Path) -> LoadResult:
    result = load_files(
        db, list(paths), Settings(), adapter="us-ai-inventory", adapter_options=AdapterOptions()
    )
    assert result.status in ("loaded", "loaded_with_rejects"), result.error
    return result


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with open_reader(db) as con:
        return con.execute(sql).fetchall()


def _state(db: Path, name: str) -> dict[str, Any]:
    [(stage, on, status, description)] = _rows(
        db,
        "select stage, strftime(stage_entered_on, '%Y-%m-%d'), status, description "
        f"from initiatives where name = '{name}'",
    )
    return {"stage": stage, "on": on, "status": status, "description": description or ""}


def _metrics(db: Path) -> dict[str, Any]:
    with open_reader(db) as con:
        return compute_metrics(con, Filters(), Settings()).model_dump(mode="json")


def _figures(db: Path) -> dict[str, Any]:
    """The program figures, each initiative id in them as its (business unit, name): ids
    are those of the first loaded year of a use case, everything else is the same."""
    names = {
        i: (bu, n)
        for i, bu, n in _rows(db, "select initiative_id, business_unit, name from initiatives")
    }
    figures = _metrics(db)
    del figures["initiatives"]
    for key in ("stalled_pilots", "no_executive_owner"):
        figures[key] = sorted(names[i] for i in figures[key])
    return figures


def _portfolio(db: Path) -> list[tuple[Any, ...]]:
    """Every use case's state and history, by what it is (ids name the first loaded year)."""
    return _rows(
        db,
        """
        select i.business_unit, i.name, i.stage, i.stage_entered_on, i.status,
               regexp_extract(i.description, 'Retired since .*$'),
               list(e.stage || '@' || e.entered_on || ':' || e.origin order by e.entered_on)
        from initiatives as i join stage_entries as e using (initiative_id)
        group by all order by all
        """,
    )


def _two_years(tmp_path: Path, later: list[tuple[str, ...]]) -> Path:
    """DOJ reports two use cases and EPA one in 2024; `later` is the 2025 inventory."""
    first = write_csv(
        tmp_path / "2024.csv",
        HEADER_2024,
        [
            ("DOJ", "Case triage", "FBI", "Operation and Maintenance", "", "3/1/2023"),
            ("DOJ", "Voice search", "FBI", "Acquisition and/or Development", "2/1/2024", ""),
            ("EPA", "Leak finder", "OAR", "Acquisition and/or Development", "", ""),
        ],
    )
    db = tmp_path / "db.duckdb"
    _load(db, first)
    _load(db, write_csv(tmp_path / "2025.csv", HEADER_2025, later))
    return db


# --- problem 4: use cases that stop being reported ----------------------------------------


def test_a_use_case_absent_from_a_later_inventory_of_its_agency_is_retired(
    tmp_path: Path,
) -> None:
    db = _two_years(
        tmp_path,
        [("DOJ", "DOJ-1", "Case triage", "FBI", "Deployed", "")],  # no Voice search, no EPA
    )

    voice = _state(db, "Voice search")
    assert voice["status"] == "retired"
    assert (
        "Retired since the 2025 inventory: DOJ reported other use cases in it"
        in (voice["description"])
    )
    assert "(last reported in the 2024 inventory)" in voice["description"]
    assert (voice["stage"], voice["on"]) == ("Experimentation", "2024-02-01")  # kept
    # EPA has no row in the 2025 inventory: it said nothing of its use case
    assert _state(db, "Leak finder")["status"] == "active"
    assert _state(db, "Case triage")["status"] == "active"
    assert _rows(db, "select count(*) from initiatives where status = 'retired'") == [(1,)]


def test_an_agency_whose_later_rows_are_all_rejected_keeps_its_use_cases(
    tmp_path: Path,
) -> None:
    db = _two_years(
        tmp_path,
        [
            ("DOJ", "DOJ-1", "Case triage", "FBI", "Deployed", ""),
            ("EPA", "EPA-7", "Other tool", "OAR", "", ""),  # no stage: rejected
        ],
    )

    assert _state(db, "Leak finder")["status"] == "active"
    assert _state(db, "Voice search")["status"] == "retired"


def test_an_inventory_split_over_files_reports_every_use_case_of_its_year(
    tmp_path: Path,
) -> None:
    """Agencies publish their inventories one by one: a second file of the same year that
    reports the use case makes it active again."""
    db = _two_years(tmp_path, [("DOJ", "DOJ-1", "Case triage", "FBI", "Deployed", "")])
    assert _state(db, "Voice search")["status"] == "retired"

    _load(
        db,
        write_csv(
            tmp_path / "2025-more.csv",
            HEADER_2025,
            [("DOJ", "DOJ-2", "Voice search", "FBI", "Deployed", "")],
        ),
    )

    voice = _state(db, "Voice search")
    assert voice["status"] == "active" and "Retired" not in voice["description"]
    assert (voice["stage"], voice["on"]) == ("Standardization", "2025-12-31")


# --- problem 5: no date earlier than the evidence ------------------------------------------


def test_a_missing_date_is_the_as_of_date_and_flagged_estimated(tmp_path: Path) -> None:
    db = _two_years(
        tmp_path,
        [
            ("DOJ", "DOJ-1", "Case triage", "FBI", "Deployed", ""),
            ("DOJ", "DOJ-2", "Voice search", "FBI", "Pilot", ""),
            ("EPA", "EPA-1", "Leak finder", "OAR", "Pre-deployment", ""),
            ("EPA", "EPA-2", "Fresh idea", "OAR", "Pre-deployment", ""),
        ],
    )

    fresh = _state(db, "Fresh idea")
    assert fresh["on"] == "2025-12-31"  # not 1 January: it may have started in December
    assert (
        "Stage date estimated: 2025-12-31, the 2025 inventory's as-of date"
        in (fresh["description"])
    )
    # unchanged since the 2024 inventory: in Experimentation since its as-of date at least
    assert _state(db, "Leak finder")["on"] == "2024-12-31"
    # a stage whose date the source gives keeps it; an unchanged stage keeps its entry
    assert _state(db, "Voice search")["on"] == "2024-02-01"
    origins = dict(
        _rows(
            db,
            "select i.name, e.origin from stage_entries as e join initiatives as i "
            "on i.initiative_id = e.initiative_id and i.stage_entered_on = e.entered_on",
        )
    )
    assert origins["Fresh idea"] == "estimated" and origins["Voice search"] == "inventory"
    metrics = _metrics(db)
    assert metrics["as_of"] == "2025-12"
    stalled = {i["name"] for i in metrics["initiatives"] if i["is_stalled_pilot"]}
    assert stalled == {"Leak finder", "Voice search"}  # provably stalled; Fresh idea is not


# --- problem 6: stage mappings and exact copies -------------------------------------------


def test_a_pilot_is_experimentation_and_a_first_seen_retired_takes_its_evidence(
    tmp_path: Path,
) -> None:
    db = tmp_path / "db.duckdb"
    _load(
        db,
        write_csv(
            tmp_path / "2025.csv",
            HEADER_2025,
            [
                ("NASA", "NASA-1", "Rover", "JPL", "Pilot", ""),
                ("NASA", "NASA-2", "Old chatbot", "HQ", "Retired", "03/01/2022 00:00:00"),
                ("NASA", "NASA-3", "Old search", "HQ", "Retired", ""),
            ],
        ),
    )

    assert _state(db, "Rover")["stage"] == "Experimentation"
    chatbot, search = _state(db, "Old chatbot"), _state(db, "Old search")
    assert (chatbot["stage"], chatbot["on"], chatbot["status"]) == (
        "Operationalization",
        "2022-03-01",
        "retired",
    )
    assert (search["stage"], search["on"], search["status"]) == (
        "Experimentation",
        "2025-12-31",
        "retired",
    )
    # only the retired chatbot's own date shows it in production (the old mapping: 3 of 3)
    assert _metrics(db)["pilot_to_production_rate"] == pytest.approx(1 / 3)


def test_a_retired_use_case_seen_before_keeps_its_stage(tmp_path: Path) -> None:
    db = _two_years(
        tmp_path,
        [
            ("DOJ", "DOJ-1", "Case triage", "FBI", "Retired", "06/01/2024 00:00:00"),
            ("DOJ", "DOJ-2", "Voice search", "FBI", "Pilot", ""),
        ],
    )

    triage = _state(db, "Case triage")
    assert (triage["stage"], triage["on"], triage["status"]) == (
        "Standardization",
        "2023-03-01",
        "retired",
    )


def test_exact_copies_of_a_record_are_loaded_once_with_a_warning(tmp_path: Path) -> None:
    row = ("NASA", "", "Rover", "JPL", "Pilot", "")
    db = tmp_path / "db.duckdb"
    result = _load(
        db,
        write_csv(
            tmp_path / "2025.csv",
            HEADER_2025,
            [row, row, row, ("NASA", "", "Rover", "JPL", "Deployed", "")],
        ),
    )

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 4, 0)
    assert _rows(db, "select count(*) from initiatives") == [(2,)]
    assert any(
        w.startswith("2 rows are exact copies of an earlier row") for w in result.files[0].warnings
    )


# --- "later" is a later inventory year, whatever the load order ----------------------------


def _loaded_alike(tmp_path: Path, years: Sequence[Path], order: tuple[int, ...]) -> Path:
    """The inventories loaded in year order and in `order` give the same portfolio and
    figures; the database loaded in year order."""
    in_order, other = tmp_path / "in-order.duckdb", tmp_path / "other.duckdb"
    for path in years:
        _load(in_order, path)
    for index in order:
        _load(other, years[index])

    assert _portfolio(other) == _portfolio(in_order)
    assert _figures(other) == _figures(in_order)
    return in_order


@pytest.mark.parametrize("order", list(itertools.permutations(range(3)))[1:])
def test_every_load_order_gives_the_same_portfolio(tmp_path: Path, order: tuple[int, ...]) -> None:
    _loaded_alike(tmp_path, YEARS, order)


def _chatbot_years(tmp_path: Path) -> tuple[Path, Path, Path]:
    """DOL's "Chatbot" is one use case in 2023, two (of two bureaus) in 2024 and one,
    retired, in 2025: the real files' DOL "Website Chatbot Assistant" and HHS "Chatbot"."""
    return (
        write_csv(
            tmp_path / "2023.csv",
            HEADER_2023,
            [
                ("DOL-0001-2023", "DOL", "ETA", "Chatbot", "Implementation"),
                ("DOL-0002-2023", "DOL", "ETA", "Claims search", "Operation and Maintenance"),
            ],
        ),
        write_csv(
            tmp_path / "2024.csv",
            HEADER_2024,
            [
                ("DOL", "Chatbot", "ETA", "Operation and Maintenance", "", "5/1/2023"),
                ("DOL", "Chatbot", "OSHA", "Implementation and Assessment", "", "6/1/2024"),
                ("DOL", "Claims search", "ETA", "Operation and Maintenance", "", ""),
            ],
        ),
        write_csv(
            tmp_path / "2025.csv",
            HEADER_2025,
            [
                ("DOL", "DOL-1", "Chatbot", "ETA", "Retired", ""),
                ("DOL", "DOL-2", "Claims search", "ETA", "Deployed", ""),
            ],
        ),
    )


@pytest.mark.parametrize("order", list(itertools.permutations(range(3)))[1:])
def test_a_name_one_inventory_repeats_matches_the_same_way_in_every_order(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    """A name unique in two inventories of its agency is one use case in both, whether the
    inventory that repeats it was loaded before, between or after them: its rows, which
    cannot say which of them is that use case, stay use cases of their own."""
    years = _chatbot_years(tmp_path)
    in_order = _loaded_alike(tmp_path, years, order)
    chatbots = _rows(
        in_order,
        "select i.status, list(e.stage || '@' || e.entered_on order by e.entered_on) "
        "from initiatives as i join stage_entries as e using (initiative_id) "
        "where i.name = 'Chatbot' group by i.initiative_id, i.status order by 2",
    )
    assert chatbots == [
        # 2023 and 2025: one use case, seen in production, reported retired
        ("retired", ["Operationalization@2023-12-31"]),
        ("retired", ["Operationalization@2024-06-01"]),  # 2024's OSHA one, absent in 2025
        ("retired", ["Standardization@2023-05-01"]),  # 2024's ETA one, absent in 2025
    ]


def test_sightings_of_a_version_4_database_learn_whether_their_name_is_unique(
    tmp_path: Path,
) -> None:
    """Version 4 did not keep it: the upgrade counts the stored rows of each file."""
    years = _chatbot_years(tmp_path)
    fresh, upgraded = tmp_path / "fresh.duckdb", tmp_path / "upgraded.duckdb"
    for path in years:
        _load(fresh, path)
    _load(upgraded, *years[:2])
    with duckdb.connect(str(upgraded)) as con:  # as version 4 wrote it
        con.execute("alter table inventory_sightings drop column is_name_unique")
        con.execute("update meta set value = '4' where name = 'schema_version'")

    _load(upgraded, years[2])

    assert _portfolio(upgraded) == _portfolio(fresh)


def _initiatives_table(db: Path) -> list[tuple[Any, ...]]:
    """The initiatives table by what each use case is: ids (and the description's note of
    another year's id) name the first loaded year of a use case, the rest is the same."""
    return _rows(
        db,
        """
        select * exclude (initiative_id, description, load_id, source_file, row_number),
               regexp_extract(description, '(Stage date estimated: |Retired since ).*$')
        from initiatives order by all
        """,
    )


def _cli_figures(db: Path) -> dict[str, Any]:
    """`scaleboard metrics --json`, each initiative id in it as its (business unit, name)."""
    result = run_cli("metrics", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    names = {
        i: (bu, n)
        for i, bu, n in _rows(db, "select initiative_id, business_unit, name from initiatives")
    }
    figures = json.loads(result.stdout)
    figures["initiatives"] = sorted(
        (names[i.pop("initiative_id")], sorted(i.items(), key=str)) for i in figures["initiatives"]
    )
    for key in ("stalled_pilots", "no_executive_owner"):
        figures[key] = sorted(names[i] for i in figures[key])
    return figures


@needs_realdata
def test_the_real_inventories_give_the_same_figures_in_every_order(tmp_path: Path) -> None:
    """All six orders: 2025, 2023, 2024 used to match DOL's "Website Chatbot Assistant"
    and HHS's "Chatbot" of 2023 to 2025 before 2024 repeated both names."""
    results = {}
    for order in itertools.permutations(REAL_YEARS):
        db = tmp_path / f"{'-'.join(p.name[:4] for p in order)}.duckdb"
        for path in order:
            _load(db, path)
        results[db.stem] = (_cli_figures(db), _initiatives_table(db), _portfolio(db))

    first = results.pop("2023-2024-2025")
    for order, other in results.items():
        assert other == first, order
    figures = first[0]
    assert figures["as_of"] == "2025-12"
    active_pilots = figures["initiatives_by_stage"]["Experimentation"]
    assert len(figures["stalled_pilots"]) < active_pilots / 2  # not every pilot "stalled"
    statuses = [dict(i)["status"] for _, i in figures["initiatives"]]
    assert (len(statuses), statuses.count("retired")) == (4617, 1375)
    assert figures["pilot_to_production_rate"] == pytest.approx(0.43405, abs=5e-6)
