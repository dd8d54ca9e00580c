"""The initiative page's callback, called directly."""

from __future__ import annotations

from dashboard.db import Reader
from dashboard.views.initiative import initiative
from tests.dashboard.layout_tools import find, text


def test_every_output_for_an_initiative(reader: Reader) -> None:
    (header, note, kpis, history, adoption, cost, outcomes, models, style, readiness, blockers) = (
        initiative(reader, "a", "")
    )
    assert "Invoice matching" in text(header)
    assert note == []
    assert text(find(kpis, "initiative-kpi-adoption-rate")) == "30.0%"
    assert text(find(kpis, "initiative-kpi-readiness")) == "3.7 / 5"
    assert text(find(kpis, "initiative-kpi-business-case")) == "at risk"
    assert text(find(kpis, "initiative-kpi-projected-cost")) == "$90.9K"
    assert {t.name for t in history.data} == {
        "Experimentation",
        "Operationalization",
        "Standardization",
    }
    assert len(adoption.data) == 2
    assert cost.data and outcomes.data
    assert "decayed 11.1%" in models.layout.annotations[0].text
    assert style == {"height": f"{models.layout.height}px"}
    assert list(readiness.data[0].y) == sorted(readiness.data[0].y)
    assert text(blockers) == "Gate blockers (score below 3): mlops"


def test_an_initiative_without_sponsor_or_blockers_says_so(reader: Reader) -> None:
    header = initiative(reader, "b", "")[0]
    assert "No executive sponsor" in text(header)


def test_selection_filters_are_noted_not_applied(reader: Reader) -> None:
    outputs = initiative(reader, "a", "?business_unit=Legal&as_of=2025-12")
    assert "whatever they are" in text(outputs[1])
    assert text(find(outputs[2], "initiative-kpi-adoption-rate")) == "—"  # no adoption in 2025-12


def test_an_unknown_initiative_never_fails(reader: Reader) -> None:
    outputs = initiative(reader, "nope", "")
    assert text(outputs[0]) == "No data for initiative nope"
