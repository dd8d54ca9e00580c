"""The data page's failed deliveries, read from the edits store."""

from __future__ import annotations

import sqlalchemy as sa
from dash.development.base_component import Component

from dashboard.components import notice
from dashboard.components.deliveries import failed_deliveries_card
from dashboard.edits.alert_state import failed_deliveries
from dashboard.edits.store import EditsError, EditsStore


def failed_deliveries_view(store: EditsStore) -> list[Component]:
    """The card of failed deliveries; a notice when the store cannot be read."""
    try:
        return failed_deliveries_card(failed_deliveries(store))
    except (EditsError, sa.exc.SQLAlchemyError) as exc:  # a damaged store: say so, go on
        reason = str(exc).splitlines()[0]
        return [notice(f"Alert deliveries cannot be shown: {reason}.", color="warning")]
