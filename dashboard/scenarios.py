"""Funding scenarios: which ranked initiatives are funded, and what the portfolio delivers
then at scale against today. Monthly figures in the reporting currency (`docs/metrics.md`):

- today, over the ranked initiatives: the monthly average cost, outcome value and active
  users of the 3 months ending the as-of month (the months the projections use);
- the scenario, over the funded initiatives only: projected cost and value at scale
  (METRICS.md), every target user active. A funded initiative that is not projectable is
  named and left out of the sums, never counted as 0;
- ROI = (value - cost) / cost; adoption = active users / target users of all ranked
  initiatives, so a scenario that funds fewer shows the users it leaves out.

Kinds: `top:N` (the N best ranked), `budget:B` (the best ranked projectable initiatives
whose running total of projected cost stays within B a month; the first that does not fit
ends the list), `pick:ID|ID|...` (a hand-picked set). Vectorized over the frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal["top", "budget", "pick"]
KINDS: tuple[Kind, ...] = ("top", "budget", "pick")
FRAME_COLUMNS = [
    "initiative_id",
    "name",
    "business_unit",
    "rank",
    "target_users",
    "projected_cost_at_scale",
    "projected_value_at_scale",
    "cost_now",
    "value_now",
    "active_now",
]


class SpecError(ValueError):
    """A scenario that cannot be read; the message says how to write one."""


@dataclass(frozen=True)
class Spec:
    kind: Kind
    n: int | None = None
    budget: float | None = None
    ids: tuple[str, ...] = ()

    def text(self) -> str:
        """The scenario as the URL and the store keep it (`top:10`, `budget:50000`, ...)."""
        if self.kind == "top":
            return f"top:{self.n}"
        if self.kind == "budget":
            return f"budget:{self.budget:g}"
        return "pick:" + "|".join(self.ids)

    def describe(self, currency_format: str = "{:,.0f}") -> str:
        if self.kind == "top":
            return f"Fund the top {self.n}"
        if self.kind == "budget":
            return f"Fund within {currency_format.format(self.budget)} a month"
        return f"Fund {len(self.ids)} picked initiative{'s' if len(self.ids) != 1 else ''}"


def parse_spec(text: str | None) -> Spec:
    """`top:N`, `budget:AMOUNT` or `pick:ID|ID...`; raises SpecError."""
    kind, _, value = (text or "").strip().partition(":")
    value = value.strip()
    if kind == "top":
        if not value.isdigit() or int(value) < 1:
            raise SpecError(f"top:N needs a whole number N of 1 or more, not {value!r}")
        return Spec("top", n=int(value))
    if kind == "budget":
        try:
            budget = float(value.replace(",", ""))
        except ValueError:
            raise SpecError(f"budget:B needs a monthly amount B, not {value!r}") from None
        if not np.isfinite(budget) or budget < 0:
            raise SpecError(f"budget:B needs an amount of 0 or more, not {value!r}")
        return Spec("budget", budget=budget)
    if kind == "pick":
        ids = tuple(dict.fromkeys(i.strip() for i in value.split("|") if i.strip()))
        return Spec("pick", ids=ids)
    raise SpecError(
        f"unknown scenario {text!r}: write top:N, budget:AMOUNT or pick:ID|ID (e.g. top:10)"
    )


def funded(frame: pd.DataFrame, spec: Spec) -> pd.Series:
    """Which initiatives of `frame` (FRAME_COLUMNS, any order) the scenario funds."""
    if spec.kind == "pick":
        return frame["initiative_id"].isin(spec.ids)
    if spec.kind == "top":
        return frame["rank"] <= (spec.n or 0)
    cost = frame.sort_values("rank")["projected_cost_at_scale"]
    running = cost.fillna(0.0).clip(lower=0.0).cumsum()  # never falls: within it is a prefix
    within = cost.notna() & (running <= (spec.budget or 0.0))
    return within.reindex(frame.index, fill_value=False)


@dataclass(frozen=True)
class Figures:
    """Monthly outcome value, cost, ROI and adoption of a set of initiatives."""

    value: float
    cost: float
    roi: float | None
    adoption: float | None


def _figures(value: float, cost: float, users: float, target: float) -> Figures:
    roi = (value - cost) / cost if cost else None
    return Figures(value, cost, roi, users / target if target else None)


@dataclass(frozen=True)
class Outcome:
    spec: Spec
    today: Figures
    scenario: Figures
    by_business_unit: pd.DataFrame
    """business_unit, value/cost/roi/adoption today and in the scenario."""
    funded_ids: list[str]
    falls_out: list[str] = field(default_factory=list)
    """Names of the ranked initiatives the scenario does not fund, by rank."""
    not_projectable: list[str] = field(default_factory=list)
    """Names of funded initiatives without a projection (left out of the sums)."""


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per group row: today's and the scenario's sums (frame carries `in_scenario`)."""
    projectable = (
        frame["projected_cost_at_scale"].notna() & frame["projected_value_at_scale"].notna()
    )
    counted = frame["in_scenario"] & projectable
    target = pd.to_numeric(frame["target_users"], errors="coerce").fillna(0.0)
    return pd.DataFrame(
        {
            "value_now": frame["value_now"].fillna(0.0),
            "cost_now": frame["cost_now"].fillna(0.0),
            "users_now": frame["active_now"].fillna(0.0),
            "target": target,
            "value_then": frame["projected_value_at_scale"].where(counted, 0.0),
            "cost_then": frame["projected_cost_at_scale"].where(counted, 0.0),
            "users_then": target.where(counted, 0.0),
        },
        index=frame.index,
    )


def _as_figures(sums: pd.Series, when: str) -> Figures:
    return _figures(
        float(sums[f"value_{when}"]),
        float(sums[f"cost_{when}"]),
        float(sums[f"users_{when}"]),
        float(sums["target"]),
    )


def outcome(frame: pd.DataFrame, spec: Spec) -> Outcome:
    """The scenario against today, in total and per business unit (`frame`: FRAME_COLUMNS
    of the ranked initiatives)."""
    chosen = frame.assign(in_scenario=funded(frame, spec)).sort_values("rank")
    sums = _totals(chosen)
    total = sums.sum()
    per_unit = sums.groupby(chosen["business_unit"]).sum()
    rows = []
    for unit, s in per_unit.iterrows():  # one row per business unit, not per initiative
        now, then = _as_figures(s, "now"), _as_figures(s, "then")
        rows.append(
            {
                "business_unit": unit,
                **{f"{k}_now": v for k, v in now.__dict__.items()},
                **{f"{k}_scenario": v for k, v in then.__dict__.items()},
            }
        )
    projectable = (
        chosen["projected_cost_at_scale"].notna() & chosen["projected_value_at_scale"].notna()
    )
    return Outcome(
        spec,
        _as_figures(total, "now"),
        _as_figures(total, "then"),
        pd.DataFrame(rows),
        chosen.loc[chosen["in_scenario"], "initiative_id"].tolist(),
        chosen.loc[~chosen["in_scenario"], "name"].tolist(),
        chosen.loc[chosen["in_scenario"] & ~projectable, "name"].tolist(),
    )
