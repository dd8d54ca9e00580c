"""Dashboard latency over HTTP: each portfolio and roadmap callback at the default filters,
8 concurrent clients, next to the minimal constant-figure callback on the same server; the
payload of each; the server's memory; and the same clients while loads run."""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from bench.common import percentile, print_row, record
from bench.server import FLOOR_OUTPUT, running, tree_peak_rss_mb

CLIENTS = 8
PAGES = {"portfolio": "/", "roadmap": "/roadmap"}


FIRST_BLOCK = {"startRow": 0, "endRow": 50, "sortModel": [], "filterModel": {}}
"""What the roadmap table asks for first: its first page of rows."""


SAVED_COUNTERS = {
    (f"{counter}-saved", "data")
    for counter in ("portfolio-target", "roadmap-ranking", "roadmap-decision", "roadmap-scenario")
}
"""The stores a page's write bumps to redraw what it shows: 0 on arrival."""


def payload(dep: dict[str, Any], pathname: str) -> dict[str, Any]:
    """The request the browser sends for a callback fired by the page's URL (or, for the
    roadmap table, by the grid asking for its first block)."""
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in dep["output"].strip(".").split("...")
    ]
    values = {"search": "", "pathname": pathname, "getRowsRequest": FIRST_BLOCK, "data": 0}
    inputs = [{**i, "value": values.get(i["property"])} for i in dep["inputs"]]
    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]],
        "state": [{**s, "value": values.get(s["property"])} for s in dep.get("state", [])],
    }


SCENARIO_SEARCH = "?scenario_a=top:50&scenario_b=budget:1000000"
"""Two funding scenarios compared on the roadmap: the scenario callback's request."""


def scenario_payload(deps: list[dict[str, Any]]) -> dict[str, Any]:
    """The roadmap's scenario comparison, fired by a URL that names two scenarios."""
    dep = next(d for d in deps if d["output"] == "roadmap-scenario-results.children")
    request = payload(dep, "/roadmap")
    values = {"search": SCENARIO_SEARCH, "data": 0}
    request["inputs"] = [{**i, "value": values.get(i["property"])} for i in dep["inputs"]]
    return request


def callbacks(url: str) -> dict[str, dict[str, Any]]:
    """Name -> request of each page callback that the URL alone fires, plus the floor."""
    deps = requests.get(url + "/_dash-dependencies", timeout=60).json()
    chosen: dict[str, dict[str, Any]] = {}
    for dep in deps:
        inputs = {(i["id"], i["property"]) for i in dep["inputs"]}
        fired_by = {
            ("app-location", "search"),
            ("app-location", "pathname"),
            ("roadmap-table", "getRowsRequest"),
            *SAVED_COUNTERS,
        }
        if dep.get("clientside_function") or not inputs <= fired_by:
            continue
        for page, path in PAGES.items():
            if f"..{page}-" in f"..{dep['output']}" or dep["output"].startswith(f"{page}-"):
                chosen[f"{page}: {dep['output'].strip('.').split('.')[0]}"] = payload(dep, path)
    chosen["roadmap: scenarios"] = scenario_payload(deps)
    floor = next(d for d in deps if d["output"] == FLOOR_OUTPUT)
    chosen["floor"] = {**payload(floor, "/"), "inputs": [{**floor["inputs"][0], "value": 1}]}
    return chosen


def failed(response: requests.Response) -> bool:
    """An HTTP error, or the answer of the app's last net (`on_callback_error`): a 200 whose
    only update is the error notice."""
    if response.status_code >= 400:
        return True
    if b'"sideUpdate"' not in response.content:  # cheap: most answers have none
        return False
    return "app-error" in (response.json().get("sideUpdate") or {})


def _client(url: str, jobs: list[tuple[str, dict[str, Any]]], out: dict[str, list[Any]]) -> None:
    session = requests.Session()  # one keep-alive connection per client, as a browser has
    for name, body in jobs:
        start = time.perf_counter()
        response = session.post(url + "/_dash-update-component", json=body, timeout=120)
        elapsed = time.perf_counter() - start
        status = 500 if failed(response) else response.status_code
        out[name].append((elapsed, status, len(response.content), response.text))


