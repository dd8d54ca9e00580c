"""`/roadmap`: which initiatives do we push to the next stage, and what blocks them?"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.auth.web import current_actor, current_address
from dashboard.components import graph_card, row
from dashboard.components.tables import grid
from dashboard.db import Database
from dashboard.filters import parse_search
from dashboard.priority import PARTS
from dashboard.scenarios import SpecError
from dashboard.views import decisions as edits
from dashboard.views import ranking as ranking_view
from dashboard.views import scenarios as scenario_view
from dashboard.views.backlog import ranking_of
from dashboard.views.roadmap import (
    blocker_search,
    clicked_initiative,
    grid_search,
    roadmap,
    table_block,
    table_csv,
    table_filter,
    view_search,
)

PATH = "/roadmap"
TITLE = "Roadmap"
MATRIX_HELP = "Strategic impact vs readiness; size = cost over the window; click to open."
BLOCKERS_HELP = (
    "Active initiatives before the last stage held at the gate by each failure cause: not "
    "assessed, assessed below the minimum, or flagged by the data (no sponsor, business case "
    "at risk, decaying model); and those ready. Click a bar to list them in the table."
)
EXPORT_NAME = "scaleboard-roadmap.csv"
TIMELINE_HELP = "Actual stage periods (filled) against the plan (outlined); colour = stage."


def layout() -> html.Div:
    export = dbc.Button(
        "Export CSV", id="roadmap-export", size="sm", color="secondary", outline=True
    )
    title = html.Span("Initiatives", className="fw-semibold me-auto")
    table = dbc.Card(
        [
            dbc.CardHeader([title, export], className="d-flex align-items-center"),
            dbc.CardBody(
                [
                    grid("roadmap-table", 520, infinite=True),
                    dcc.Download(id="roadmap-download"),
                    dcc.Store(id="roadmap-table-refresh"),
                    dcc.Store(id="roadmap-table-seen"),
                    dcc.Store(id="roadmap-table-filtered", data=False),
                ],
                className="p-2",
            ),
        ],
        className="shadow-sm",
    )
    return html.Div(
        [
            html.H1("Roadmap", className="h3 mb-0"),
            html.P(id="roadmap-window", className="text-muted small mb-2"),
            html.Div(id="roadmap-empty"),
            row(
                (graph_card("Prioritisation", "roadmap-priority-matrix", MATRIX_HELP, 400), 7),
                (graph_card("Gate blockers", "roadmap-gate-blockers", BLOCKERS_HELP, 400), 5),
            ),
            html.Div(id="roadmap-timeline-notice"),
            html.Div(id="roadmap-blocker-filter"),
            html.Div(
                graph_card("Timeline", "roadmap-timeline", TIMELINE_HELP, 600), className="mb-2"
            ),
            priority_card(),
            table,
            scenarios_card(),
            decisions_card(),
        ]
    )


def priority_card() -> dbc.Card:
    """The score's formula and weights, the backlog's order and an owner's rank override."""
    order = dbc.RadioItems(
        id="roadmap-rank-by",
        options=[{"label": v, "value": k} for k, v in ranking_view.ORDERS.items()],
        value="rank",
        inline=True,
        className="small",
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                [html.Span("Ranked backlog", className="fw-semibold me-auto"), order],
                className="d-flex align-items-center flex-wrap gap-2",
            ),
            dbc.CardBody(
                [
                    html.Div(id="roadmap-priority"),
                    dcc.Store(id="roadmap-weights-version", data=0),
                    dcc.Store(id="roadmap-ranking-saved", data=0),
                    html.Div(id="roadmap-ranking-feedback", className="mt-2"),
                ]
            ),
        ],
        className="shadow-sm mb-2",
    )


