"""Live data: `scaleboard load` runs in other processes while the served app answers page
and callback requests; every response is whole and consistent with one committed state,
and the state after the last load shows without a restart."""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dash._utils import split_callback_id

from etl.formatting import format_money
from tests.conftest import metrics_json, run_cli, write_csv
from tests.e2e.conftest import server_errors, serving
from tests.helpers import copy_store

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("e2e-live")]

LOADS = 6
AMOUNTS = [1000.0 * (k + 1) for k in range(LOADS)]


def _post(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url + "/_dash-update-component",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return dict(json.loads(response.read()))


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert b"Scaleboard" in response.read()


def _portfolio_payload(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url + "/_dash-dependencies", timeout=30) as response:
        dependencies = json.loads(response.read())
    spec = next(d for d in dependencies if "portfolio-kpis.children" in d["output"])
    return {
        "output": spec["output"],
        "outputs": split_callback_id(spec["output"]),
        "inputs": [{**i, "value": "" if n == 0 else 0} for n, i in enumerate(spec["inputs"])],
        "state": [],
        "changedPropIds": ["app-location.search"],
    }


def _numbers(data: Any) -> list[float]:
    """A figure array as JSON gives it: a list, or plotly's typed array {dtype, bdata}."""
    if isinstance(data, dict):
        return [
            float(v) for v in np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        ]
    return [float(v) for v in data]


def _find(node: Any, component_id: str) -> Any:
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node["props"].get("children")
        return next((f for v in node.values() if (f := _find(v, component_id)) is not None), None)
    if isinstance(node, list):
        return next((f for v in node if (f := _find(v, component_id)) is not None), None)
    return None


def _state_of(body: dict[str, Any], totals: list[float], insights: float, currency: str) -> int:
    """The committed state (number of loads) one response shows; fails if its parts differ."""
    assert "app-error" not in body.get("sideUpdate", {}), body["sideUpdate"]
    outputs = body["response"]
    total = sum(_numbers(outputs["portfolio-cost-by-category"]["figure"]["data"][0]["x"]))
    states = [k for k, t in enumerate(totals) if abs(t - total) < 0.01]
    assert len(states) == 1, (total, totals)
    shown = _find(outputs["portfolio-kpis"]["children"], "kpi-cost-per-insight")
    assert shown == format_money(totals[states[0]] / insights, currency)
    return states[0]


def test_live001_loads_while_serving(e2e_db: Path, tmp_path: Path) -> None:
    db = copy_store(e2e_db, tmp_path / "live")
    base = metrics_json(db)
    insights = base["total_cost"] / base["cost_per_insight"]
    totals = [base["total_cost"] + sum(AMOUNTS[:k]) for k in range(LOADS + 1)]
    files = [
        write_csv(
            tmp_path / "in" / f"costs-live-{k}.csv",
            ("initiative_id", "month", "category", "amount", "source"),
            [("AI-0001", "2026-10", "other", amount, f"live-{k}")],
        )
        for k, amount in enumerate(AMOUNTS)
    ]
    with serving(db) as url:
        payload = _portfolio_payload(url)
        seen: list[list[int]] = [[], [], []]
        errors: list[BaseException] = []
        stop = threading.Event()

        def request_loop(states: list[int]) -> None:
            try:
                for _ in range(2000):  # bounded; stops when the loads are done
                    if stop.is_set():
                        return
                    _get(url + "/")
                    states.append(
                        _state_of(_post(url, payload), totals, insights, base["currency"])
                    )
                    _get(url + "/data")
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=request_loop, args=(s,)) for s in seen]
        for thread in threads:
            thread.start()
        try:
            for path in files:
                result = run_cli("load", "--db", db, path)
                assert result.returncode == 0, result.stderr
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
        assert errors == []
        assert all(states == sorted(states) for states in seen)  # never back to an older state
        assert len({s for states in seen for s in states}) >= 2, seen  # loads committed meanwhile
        # after the last load, the next request shows it, without a restart
        assert _state_of(_post(url, payload), totals, insights, base["currency"]) == LOADS
    assert server_errors(db) == []
