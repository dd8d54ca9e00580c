"""One template, a colour-blind-safe palette, and no global plotly state touched."""

from __future__ import annotations

import plotly.io as pio

from dashboard.theme import CATEGORY_COLORS, OKABE_ITO, STAGE_COLORS, template
from etl.contracts import STAGE_ORDER
from etl.contracts.entities import CostCategory


def test_the_template_uses_the_okabe_ito_palette() -> None:
    assert list(template().layout.colorway) == list(OKABE_ITO)
    assert template() is template()


def test_every_stage_and_cost_category_has_its_own_colour() -> None:
    assert list(STAGE_COLORS) == list(STAGE_ORDER)
    assert set(CATEGORY_COLORS) == {c.value for c in CostCategory}
    assert len(set(STAGE_COLORS.values())) == len(STAGE_COLORS)
    assert len(set(CATEGORY_COLORS.values())) == len(CATEGORY_COLORS)


def test_plotly_defaults_are_left_alone() -> None:
    assert "scaleboard" not in pio.templates
    assert pio.templates.default != template()