def scenarios_card() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(html.Span("Funding scenarios", className="fw-semibold")),
            dbc.CardBody(
                [
                    html.Div(id="roadmap-scenario-forms"),
                    html.Div(id="roadmap-scenario-results", className="mt-3"),
                    html.P(scenario_view.METHOD, className="small text-muted mt-2 mb-1"),
                    html.Div(id="roadmap-scenario-save-slot"),
                    html.Div(id="roadmap-scenario-feedback", className="mt-1"),
                    dcc.Store(id="roadmap-scenario-saved", data=0),
                    html.Div(id="roadmap-scenario-saved-slot", className="mt-2"),
                ]
            ),
        ],
        className="shadow-sm mt-2",
        id="roadmap-scenarios",
    )


def decisions_card() -> dbc.Card:
    """The latest decisions, pending advances first, and (for who may decide on some
    initiative) a form to decide on one of theirs without leaving the roadmap."""
    return dbc.Card(
        [
            dbc.CardHeader(html.Span("Stage-gate decisions", className="fw-semibold")),
            dbc.CardBody(
                [
                    html.Div(id="roadmap-decide"),
                    edits.roadmap_picker([]),
                    dcc.Store(id="roadmap-decision-version", data=0),
                    dcc.Store(id="roadmap-decision-saved", data=0),
                    html.Div(id="roadmap-decision-feedback", className="mb-2"),
                    html.Div(id="roadmap-decisions"),
                ]
            ),
        ],
        className="shadow-sm mt-2",
    )


def register(app: Dash, data: Database) -> None:
    @app.callback(
        output={
            "window": Output("roadmap-window", "children"),
            "empty": Output("roadmap-empty", "children"),
            "timeline_notice": Output("roadmap-timeline-notice", "children"),
            "timeline": Output("roadmap-timeline", "figure"),
            "timeline_style": Output("roadmap-timeline", "style"),
            "priority_matrix": Output("roadmap-priority-matrix", "figure"),
            "gate_blockers": Output("roadmap-gate-blockers", "figure"),
            "blocker_notice": Output("roadmap-blocker-filter", "children"),
            "table_columns": Output("roadmap-table", "columnDefs"),
        },
        inputs={"search": Input("app-location", "search")},
    )
    def update_roadmap(search: str | None) -> dict[str, Any]:
        with data.reader() as reader:
            return reader.view(roadmap, view_search(search))

    register_decisions(app, data)

    app.callback(
        Output("app-location", "search", allow_duplicate=True),
        Input("roadmap-gate-blockers", "clickData"),
        State("app-location", "search"),
        prevent_initial_call=True,
    )(blocker_search)

    app.callback(
        Output("app-location", "pathname", allow_duplicate=True),
        Input("roadmap-priority-matrix", "clickData"),
        prevent_initial_call=True,
    )(clicked_initiative)

    @app.callback(
        Output("roadmap-table", "getRowsResponse"),
        Input("roadmap-table", "getRowsRequest"),
        State("app-location", "search"),
    )
    def table_rows(request: dict[str, Any] | None, search: str | None) -> Any:
        ranking = ranking_of(data.edits)
        with data.reader() as reader:
            return table_block(reader, search, request, ranking)

    @app.callback(
        output={
            "search": Output("app-location", "search", allow_duplicate=True),
            "seen": Output("roadmap-table-seen", "data"),
        },
        inputs={"request": Input("roadmap-table", "getRowsRequest")},
        state={
            "search": State("app-location", "search"),
            "seen": State("roadmap-table-seen", "data"),
        },
        prevent_initial_call=True,
    )
    def keep_grid_state(
        request: dict[str, Any] | None, search: str | None, seen: dict[str, Any] | None
    ) -> dict[str, Any]:
        """A sort or filter set in the table's headers goes into the URL."""
        new_search, state = grid_search(search, request, seen)
        return {"search": new_search, "seen": state}

    @app.callback(
        output={
            "model": Output("roadmap-table", "filterModel"),
            "done": Output("roadmap-table-filtered", "data"),
        },
        inputs={"columns": Input("roadmap-table", "columnDefs")},
        state={
            "search": State("app-location", "search"),
            "done": State("roadmap-table-filtered", "data"),
        },
    )
    def arrive_filtered(
        columns: list[dict[str, Any]] | None, search: str | None, done: bool | None
    ) -> dict[str, Any]:
        """A link's column filters, set in the grid once its columns are drawn; then only
        the headers change them (a later URL holds what they set)."""
        if done or not columns:
            raise PreventUpdate
        return {"model": table_filter(search), "done": True}

    @app.callback(
        Output("roadmap-download", "data"),
        Input("roadmap-export", "n_clicks"),
        State("app-location", "search"),
        State("roadmap-table", "getRowsRequest"),
        prevent_initial_call=True,
    )
    def export_table(_: int | None, search: str | None, request: dict[str, Any] | None) -> Any:
        ranking = ranking_of(data.edits)
        with data.reader() as reader:
            csv_text = table_csv(reader, search, request, ranking)
        return {"content": csv_text, "filename": EXPORT_NAME, "type": "text/csv", "base64": False}

    # New URL filters: the grid drops the blocks it holds and asks for them again.
    app.clientside_callback(  # type: ignore[no-untyped-call]  # dash leaves it untyped
        """function (search, saved) {
            const api = window.dash_ag_grid && dash_ag_grid.getApi("roadmap-table");
            if (api) { api.purgeInfiniteCache(); }
            return window.dash_clientside.no_update;
        }""",
        Output("roadmap-table-refresh", "data"),
        Input("app-location", "search"),
        Input("roadmap-ranking-saved", "data"),
        prevent_initial_call=True,
    )
    register_ranking(app, data)
    register_scenarios(app, data)


