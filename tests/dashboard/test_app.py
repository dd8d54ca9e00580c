"""The app through Flask's test client: every page answers, every callback fires."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from dash import Dash
from dash._utils import split_callback_id

from dashboard.app import create_app
from dashboard.components import graph_ids
from dashboard.db import Reader
from etl.config import Settings
from tests.dashboard.layout_tools import ids, text

SEARCHES = ("", "?business_unit=Finance&stage=Operationalization", "?stage=Nope&from=2030-01&x=1")
VALUES: dict[str, Any] = {
    "app-location.pathname": "/",
    "initiative-id.data": "AI-0001",
    "portfolio-maturity-funnel.clickData": {"points": [{"y": "Experimentation", "x": 16}]},
    "roadmap-priority-matrix.clickData": {"points": [{"customdata": ["AI-0002", "x", "$1"]}]},
    "roadmap-export.n_clicks": 1,
    **{
        f"{form}-submit.n_clicks": 1  # a forged write claims a click; no click, no write
        for form in (
            "initiative-decision",
            "initiative-annotation",
            "initiative-target",
            "portfolio-target",
            "roadmap-decision",
        )
    },
    "app-filter-business-unit.value": ["Finance", "HR"],
    "app-filter-stage.value": ["Experimentation"],
    "app-filter-as-of.value": "2026-03",
}


@pytest.fixture(scope="module")
def app(sample_db: Path) -> Dash:
    return create_app(sample_db, Settings())


def _payload(key: str, spec: dict[str, Any], search: str, trigger: int = 0) -> dict[str, Any]:
    def value(dep: dict[str, str]) -> Any:
        name = f"{dep['id']}.{dep['property']}"
        return search if name == "app-location.search" else VALUES.get(name)

    inputs = [{**dep, "value": value(dep)} for dep in spec["inputs"]]
    state = [{**dep, "value": value(dep)} for dep in spec["state"]]
    return {
        "output": key,
        "outputs": split_callback_id(key),
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{inputs[trigger]['id']}.{inputs[trigger]['property']}"],
    }


@pytest.mark.parametrize("path", ["/", "/roadmap", "/data", "/initiatives/AI-0001"])
def test_every_page_answers(app: Dash, path: str) -> None:
    response = app.server.test_client().get(path)
    assert response.status_code == 200
    assert b"Scaleboard" in response.data


@pytest.mark.parametrize("path", ["/nowhere", "/initiatives/NOPE"])
def test_an_unknown_page_answers_404_and_still_renders(app: Dash, path: str) -> None:
    response = app.server.test_client().get(path)
    assert response.status_code == 404
    assert b"_dash-renderer" in response.data or b"dash_renderer" in response.data


def test_the_layout_and_dependencies_are_served(app: Dash) -> None:
    client = app.server.test_client()
    assert client.get("/_dash-layout").status_code == 200
    assert len(client.get("/_dash-dependencies").json) >= len(app.callback_map)
    with client.get("/assets/00-bootstrap.min.css") as css:  # a file response: close it
        assert css.status_code == 200


WRITES = (
    "initiative-decision-feedback",
    "initiative-annotation-feedback",
    "initiative-target-feedback",
    "portfolio-target-feedback",
    "roadmap-decision-feedback",
)
"""The outputs of the write callbacks (tests/auth tries them with every role)."""


def figures_in(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure a callback's response sets (the `figure` property of a graph)."""
    outputs = body.get("response", {}).values()
    return [props["figure"] for props in outputs if isinstance(props.get("figure"), dict)]


def test_a_figure_the_server_returns_is_validated_here() -> None:
    """`figures_in` finds a returned figure and plotly refuses an invalid one."""
    body = {"response": {"chart": {"figure": {"data": [{"type": "bar", "nope": 1}]}}}}
    [figure] = figures_in(body)
    with pytest.raises(ValueError, match="nope"):
        go.Figure(figure)


@pytest.mark.parametrize("search", SEARCHES)
def test_every_callback_fires_without_error(app: Dash, search: str) -> None:
    client = app.server.test_client()
    assert len(app.callback_map) >= 10
    graphs = set()
    for key, spec in app.callback_map.items():
        if "callback" not in spec:
            continue  # a clientside callback: it runs in the browser (the e2e tests fire it)
        for trigger in range(len(spec["inputs"])):  # each input in turn changed
            payload = _payload(key, spec, search, trigger)
            response = client.post("/_dash-update-component", json=payload)
            if any(f"{name}." in key for name in WRITES):  # no session: every write is refused
                assert response.status_code == 403, (key, response.data[:500])
                continue
            assert response.status_code in (200, 204), (key, response.data[:500])
            if response.status_code == 200:
                body = json.loads(response.data)
                assert "app-error" not in body.get("sideUpdate", {}), key
                for figure in figures_in(body):
                    go.Figure(figure)  # plotly's validation, which the server skips
                graphs |= {g for g, props in body["response"].items() if "figure" in props}
    drawn = set(graph_ids(app.validation_layout))
    assert graphs >= drawn, f"charts no callback drew, so none validated: {drawn - graphs}"


