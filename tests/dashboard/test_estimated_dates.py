"""A stage date the source does not give (an inventory's as-of date) is flagged as
estimated wherever the dashboard shows it: the initiative's header, the stage timeline's
hover and the roadmap table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard.db import Database, Reader
from dashboard.figures.roadmap import ESTIMATED_NOTE
from dashboard.views import roadmap as roadmap_view
from dashboard.views.initiative import initiative
from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import load_files
from tests.conftest import write_csv
from tests.dashboard.layout_tools import find, text

HEADER_2025 = ("agency", "id", "use_case_name", "agency_bureau", "development_stage")


@pytest.fixture(scope="module")
def inventory_reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    """NASA-1 in Experimentation with no date (2025-12-31, estimated); NASA-2 deployed on
    2025-03-01 (the source's date)."""
    folder = tmp_path_factory.mktemp("inventory")
    inventory = write_csv(
        folder / "2025.csv",
        (*HEADER_2025, "operational_date"),
        [
            ("NASA", "NASA-1", "Rover", "JPL", "Pre-deployment", ""),
            ("NASA", "NASA-2", "Lander", "JPL", "Deployed", "03/01/2025 00:00:00"),
        ],
    )
    db = folder / "db.duckdb"
    result = load_files(
        db, [inventory], Settings(), adapter="us-ai-inventory", adapter_options=AdapterOptions()
    )
    assert result.status == "loaded", result.error
    database = Database(db, Settings())
    with database.reader() as reader:
        yield reader
    database.close()


def test_the_initiative_header_says_the_date_is_estimated(inventory_reader: Reader) -> None:
    rover = text(
        find(initiative(inventory_reader, "NASA-1", "")["header"], "initiative-stage-since")
    )
    lander = initiative(inventory_reader, "NASA-2", "")["header"]

    assert rover.startswith("In Experimentation since 2025-12-31 (estimated: the source gives")
    assert text(find(lander, "initiative-stage-since")) == "In Standardization since 2025-03-01"


def test_the_timeline_hover_says_the_start_is_estimated(inventory_reader: Reader) -> None:
    [bar] = initiative(inventory_reader, "NASA-1", "")["stage_history"].data
    [lander] = initiative(inventory_reader, "NASA-2", "")["stage_history"].data

    assert ESTIMATED_NOTE in bar.customdata[0][2]
    assert ESTIMATED_NOTE not in lander.customdata[0][2]


def test_the_roadmap_table_says_the_date_is_estimated(inventory_reader: Reader) -> None:
    rows = roadmap_view.table_frame(inventory_reader, "").set_index("initiative_id")

    assert rows.loc["NASA-1", "stage_since"] == "2025-12-31 (estimated)"
    assert rows.loc["NASA-2", "stage_since"] == "2025-03-01"