def register_decisions(app: Dash, data: Database) -> None:
    """The decisions card (per user, never cached) and its write, authorized in
    `dashboard.edits.decisions` with the session's user."""

    @app.callback(
        Output("roadmap-decisions", "children"),
        Input("app-location", "pathname"),
        Input("roadmap-decision-saved", "data"),
    )
    def show_decisions(pathname: str | None, saved: int | None) -> Any:
        """Read from the edits store on every visit (edits change between loads)."""
        return edits.roadmap_decisions(data)

    @app.callback(
        output={
            "note": Output("roadmap-decide", "children"),
            "options": Output("roadmap-decision-initiative", "options"),
            "hidden": Output("roadmap-decide-form", "hidden"),
        },
        inputs={"pathname": Input("app-location", "pathname")},
    )
    def show_decide(pathname: str | None) -> dict[str, Any]:
        return edits.roadmap_decide(data, current_actor())

    @app.callback(
        output={
            "form": Output("roadmap-decision-slot", "children"),
            "version": Output("roadmap-decision-version", "data"),
        },
        inputs={
            "initiative_id": Input("roadmap-decision-initiative", "value"),
            "saved": Input("roadmap-decision-saved", "data"),
        },
    )
    def show_form(initiative_id: str | None, saved: int | None) -> dict[str, Any]:
        return edits.roadmap_decision_form(data, current_actor(), initiative_id)

    @app.callback(
        output={
            "feedback": Output("roadmap-decision-feedback", "children"),
            "saved": Output("roadmap-decision-saved", "data"),
        },
        inputs={"clicks": Input("roadmap-decision-submit", "n_clicks")},
        state={
            "initiative_id": State("roadmap-decision-initiative", "value"),
            "choice": State("roadmap-decision-choice", "value"),
            "rationale": State("roadmap-decision-rationale", "value"),
            "override": State("roadmap-decision-override", "value"),
            "version": State("roadmap-decision-version", "data"),
            "saved": State("roadmap-decision-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def record_decision(
        clicks: int | None,
        initiative_id: str | None,
        choice: str | None,
        rationale: str | None,
        override: str | None,
        version: int | None,
        saved: int | None,
    ) -> dict[str, Any]:
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        message, ok = edits.submit_decision(
            data,
            current_actor(),
            current_address(),
            initiative_id or "",
            choice,
            rationale,
            override,
            int(version or 0),
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}


def register_ranking(app: Dash, data: Database) -> None:
    """The priority card (per user) and its two writes, authorized in
    `dashboard.edits.priorities` with the session's user."""

    @app.callback(
        output={
            "body": Output("roadmap-priority", "children"),
            "version": Output("roadmap-weights-version", "data"),
        },
        inputs={
            "pathname": Input("app-location", "pathname"),
            "saved": Input("roadmap-ranking-saved", "data"),
        },
    )
    def show_priority(pathname: str | None, saved: int | None) -> dict[str, Any]:
        return ranking_view.panel(data, current_actor())

    @app.callback(
        Output("app-location", "search", allow_duplicate=True),
        Input("roadmap-rank-by", "value"),
        State("app-location", "search"),
        prevent_initial_call=True,
    )
    def rank_by(order: str | None, search: str | None) -> Any:
        if order is None:  # the table is sorted by one of its columns
            return no_update
        wanted = ranking_view.order_search(search, order)
        return no_update if wanted == (search or "") else wanted

    @app.callback(
        Output("roadmap-rank-by", "value"),
        Input("app-location", "search"),
    )
    def show_order(search: str | None) -> str | None:
        return ranking_view.current_order(parse_search(search).filters)

    @app.callback(
        output={
            "feedback": Output("roadmap-ranking-feedback", "children", allow_duplicate=True),
            "saved": Output("roadmap-ranking-saved", "data", allow_duplicate=True),
        },
        inputs={"clicks": Input("roadmap-weights-submit", "n_clicks")},
        state={
            "values": [State(f"roadmap-weight-{p}", "value") for p in PARTS],
            "version": State("roadmap-weights-version", "data"),
            "saved": State("roadmap-ranking-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def save_weights(
        clicks: int | None, values: list[str | None], version: int | None, saved: int | None
    ) -> dict[str, Any]:
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        message, ok = ranking_view.submit_weights(
            data, current_actor(), current_address(), values, int(version or 0)
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}

    @app.callback(
        output={
            "rank": Output("roadmap-override-rank", "value"),
            "reason": Output("roadmap-override-reason", "value"),
            "version": Output("roadmap-override-version", "data"),
            "closed": [
                Output("roadmap-override-rank", "disabled"),
                Output("roadmap-override-reason", "disabled"),
                Output("roadmap-override-submit", "disabled"),
            ],
        },
        inputs={"initiative_id": Input("roadmap-override-initiative", "value")},
    )
    def open_override(initiative_id: str | None) -> dict[str, Any]:
        """The chosen initiative's override in force, and the version the form opens on;
        the fields open with it."""
        opened = ranking_view.opened_override(data, initiative_id)
        return {**opened, "closed": [opened["closed"]] * 3}

    @app.callback(
        output={
            "feedback": Output("roadmap-ranking-feedback", "children", allow_duplicate=True),
            "saved": Output("roadmap-ranking-saved", "data", allow_duplicate=True),
        },
        inputs={"clicks": Input("roadmap-override-submit", "n_clicks")},
        state={
            "initiative_id": State("roadmap-override-initiative", "value"),
            "rank": State("roadmap-override-rank", "value"),
            "reason": State("roadmap-override-reason", "value"),
            "version": State("roadmap-override-version", "data"),
            "saved": State("roadmap-ranking-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def set_rank(
        clicks: int | None,
        initiative_id: str | None,
        rank: str | None,
        reason: str | None,
        version: int | None,
        saved: int | None,
    ) -> dict[str, Any]:
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        message, ok = ranking_view.submit_override(
            data, current_actor(), current_address(), initiative_id, rank, reason, version
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}


def register_pick_search(app: Dash, data: Database) -> None:
    """Each scenario's pick list searched on the server as the user types
    (`scenario_view.PICK_MATCHES`)."""
    for side in scenario_view.SIDES:
        pick = f"roadmap-scenario-{side}-pick"

        @app.callback(
            Output(pick, "options"),
            Input(pick, "search_value"),
            State(pick, "value"),
            State("app-location", "search"),
            prevent_initial_call=True,
        )
        def search_picks(typed: str | None, picked: list[str] | None, search: str | None) -> Any:
            """The pick list's options for what is typed (kept as they are when it is
            cleared: the picked initiatives stay listed)."""
            if not typed:
                return no_update
            with data.reader() as reader:
                return scenario_view.pick_search(reader, search, typed, picked)


def register_scenarios(app: Dash, data: Database) -> None:
    """The scenarios card: forms and results from the URL (results cached per release),
    the compare button writing the URL, and saving by name (owners and admins)."""

    @app.callback(
        Output("roadmap-scenario-forms", "children"),
        Input("app-location", "pathname"),
        State("app-location", "search"),
    )
    def show_forms(pathname: str | None, search: str | None) -> Any:
        """Filled from the URL on arrival; later the forms keep what is typed."""
        with data.reader() as reader:
            return scenario_view.forms(reader, search)

    register_pick_search(app, data)

    @app.callback(
        Output("roadmap-scenario-results", "children"),
        Input("app-location", "search"),
        Input("roadmap-ranking-saved", "data"),
    )
    def show_results(search: str | None, saved: int | None) -> Any:
        ranking = ranking_of(data.edits)
        with data.reader() as reader:
            return reader.view(scenario_view.results, search, ranking)

    @app.callback(
        output={
            "search": Output("app-location", "search", allow_duplicate=True),
            "error": Output("roadmap-scenario-error", "children"),
        },
        inputs={"clicks": Input("roadmap-scenario-compare", "n_clicks")},
        state={
            "search": State("app-location", "search"),
            "form": {
                side: [
                    State(f"roadmap-scenario-{side}-kind", "value"),
                    State(f"roadmap-scenario-{side}-amount", "value"),
                    State(f"roadmap-scenario-{side}-pick", "value"),
                ]
                for side in scenario_view.SIDES
            },
        },
        prevent_initial_call=True,
    )
    def compare(clicks: int | None, search: str | None, form: dict[str, list[Any]]) -> Any:
        if not clicks:
            raise PreventUpdate
        try:
            specs = {side: scenario_view.spec_of(*form[side]) for side in scenario_view.SIDES}
        except SpecError as exc:
            return {"search": no_update, "error": scenario_view.form_error(exc)}
        return {"search": scenario_view.compare_search(search, dict(specs)), "error": []}

    @app.callback(
        Output("roadmap-scenario-save-slot", "children"), Input("app-location", "pathname")
    )
    def show_save(pathname: str | None) -> Any:
        return scenario_view.save_form(current_actor())

    @app.callback(
        Output("roadmap-scenario-saved-slot", "children"),
        Input("roadmap-scenario-saved", "data"),
        Input("app-location", "search"),
    )
    def show_saved(saved: int | None, search: str | None) -> Any:
        return scenario_view.saved_list(data.edits, parse_search(search).filters)

    @app.callback(
        output={
            "feedback": Output("roadmap-scenario-feedback", "children"),
            "saved": Output("roadmap-scenario-saved", "data"),
        },
        inputs={"clicks": Input("roadmap-scenario-save", "n_clicks")},
        state={
            "name": State("roadmap-scenario-name", "value"),
            "search": State("app-location", "search"),
            "saved": State("roadmap-scenario-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def save(
        clicks: int | None, name: str | None, search: str | None, saved: int | None
    ) -> dict[str, Any]:
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        message, ok = scenario_view.submit_save(
            data.edits, current_actor(), current_address(), name, search
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}
