"""The infinite row model's filter and sort models, applied to a DataFrame."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.grid_model import (
    block,
    filter_model,
    filter_rows,
    parse_condition,
    sort_model,
    sort_rows,
    url_filters,
    url_sort,
)

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


KINDS = {"stage": "text", "roi": "number", "rank": "number"}


def test_filter_model_round_trips_through_the_url() -> None:
    model = {
        "stage": {"filterType": "text", "type": "contains", "filter": "Exp"},
        "roi": {
            "filterType": "number",
            "operator": "OR",
            "conditions": [
                {"filterType": "number", "type": "lessThan", "filter": -0.2},
                {"filterType": "number", "type": "inRange", "filter": 1, "filterTo": 2.5},
            ],
        },
        "rank": {"filterType": "number", "type": "blank"},
    }
    texts = url_filters(model)

    assert texts == (
        "rank:blank",
        "roi:lessThan:-0.2",
        "roi:or:inRange:1..2.5",
        "stage:contains:Exp",
    )
    assert filter_model(texts, KINDS) == {
        "rank": {"filterType": "number", "type": "blank"},
        "roi": {
            "filterType": "number",
            "operator": "OR",
            "conditions": [
                {"filterType": "number", "type": "lessThan", "filter": -0.2},
                {"filterType": "number", "type": "inRange", "filter": 1.0, "filterTo": 2.5},
            ],
        },
        "stage": {"filterType": "text", "type": "contains", "filter": "Exp"},
    }


def test_a_text_value_keeps_its_colons_and_an_empty_condition_is_left_out() -> None:
    model = {
        "stage": {"filterType": "text", "type": "equals", "filter": "a:b"},
        "roi": {"filterType": "number", "type": "equals", "filter": None},
    }
    texts = url_filters(model)

    assert texts == ("stage:equals:a:b",)
    assert filter_model(texts, KINDS)["stage"]["filter"] == "a:b"


def test_conditions_the_table_cannot_hold_are_left_out() -> None:
    texts = ("nothing:contains:x", "roi:contains:x", "stage:lessThan:3", "roi:equals:abc")

    assert filter_model(texts, KINDS) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("stage", "COLUMN:TYPE:VALUE"),
        ("Stage:contains:x", "COLUMN:TYPE:VALUE"),
        ("stage:like:x", "must be one of"),
        ("roi:inRange:1", "LOW..HIGH"),
    ],
)
def test_a_bad_condition_says_how_to_write_it(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_condition(text)


def test_sort_model_round_trips_through_the_url() -> None:
    model = [{"colId": "stage", "sort": "asc"}, {"colId": "roi", "sort": "desc"}]

    assert url_sort(model) == "stage,-roi"
    assert sort_model("stage,-roi") == model
    assert url_sort([]) is None