def hammer(url: str, requests_per_client: int, names: list[str] | None = None) -> dict[str, Any]:
    """CLIENTS threads, each sending every callback in turn; results per callback name."""
    bodies = callbacks(url)
    chosen = names or list(bodies)
    results: dict[str, list[Any]] = defaultdict(list)
    jobs = [(n, bodies[n]) for _ in range(requests_per_client) for n in chosen]
    threads = [threading.Thread(target=_client, args=(url, jobs, results)) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summarise(results: dict[str, list[Any]]) -> dict[str, dict[str, Any]]:
    summary = {}
    for name, rows in results.items():
        times = [r[0] * 1000 for r in rows]
        summary[name] = {
            "requests": len(rows),
            "errors": sum(1 for r in rows if r[1] >= 400),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "payload_kb": round(max(r[2] for r in rows) / 1024, 1),
        }
    return summary


def warm(url: str, rounds: int = 16) -> None:
    """Each callback on fresh connections, so that every worker has computed each view once
    (the first computation per worker and release is the cold path; it is cached after)."""
    for body in list(callbacks(url).values()) * rounds:
        requests.post(url + "/_dash-update-component", json=body, timeout=120).close()


def run(db: Path, requests_per_client: int, mode: str) -> dict[str, Any]:
    with running(db) as (url, pid):
        warm(url)
        summary = summarise(hammer(url, requests_per_client))
        largest, total = tree_peak_rss_mb(pid)
    floor = summary.pop("floor")
    scenario = summary.pop("roadmap: scenarios")
    for name, figures in summary.items():
        print_row(
            f"{name} p50/p95",
            f"{figures['p50_ms']}/{figures['p95_ms']} ms",
            f"{floor['p50_ms']}/{floor['p95_ms']} ms",
            figures["p95_ms"] / floor["p95_ms"],
            f"p95 <= 100 ms, {figures['payload_kb']} KB",
        )
    portfolio = summary["portfolio: portfolio-window"]
    print_row(
        "roadmap: scenarios p50/p95",
        f"{scenario['p50_ms']}/{scenario['p95_ms']} ms",
        f"{portfolio['p50_ms']}/{portfolio['p95_ms']} ms portfolio",
        scenario["p95_ms"] / portfolio["p95_ms"],
        f"p95 <= 2x the portfolio callback's, {scenario['payload_kb']} KB",
    )
    worst = max(f["p95_ms"] for f in summary.values())
    worst_p50 = max(f["p50_ms"] for f in summary.values())
    figures = {
        "callbacks": summary,
        "scenarios": scenario,
        "scenarios_vs_portfolio_p95_ratio": round(scenario["p95_ms"] / portfolio["p95_ms"], 2),
        "floor": floor,
        "p95_ms": worst,
        "floor_p95_ms": floor["p95_ms"],
        "p95_vs_floor_ratio": round(worst / floor["p95_ms"], 2),
        "p50_ms": worst_p50,
        "floor_p50_ms": floor["p50_ms"],
        "p50_vs_floor_ratio": round(worst_p50 / floor["p50_ms"], 2),
        "errors": sum(f["errors"] for f in summary.values()),
        "server_rss_mb": round(largest),
        "server_rss_total_mb": round(total),
        "floor_rss_mb": None,
        "server_rss_ratio": None,
    }
    print_row(
        "server peak RSS (largest process / all)",
        f"{largest:,.0f} MB",
        f"{total:,.0f} MB all",
        largest / 1000,
        "< 1,000 MB",
    )
    record("dashboard", mode, figures)
    return figures


def under_load(
    db: Path, initial_as_of: str, load_next: Callable[[int], str], loads: int, mode: str
) -> dict[str, Any]:
    """The clients while `loads` loads of new months run: errors, latency, and whether each
    answer shows a committed as-of month."""
    committed = [initial_as_of]
    with running(db) as (url, _):
        warm(url)
        done = threading.Event()
        results: dict[str, list[Any]] = {}

        def clients() -> None:
            while not done.is_set():
                for name, rows in hammer(url, 2).items():
                    results.setdefault(name, []).extend(rows)

        worker = threading.Thread(target=clients)
        worker.start()
        for n in range(loads):
            committed.append(load_next(n))
        time.sleep(1)
        done.set()
        worker.join()
    summary = summarise(results)
    shown = {m for rows in results.values() for r in rows for m in _as_of_months(r[3])}
    figures = {
        "loads": loads,
        "requests": sum(f["requests"] for f in summary.values()),
        "errors": sum(f["errors"] for f in summary.values()),
        "p95_ms": max(f["p95_ms"] for f in summary.values()),
        "as_of_months_shown": sorted(shown),
        "all_shown_committed": shown <= set(committed),
    }
    print(
        f"{'under load: ' + str(loads) + ' loads, 8 clients':<44} {figures['requests']:>10} "
        f"requests, {figures['errors']} errors, p95 {figures['p95_ms']} ms, as-of months "
        f"shown {', '.join(sorted(shown))}"
    )
    record("dashboard_under_load", mode, figures)
    return figures


def _as_of_months(text: str) -> list[str]:
    return re.findall(r"As of (\d{4}-\d{2})", text)