def test_a_failing_callback_shows_a_message_instead_of_an_error(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.pages import portfolio

    def broken(*_: object) -> tuple[object, ...]:
        raise RuntimeError("boom")

    monkeypatch.setattr(portfolio, "portfolio", broken)
    app = create_app(sample_db, Settings())
    key = next(k for k in app.callback_map if "portfolio-kpis" in k)
    response = app.server.test_client().post(
        "/_dash-update-component", json=_payload(key, app.callback_map[key], "")
    )
    assert response.status_code == 200
    body = json.loads(response.data)
    assert "Something went wrong" in json.dumps(body["sideUpdate"]["app-error"])


def test_two_apps_live_side_by_side(sample_db: Path, tiny_db: Path) -> None:
    first, second = create_app(sample_db, Settings()), create_app(tiny_db, Settings())
    assert first.server.test_client().get("/initiatives/AI-0001").status_code == 200
    assert second.server.test_client().get("/initiatives/AI-0001").status_code == 404
    assert second.server.test_client().get("/initiatives/a").status_code == 200


def test_an_unreadable_database_shows_a_message_not_a_trace(tmp_path: Path) -> None:
    """The message names no path and no exception text (the server log has them)."""
    db = tmp_path / "broken.duckdb"
    db.write_bytes(b"not a database")
    app = create_app(db, Settings())
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/initiatives/a").status_code == 200  # cannot tell: not a 500
    key = next(k for k in app.callback_map if "portfolio-kpis" in k)
    response = client.post("/_dash-update-component", json=_payload(key, app.callback_map[key], ""))
    assert response.status_code == 200
    shown = json.dumps(json.loads(response.data)["sideUpdate"])
    assert "The data cannot be read (see the server log)" in shown
    assert str(tmp_path) not in shown and "broken.duckdb" not in shown
    assert "cannot read" not in shown and "Error" not in shown  # no exception text


@pytest.mark.parametrize("search", ["?as_of=9999-12", "?as_of=0001-01", "?from=0001-01"])
def test_an_implausible_month_in_the_url_is_a_notice_on_every_page(
    reader: Reader, search: str
) -> None:
    """The URLs of the report: each page answers with its default view and a notice."""
    from dashboard.views import data, initiative, portfolio, roadmap
    from dashboard.views.shell import controls_from_url

    name, value = search.removeprefix("?").split("=")
    notice = text(controls_from_url(reader, search)["notice"])
    assert f"Ignored {name}={value}: Scaleboard accepts months from 1990-01 to" in notice
    default = portfolio.portfolio(reader, "")["window"]
    assert portfolio.portfolio(reader, search)["window"] == default
    assert roadmap.roadmap(reader, search)["window"] == default
    assert data.data(reader, search)["window"] == default
    assert initiative.initiative(reader, "a", search)["kpis"]


def _frame(app: Dash, pathname: str) -> str:
    """The frame callback's response for a page (what every page shows above it)."""
    key = next(k for k in app.callback_map if "app-database.children" in k)
    payload = _payload(key, app.callback_map[key], "")
    for dep in payload["inputs"]:
        if dep["id"] == "app-location" and dep["property"] == "pathname":
            dep["value"] = pathname
    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    return json.dumps(json.loads(response.data)["response"]["app-database"])


PAGES = ("/", "/roadmap", "/data", "/initiatives/a")


def _with_a_kept_release(tiny_db: Path, folder: Path) -> Path:
    """A copy of `tiny_db` with one more load, so the state before it is kept for rollback."""
    from etl.load import load_files
    from tests.conftest import write_csv
    from tests.helpers import copy_store

    db = copy_store(tiny_db, folder)
    costs = write_csv(
        folder / "in" / "costs.csv",
        ("initiative_id", "month", "category", "amount"),
        [("a", "2026-03", "data", 5)],
    )
    assert load_files(db, [costs], Settings()).exit_code == 0
    return db


def test_a_newest_release_that_cannot_be_opened_is_named_on_every_page(
    tiny_db: Path, tmp_path: Path
) -> None:
    db = _with_a_kept_release(tiny_db, tmp_path / "store")
    app = create_app(db, Settings())
    assert "app-database-notice" not in _frame(app, "/")
    broken = tmp_path / "broken"
    broken.write_bytes(b"\x00garbage" * 5000)
    broken.replace(db)  # a damaged file switched in (a bad restore, a disk fault)

    for path in PAGES:
        shown = _frame(app, path)
        assert "app-database-notice" in shown, path
        assert f"The newest data in {db.name} cannot be opened (since 20" in shown
        assert str(db.parent) not in shown  # the page names no server folder
        assert "damaged or is not a Scaleboard database" in shown
        assert f"scaleboard rollback --db {db.name}" in shown
        assert "Every page shows the state after load" in shown
        assert "the last one this server opened" in shown


def test_a_server_started_on_a_damaged_file_shows_the_newest_kept_release(
    tiny_db: Path, tmp_path: Path
) -> None:
    db = _with_a_kept_release(tiny_db, tmp_path / "store")
    kept = sorted(db.with_name(db.name + ".releases").glob("*.duckdb"))[-1]
    db.write_bytes(b"\x00garbage" * 5000)
    app = create_app(db, Settings())

    for path in PAGES:
        shown = _frame(app, path)
        assert "cannot be opened" in shown and f"kept in {kept.name}" in shown, path
        assert str(kept.parent) not in shown, path
        assert f"Every page shows the state after load {kept.stem}" in shown


def test_every_chart_has_a_table_of_its_values_filled_in_the_browser_when_opened(app: Dash) -> None:
    graphs = graph_ids(app.validation_layout)
    assert {"roadmap-timeline", "portfolio-maturity-funnel", "initiative-readiness"} <= set(graphs)
    assert {f"{g}-values" for g in graphs} <= ids(app.validation_layout)
    tables = {
        spec["output"]: spec["inputs"]
        for spec in app._callback_list
        if (spec.get("clientside_function") or {}).get("function_name") == "figureTable"
    }
    assert tables == {
        f"{g}-values.children": [
            {"id": g, "property": "figure"},
            {"id": f"{g}-details", "property": "n_clicks"},
        ]
        for g in graphs
    }


def test_the_page_names_its_language_and_loads_the_browser_side(app: Dash) -> None:
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "/assets/scaleboard.js" in page
