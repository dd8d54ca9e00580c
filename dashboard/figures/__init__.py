"""Pure figures: `fn(df) -> go.Figure`, no I/O, one template (`dashboard.theme`).

Every figure is built whole (`whole_figure`): its traces as dicts and its layout; a figure
of several panels takes its axes from `plotly.subplots.make_subplots`. Plotly does not
validate them here: the tests do, for every figure every callback returns
(`tests/dashboard/test_app.py`)."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from dashboard.theme import GREY, template

NO_DATA = "No data for these filters"
LINE_CHARS = 44
"""Characters in a line of a label at most: a longer label wraps, so that it fits a phone
(390 px) without being cut."""


def plain(text: object) -> str:
    """Text a user or a data file wrote, as Plotly shows it literally: Plotly reads `<a>`,
    `<b>`, `<br>` and entities in labels, hover text, ticks and titles as markup, so they
    are escaped (`<` -> `&lt;`, `&` -> `&amp;`) before the text goes into a figure."""
    return html.escape(str(text), quote=False)


def plain_all(texts: Iterable[object]) -> list[str]:
    """`plain` of each text."""
    return [plain(t) for t in texts]


def wrapped(text: str, width: int = LINE_CHARS) -> list[str]:
    """`text` in lines of at most `width` characters (a longer word stays whole)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def plain_lines(text: object, width: int = LINE_CHARS) -> str:
    """`plain` text wrapped in lines of at most `width` characters (`<br>` between)."""
    return "<br>".join(plain_all(wrapped(str(text), width)))


def whole_figure(traces: list[dict[str, Any]], **layout: Any) -> go.Figure:
    """A figure in the Scaleboard template from its traces (each a dict with its `type`)
    and its layout, as given. Plotly's validation of every property and array element is
    for figures written by hand: these are written by the functions of this package, whose
    every output the tests validate, and validating them on each request took a tenth of a
    new view's time (the roadmap's matrix of 2,016 bubbles alone 20 ms). Plotly validates
    a figure anew at every `add_trace` and `update_layout` besides (and copies the
    annotations at each): hence one figure built whole."""
    return go.Figure(data=traces, layout={"template": template(), **layout}, _validate=False)


def empty_figure(message: str = NO_DATA, height: int | None = None) -> go.Figure:
    """The explicit empty state: a message where the chart would be, no axes."""
    note = {
        "text": message,
        "showarrow": False,
        "font": {"size": 15, "color": GREY},
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
    }
    return whole_figure(
        [], height=height, xaxis={"visible": False}, yaxis={"visible": False}, annotations=[note]
    )


def is_empty_figure(fig: go.Figure) -> bool:
    """True for a figure made by `empty_figure` (no traces, one message)."""
    return not fig.data and any(a.text for a in fig.layout.annotations)
