"""The one look of every figure: an Okabe-Ito (colour-blind-safe) palette and a plotly template.

Figures pass `template=template()` explicitly; nothing here changes plotly's global defaults.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import plotly.graph_objects as go

from etl.contracts import STAGE_ORDER

OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)
ORANGE, SKY_BLUE, GREEN, BLUE, VERMILLION, PURPLE, YELLOW, BLACK = OKABE_ITO
GREY = "#8C8C8C"
INK = "#1F2933"
GRID = "#E4E7EB"

STAGE_COLORS: dict[str, str] = dict(zip(STAGE_ORDER, (ORANGE, SKY_BLUE, GREEN, BLUE), strict=True))
NO_STAGE = "No stage yet"
CATEGORY_COLORS: dict[str, str] = {
    "compute": ORANGE,
    "licensing": SKY_BLUE,
    "people": GREEN,
    "data": BLUE,
    "integration": VERMILLION,
    "governance": PURPLE,
    "other": GREY,
}
"""One colour per cost category on every page ("other" in grey)."""
GOOD, BAD = GREEN, VERMILLION
VALUE_COLOR, COST_COLOR = GREEN, VERMILLION
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

GRAPH_CONFIG: Any = {"displaylogo": False}
"""`config` of every dcc.Graph (which is responsive: it fills its container)."""


def stage_color(stage: str | None) -> str:
    return STAGE_COLORS.get(stage or "", GREY)


def category_color(category: str) -> str:
    return CATEGORY_COLORS.get(category, BLACK)


@cache
def template() -> go.layout.Template:
    """The plotly template of every figure (built once, on first use)."""
    axis = {
        "gridcolor": GRID,
        "linecolor": GRID,
        "zerolinecolor": GRID,
        "automargin": True,
        "title": {"standoff": 8},
    }
    return go.layout.Template(
        layout={
            "colorway": list(OKABE_ITO),
            "font": {"family": FONT, "size": 13, "color": INK},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "margin": {"l": 8, "r": 8, "t": 36, "b": 8},
            "hoverlabel": {"font": {"family": FONT}},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            "xaxis": axis,
            "yaxis": axis,
            "separators": ".,",
        }
    )
