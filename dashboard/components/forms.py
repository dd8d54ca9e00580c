"""What a form shows after a write: the outcome, and the other writer's change on a
conflict."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash.development.base_component import Component


def feedback(message: str, color: str) -> Component:
    alert: Component = dbc.Alert(
        message, color=color, className="py-1 px-2 mb-0 small", dismissable=True
    )
    return alert


def conflict_text(what: str, current: Any) -> str:
    return (
        f"Not saved: {what} changed since you opened the page. Now: {current}. "
        "Reload to see it, then try again."
    )
