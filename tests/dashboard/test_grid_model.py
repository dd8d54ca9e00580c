"""The infinite row model's filter and sort models, applied to a DataFrame."""

from __future__ import annotations

import pandas as pd

from dashboard.grid_model import block, filter_rows, sort_rows

ROWS = pd.DataFrame(
    {
        "initiative_id": ["a", "b", "c", "d"],
        "stage": ["Experimentation", "Operationalization", "Experimentation", None],
        "roi": [0.5, -0.2, None, 2.0],
    }
)


def test_text_and_number_filters() -> None:
    text = {"stage": {"filterType": "text", "type": "startsWith", "filter": "exp"}}
    number = {"roi": {"filterType": "number", "type": "greaterThan", "filter": 0}}

    assert list(filter_rows(ROWS, text)["initiative_id"]) == ["a", "c"]
    assert list(filter_rows(ROWS, number)["initiative_id"]) == ["a", "d"]
    assert list(filter_rows(ROWS, {**text, **number})["initiative_id"]) == ["a"]


def test_conditions_join_with_or_and_blanks_are_filterable() -> None:
    either = {
        "roi": {
            "filterType": "number",
            "operator": "OR",
            "conditions": [{"type": "lessThan", "filter": 0}, {"type": "blank"}],
        }
    }
    in_range = {"roi": {"filterType": "number", "type": "inRange", "filter": 0, "filterTo": 1}}

    assert list(filter_rows(ROWS, either)["initiative_id"]) == ["b", "c"]
    assert list(filter_rows(ROWS, in_range)["initiative_id"]) == ["a"]


def test_sorting_puts_blanks_last_and_blocks_slice_the_result() -> None:
    ordered = sort_rows(ROWS, [{"colId": "roi", "sort": "desc"}])

    assert list(ordered["initiative_id"]) == ["d", "a", "b", "c"]
    shown, count = block(ROWS, {"startRow": 1, "endRow": 3, "sortModel": [{"colId": "roi"}]})
    assert (list(shown["initiative_id"]), count) == (["a", "d"], 4)
