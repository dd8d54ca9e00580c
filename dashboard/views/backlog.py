"""The ranked backlog and the funding scenarios of the roadmap page: the initiatives of S
with their slip, priority score and rank (`dashboard.priority`), and the scenarios of the
URL against today (`dashboard.scenarios`). One frame per (filters, ranking), cached."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.db import Reader
from dashboard.edits import priorities
from dashboard.edits.store import EditsStore
from dashboard.filters import PageFilters
from dashboard.priority import DEFAULT_WEIGHTS, Override, Weights, priority
from dashboard.queries import Selection
from dashboard.queries import roadmap as q
from dashboard.scenarios import FRAME_COLUMNS, Outcome, outcome, parse_spec

Ranking = tuple[Weights, tuple[Override, ...]]
"""The weights and the overrides in force: hashable, so a change keys a new cached frame."""
DEFAULT_RANKING: Ranking = (DEFAULT_WEIGHTS, ())


def ranking_of(store: EditsStore) -> Ranking:
    weights, _ = priorities.weights_of(store)
    overrides = priorities.overrides_of(store)
    return weights, tuple(overrides[i] for i in sorted(overrides))


def override_text(frame: pd.DataFrame) -> pd.Series:
    """`set by maria: the board asked` for each overridden rank, else empty."""
    by = frame["override_by"].fillna("")
    shown = "set by " + by + ": " + frame["override_reason"].fillna("")
    return shown.where(by != "", "")


def backlog(reader: Reader, filters: PageFilters, ranking: Ranking) -> pd.DataFrame:
    """Every initiative of S with its attributes, slip, today's monthly figures and, for
    the ranked ones (active, with a stage), its score, parts and rank; by rank, the
    unranked last by id."""

    def build() -> pd.DataFrame:
        weights, overrides = ranking
        metrics, initiatives = reader.initiatives(filters)
        sel = Selection.from_metrics(metrics)
        rows = q.initiative_rows(initiatives, reader.fetch(q.attributes, sel))
        if rows.empty:
            return rows
        rows = rows.merge(reader.fetch(q.slip, sel), on="initiative_id", how="left")
        rows = rows.merge(reader.fetch(q.monthly_now, sel), on="initiative_id", how="left")
        scores = priority(rows, weights, {o.initiative_id: o for o in overrides})
        rows = rows.merge(scores, on="initiative_id", how="left")
        held = pd.DataFrame(
            [(o.initiative_id, o.set_by, o.reason) for o in overrides],
            columns=["initiative_id", "override_by", "override_reason"],
        )
        rows = rows.merge(held, on="initiative_id", how="left")
        rows = rows.assign(rank_override=override_text(rows))
        return rows.sort_values(["rank", "initiative_id"], na_position="last").reset_index(
            drop=True
        )

    same = filters.model_copy(update={"sort": None, "scenario_a": None, "scenario_b": None})
    return reader.cached(("backlog", same, ranking), build)


def ordered(rows: pd.DataFrame, sort: str | None) -> pd.DataFrame:
    """The backlog in the URL's order (`rank` by default; `stage,-roi`: by stage, then by
    ROI descending; missing last; ties by rank). A column it has not is left out."""
    keys = [k for k in (sort or "rank").split(",") if k.removeprefix("-") in rows.columns]
    if rows.empty or not keys:
        return rows
    return rows.sort_values(
        [k.removeprefix("-") for k in keys],
        ascending=[not k.startswith("-") for k in keys],
        na_position="last",
        kind="stable",
    )


def behind_plan(rows: pd.DataFrame) -> int:
    """Active initiatives of S whose slip is above 0 days (`docs/metrics.md`)."""
    if rows.empty:
        return 0
    late = rows["status"].eq("active") & (pd.to_numeric(rows["slip_days"]) > 0)
    return int(late.fillna(False).sum())


def scenario_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The ranked initiatives as the scenarios read them."""
    if rows.empty:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    ranked = rows[rows["rank"].notna()]
    return ranked[FRAME_COLUMNS].reset_index(drop=True)


def scenarios(reader: Reader, filters: PageFilters, ranking: Ranking) -> dict[str, Outcome | None]:
    """Scenario A and B of the URL against today (None for one the URL does not give); a
    URL without scenarios reads no backlog."""
    given: dict[str, Any] = {"a": filters.scenario_a, "b": filters.scenario_b}
    if not any(given.values()):
        return dict.fromkeys(given)
    frame = scenario_frame(backlog(reader, filters, ranking))
    return {
        side: (outcome(frame, parse_spec(text)) if text else None) for side, text in given.items()
    }
