"""Adapters for real-world exports: `scaleboard load --format NAME FILE...`."""

from __future__ import annotations

from etl.adapters.base import Adapter, AdapterError, AdapterOptions, Conversion, Converted
from etl.adapters.copilot import CopilotUsage
from etl.adapters.focus import Focus
from etl.adapters.m365 import M365Copilot
from etl.adapters.mlflow import Mlflow
from etl.adapters.us_ai_inventory import UsAiInventory

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (M365Copilot(), Focus(), CopilotUsage(), Mlflow(), UsAiInventory())
}
"""Every adapter, by the name `--format` takes."""

__all__ = ["ADAPTERS", "Adapter", "AdapterError", "AdapterOptions", "Conversion", "Converted"]
