"""The data page's card of failed deliveries, from a real edits store."""

from __future__ import annotations

from pathlib import Path

from dashboard.components.deliveries import failed_deliveries_card
from dashboard.edits.alert_state import failed_deliveries, record_delivery
from dashboard.edits.store import EditsStore
from dashboard.views.deliveries import failed_deliveries_view


def test_the_card_lists_failed_deliveries_newest_first(tmp_path: Path) -> None:
    store = EditsStore(f"sqlite:///{tmp_path / 'edits.sqlite'}")
    assert failed_deliveries_view(store) == []
    record_delivery(store, "alert", "slack", ["stalled_pilot:b"], (True, 1, None))
    record_delivery(store, "alert", "teams", ["stalled_pilot:b"], (False, 4, "HTTP 500"))
    record_delivery(store, "digest", "sponsors", [None], (False, 4, "<b>refused</b>"))
    rows = failed_deliveries(store)
    assert [r["channel"] for r in rows] == ["sponsors", "teams"]
    card = str(failed_deliveries_view(store))
    assert "Failed alert deliveries (2)" in card
    assert "(digest), 4 tries: " in card and "'<b>refused</b>'" in card  # a text, not markup
    assert "and 1 more" in str(failed_deliveries_card(rows, limit=1))
    store.dispose()


def test_an_unreadable_store_shows_a_notice(tmp_path: Path) -> None:
    (tmp_path / "edits.sqlite").write_text("not a database")
    store = EditsStore(f"sqlite:///{tmp_path / 'edits.sqlite'}")
    shown = str(failed_deliveries_view(store))
    assert "Alert deliveries cannot be shown" in shown
