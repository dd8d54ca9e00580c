"""Filter combinations for the uncached dashboard benchmark: valid, realistic views of the
database under test, each a selection no other one shares, in an order that depends on the
database alone (a fixed seed; DuckDB read only)."""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.filters import PageFilters, parse_search, to_search
from dashboard.queries.shell import data_months
from etl.period import add_months, month_text, parse_month

SEED = 2024
"""Any constant: the same database gives the same combinations, run after run."""

WINDOWS = (12, 6, 3)
"""Window lengths in months, ending at the as-of month; 12 is the default window, which the
URL leaves out (`?as_of=...` alone), as the filter controls do."""

UNITS = (0, 1, 1, 2)
STAGES = (0, 0, 1)
STATUSES = (0, 0, 1)
"""How many business units, stages and statuses a combination filters on, drawn from these
(so about one in nine is the whole portfolio over some window, the heaviest view)."""

Key = tuple[int, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Choices:
    """What the filters can take in this database."""

    months: tuple[str, ...]
    """Every month from the first to the latest with data, `YYYY-MM` (the as-of control's)."""
    units: tuple[str, ...]
    unit_weights: tuple[int, ...]
    """Initiatives per business unit: a user's unit is picked in proportion to them."""
    stages: tuple[str, ...]
    statuses: tuple[str, ...]
    groups: frozenset[tuple[str, str, str]]
    """The (business unit, stage, status) that initiatives have: a combination selects one."""

    @property
    def initiatives(self) -> int:
        return sum(self.unit_weights)


def read_choices(db: Path) -> Choices:
    """The months, business units, stages and statuses of the database at `db`."""
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        months = tuple(str(m) for m in data_months(con)["month"])
        groups = con.execute(
            "select business_unit, stage, status, count(*) from initiatives group by all"
        ).fetchall()
    per_unit: dict[str, int] = {}
    for unit, _, _, n in groups:
        per_unit[unit] = per_unit.get(unit, 0) + int(n)
    units = sorted(per_unit, key=lambda u: (-per_unit[u], u))
    return Choices(
        months=months,
        units=tuple(units),
        unit_weights=tuple(per_unit[u] for u in units),
        stages=tuple(sorted({g[1] for g in groups})),
        statuses=tuple(sorted({g[2] for g in groups})),
        groups=frozenset((str(u), str(s), str(t)) for u, s, t, _ in groups),
    )


def _units(rng: random.Random, choices: Choices) -> tuple[str, ...]:
    wanted = min(rng.choice(UNITS), len(choices.units))
    picked: set[str] = set()
    while len(picked) < wanted:
        picked.add(rng.choices(choices.units, weights=choices.unit_weights)[0])
    return tuple(sorted(picked))


def _selects_some(choices: Choices, key: Key) -> bool:
    """Whether some initiative has a unit, stage and status the combination keeps."""
    _, _, units, stages, statuses = key
    return any(
        (not units or u in units)
        and (not stages or s in stages)
        and (not statuses or t in statuses)
        for u, s, t in choices.groups
    )


def _draw(rng: random.Random, choices: Choices) -> Key:
    """(as-of month index, window length, units, stages, statuses), at random."""
    as_of = rng.randrange(min(2, len(choices.months) - 1), len(choices.months))
    stages = tuple(rng.sample(choices.stages, min(rng.choice(STAGES), len(choices.stages))))
    statuses = tuple(rng.sample(choices.statuses, min(rng.choice(STATUSES), len(choices.statuses))))
    return as_of, rng.choice(WINDOWS), _units(rng, choices), stages, statuses


def _search(choices: Choices, key: Key) -> str:
    """The query string the filter controls write for the combination."""
    as_of, length, units, stages, statuses = key
    month = parse_month(choices.months[as_of], "as_of")
    explicit = length != 12
    filters = PageFilters(
        as_of=month_text(month),
        from_=month_text(add_months(month, 1 - length)) if explicit else None,
        to=month_text(month) if explicit else None,
        business_units=units,
        stages=stages,
        statuses=statuses,
    )
    return to_search(filters)


def filter_combinations(db: Path, count: int) -> list[str]:
    """`count` query strings, each a valid view that selects some initiatives and whose
    metrics no other one shares, not even as the portfolio's previous-window comparison
    (a view with window length L at month A also computes the one at month A - L)."""
    choices = read_choices(db)
    if not choices.months or not choices.groups:
        raise RuntimeError(f"{db.name} has no months or no initiatives to filter on")
    rng = random.Random(SEED)
    taken: set[Key] = set()
    found: list[str] = []
    for _ in range(count * 200):
        if len(found) == count:
            break
        key = _draw(rng, choices)
        as_of, length, units, stages, statuses = key
        previous = (as_of - length, length, units, stages, statuses)
        if key in taken or previous in taken or not _selects_some(choices, key):
            continue
        taken.update((key, previous))
        search = _search(choices, key)
        if parse_search(search).notices:  # never: the combination is valid by construction
            raise RuntimeError(f"the dashboard rejects the combination {search}")
        found.append(search)
    if len(found) < count or len(set(found)) < count:
        raise RuntimeError(f"{db.name} has fewer than {count} distinct filter combinations")
    rng.shuffle(found)  # the few whole-portfolio views come early: spread them over the run
    return found
