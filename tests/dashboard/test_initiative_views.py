"""The initiative page's callback, called directly."""

from __future__ import annotations

from dashboard.db import Reader
from dashboard.views.initiative import DIMENSIONS, initiative
from etl.registry import cause_label
from tests.dashboard.layout_tools import find, ids, text


def test_every_output_for_an_initiative(reader: Reader) -> None:
    outputs = initiative(reader, "a", "")
    header, note, kpis = outputs["header"], outputs["notice"], outputs["kpis"]
    history, adoption = outputs["stage_history"], outputs["adoption"]
    cost, outcomes = outputs["cost_by_category"], outputs["outcomes"]
    models, style = outputs["model_metrics"], outputs["model_metrics_style"]
    readiness, blockers = outputs["readiness"], outputs["gate_blockers"]
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
    # plain cause names on y, in the order of the names
    assert list(readiness.data[0].y) == sorted(cause_label(d) for d in DIMENSIONS)
    # v2: a's business case at risk and its decaying model block too, whatever the scores
    assert text(blockers) == (
        "Gate blockers (minimum score 3)"
        "Business case: flagged by the data"
        "MLOps: flagged by the data"
    )


def test_an_initiative_without_sponsor_or_blockers_says_so(reader: Reader) -> None:
    header = initiative(reader, "b", "")["header"]
    assert "No executive sponsor" in text(header)


def test_selection_filters_are_noted_not_applied(reader: Reader) -> None:
    outputs = initiative(reader, "a", "?business_unit=Legal&as_of=2025-12")
    assert "whatever they are" in text(outputs["notice"])
    adoption = find(outputs["kpis"], "initiative-kpi-adoption-rate")
    assert text(adoption) == "—"  # no adoption in 2025-12


def test_an_unknown_initiative_never_fails(reader: Reader) -> None:
    outputs = initiative(reader, "nope", "")
    assert text(outputs["header"]) == "No data for initiative nope"


def test_tiles_show_the_targets_the_initiative_is_held_to(reader: Reader) -> None:
    held = (("adoption_rate", "0.25", "own"), ("roi", "0.5", "portfolio"))
    kpis = initiative(reader, "a", "", held)["kpis"]
    assert text(find(kpis, "initiative-kpi-adoption-rate")) == "30.0%"
    assert text(find(kpis, "initiative-kpi-adoption-rate-target")) == "Target 25.0%: on target"
    assert text(find(kpis, "initiative-kpi-roi-target")).startswith("Portfolio target 50.0%: ")
    assert "initiative-kpi-cost-per-insight-target" not in ids(kpis)  # held to no target
