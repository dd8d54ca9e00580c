"""The priority score of the roadmap's ranked backlog: a WSJF-like weighted cost of delay
divided by the cost to scale, from the metrics registry's per-initiative figures.

    score = (w_value * value + w_impact * impact + w_readiness * readiness + w_time * time)
            / size

each part on a 0-10 scale over the scored initiatives (the active ones of S with a stage):

- value: projected value at scale / the largest of the scored initiatives * 10 (0 when
  not projectable or not positive);
- impact: strategic impact (1-5) * 2 (0 when blank);
- readiness: the six failure causes that do not block, / 6 * 10;
- time: time criticality, 5 * min(days in stage / 365, 1) + 5 * min(slip / 180, 1), slip
  in days as of the as-of date, never below 0;
- size: 1 + 9 * projected cost at scale / the largest of them (1-10); an initiative whose
  cost is not projectable counts as the largest (10): unknown cost never ranks it higher.

Rank: highest score first, ties by initiative id; then each owner's override takes the
rank it names, the others fill the remaining ranks in score order (`docs/metrics.md`).
All of it is column arithmetic over the frame (pandas and numpy), never a loop over rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

PARTS = ("value", "impact", "readiness", "time")
"""The parts of the cost of delay, in the order the page shows them."""
SCALE = 10.0
DAYS_IN_STAGE_FULL = 365
SLIP_FULL_DAYS = 180
CAUSES = 6


@dataclass(frozen=True)
class Weights:
    """How much each part of the cost of delay counts (the default: equally, as WSJF's
    user-business value, time criticality and risk reduction do)."""

    value: float = 1.0
    impact: float = 1.0
    readiness: float = 1.0
    time: float = 1.0

    def public(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Weights:
        return cls(**{p: float(values[p]) for p in PARTS if values.get(p) is not None})


DEFAULT_WEIGHTS = Weights()

SCORE_COLUMNS = [
    "initiative_id",
    *(f"{p}_part" for p in PARTS),
    "size_part",
    "priority_score",
    "score_rank",
    "rank",
]


@dataclass(frozen=True)
class Override:
    """An owner's rank for an initiative, with the reason shown next to it."""

    initiative_id: str
    rank: int
    reason: str
    set_by: str
    set_at: str


def _share_of_largest(values: pd.Series) -> pd.Series:
    largest = float(values.max(skipna=True))
    if not np.isfinite(largest) or largest <= 0:
        return pd.Series(0.0, index=values.index)
    share: pd.Series = (values / largest).clip(lower=0.0).fillna(0.0)
    return share


def scored(rows: pd.DataFrame) -> pd.DataFrame:
    """The initiatives that are ranked: active, with a stage."""
    keep = rows["status"].eq("active") & rows["stage"].notna()
    return rows[keep.fillna(False).astype(bool)]


def parts(rows: pd.DataFrame) -> pd.DataFrame:
    """Each part of the score (0-10; size 1-10) per initiative of `rows`, which carries
    `projected_value_at_scale`, `projected_cost_at_scale`, `strategic_impact`,
    `gate_blockers` (lists), `days_in_stage` and `slip_days`."""

    def number(name: str) -> pd.Series:
        return pd.to_numeric(rows[name], errors="coerce").astype(float)

    blockers = rows["gate_blockers"].map(lambda b: len(b) if b is not None else CAUSES)
    days = number("days_in_stage").fillna(0.0).clip(lower=0.0)
    slip = number("slip_days").fillna(0.0).clip(lower=0.0)
    cost = number("projected_cost_at_scale")
    cost_share = _share_of_largest(cost).where(cost.notna(), 1.0)
    return pd.DataFrame(
        {
            "initiative_id": rows["initiative_id"],
            "value_part": SCALE * _share_of_largest(number("projected_value_at_scale")),
            "impact_part": (2.0 * number("strategic_impact")).fillna(0.0).clip(0.0, SCALE),
            "readiness_part": SCALE * (CAUSES - blockers.astype(float)).clip(lower=0) / CAUSES,
            "time_part": 5.0 * (days / DAYS_IN_STAGE_FULL).clip(upper=1.0)
            + 5.0 * (slip / SLIP_FULL_DAYS).clip(upper=1.0),
            "size_part": 1.0 + (SCALE - 1.0) * cost_share,
        },
        index=rows.index,
    )


def apply_overrides(order: pd.Series, overrides: Mapping[str, Override]) -> pd.Series:
    """Final ranks (1..n) for ids in score order: each override takes its rank (clamped to
    1..n; two on one rank: the earlier set keeps it, the later takes the next free one),
    the rest fill the free ranks in score order."""
    n = len(order)
    rank = pd.Series(0, index=order.values, dtype="int64")
    wanted = sorted(
        (o for o in overrides.values() if o.initiative_id in rank.index),
        key=lambda o: (min(max(o.rank, 1), n), o.set_at),
    )
    taken: set[int] = set()
    for o in wanted:  # a handful of overrides, never the rows
        slot = min(max(o.rank, 1), n)
        while slot in taken and slot < n:
            slot += 1
        while slot in taken:
            slot -= 1
        taken.add(slot)
        rank[o.initiative_id] = slot
    free = np.setdiff1d(np.arange(1, n + 1), np.fromiter(taken, dtype="int64"))
    rest = ~rank.index.isin([o.initiative_id for o in wanted])
    rank[rest] = free
    return rank


def priority(
    rows: pd.DataFrame,
    weights: Weights = DEFAULT_WEIGHTS,
    overrides: Mapping[str, Override] | None = None,
) -> pd.DataFrame:
    """The score, its parts, the rank by score and the final rank (overrides applied) of
    each scored initiative of `rows`, best first (SCORE_COLUMNS)."""
    ranked = scored(rows)
    if ranked.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    found = parts(ranked)
    delay = sum(getattr(weights, p) * found[f"{p}_part"] for p in PARTS)
    found = found.assign(priority_score=delay / found["size_part"])
    found = found.sort_values(["priority_score", "initiative_id"], ascending=[False, True])
    found = found.assign(score_rank=np.arange(1, len(found) + 1))
    final = apply_overrides(found["initiative_id"], overrides or {})
    found = found.assign(rank=found["initiative_id"].map(final).astype("int64"))
    return found.sort_values("rank")[SCORE_COLUMNS].reset_index(drop=True)
