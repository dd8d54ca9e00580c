"""Dashboard latency when the cache cannot answer: every request a filter combination the
server has not seen (bench/combos.py), from one client and from 8, next to the same
callbacks at the default view, which the page-output cache answers after its first request.

The callbacks are those a change of the URL fires: each page's output (portfolio, roadmap,
data), the roadmap table's first block, and the shell's frame and filter controls (the
router reads the path alone, so no filter changes its cost; the initiative page needs an id
of its own and is left out)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from bench.combos import filter_combinations, read_choices
from bench.common import percentile, print_row, record
from bench.dashboard import failed, payload
from bench.server import WORKER_HEADER, running, workers

CLIENTS = 8
TARGET_P95_MS = 200
SEARCH, GRID = ("app-location", "search"), ("roadmap-table", "getRowsRequest")
FIRED = {SEARCH, ("app-location", "pathname"), GRID}
"""The inputs a new URL changes (and the grid's request for its first block, which the
grid sends again when the query string changes)."""
PATHS = {"portfolio": "/", "roadmap": "/roadmap", "data": "/data", "app": "/"}
SHELL = {"app-freshness": "shell: frame", "app-location": "shell: filters"}
COMPARED = {"roadmap: roadmap-scenario-results": "scenario_a=top:10&scenario_b=top:25"}
"""What a callback's every request adds to its query string: the scenario results compare
two scenarios (without one the callback shows how to choose one and reads nothing)."""
WARM_PER_WORKER = 1
WARM_CAP = 24
"""Warm-up requests of each callback at most (never measured)."""

Rows = list[tuple[float, bool, int]]
"""(seconds, whether it failed, bytes) of each request."""


def url_callbacks(url: str) -> dict[str, dict[str, Any]]:
    """Name -> request (at the default view) of each callback that reads the query string
    and fires when the URL changes, or (the roadmap table) when the grid then asks again."""
    chosen: dict[str, dict[str, Any]] = {}
    for dep in requests.get(url + "/_dash-dependencies", timeout=60).json():
        inputs = {(i["id"], i["property"]) for i in dep["inputs"]}
        first = dep["output"].strip(".").split(".")[0]
        page = first.split("-")[0]
        if dep.get("clientside_function") or not inputs & {SEARCH, GRID} or page not in PATHS:
            continue
        body = payload(dep, PATHS[page])
        body["changedPropIds"] = [
            f"{i['id']}.{i['property']}" for i in dep["inputs"] if (i["id"], i["property"]) in FIRED
        ]
        name = SHELL.get(first, f"{page}: {first}")
        chosen[name] = with_search(body, "", name)
    return chosen


def with_search(body: dict[str, Any], search: str, name: str) -> dict[str, Any]:
    """The same request with another query string (and what the callback `name` adds to
    each, `COMPARED`)."""
    if name in COMPARED:
        search = f"{search}&{COMPARED[name]}" if search else f"?{COMPARED[name]}"

    def put(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**i, "value": search} if i["property"] == "search" else i for i in items]

    return {**body, "inputs": put(body["inputs"]), "state": put(body["state"])}


def _send(session: requests.Session, url: str, body: dict[str, Any]) -> requests.Response:
    return session.post(url + "/_dash-update-component", json=body, timeout=300)


def warm(
    url: str, bodies: dict[str, dict[str, Any]], count: int, searches: Iterator[str] | None
) -> None:
    """Each callback on fresh connections until each of the `count` workers has answered it
    WARM_PER_WORKER times: each request with the next of `searches`, or at the default view.

    Why combinations of their own rather than the first measured requests discarded: the
    first request a worker computes pays for imports, plotly's validators and DuckDB's first
    reads of the file, and the client cannot choose which worker answers (a keep-alive
    session stays with one worker, a fresh connection goes to any). The `X-Bench-Worker`
    header says which one did, so this warms every worker for sure, with filtered views
    (query paths the default view does not run) that no measured request uses again."""
    for name, body in bodies.items():
        answered: Counter[str] = Counter()
        for _ in range(WARM_CAP):
            if len(answered) >= count and min(answered.values()) >= WARM_PER_WORKER:
                break
            sent = with_search(body, next(searches), name) if searches else body
            with requests.Session() as session:
                answered[_send(session, url, sent).headers.get(WORKER_HEADER, "")] += 1


def _latency(rows: Rows) -> dict[str, Any]:
    times = [seconds * 1000 for seconds, _, _ in rows]
    return {
        "requests": len(rows),
        "errors": sum(1 for _, error, _ in rows if error),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "payload_kb": round(max(size for _, _, size in rows) / 1024, 1),
    }


def _client(url: str, bodies: list[dict[str, Any]], rows: Rows) -> None:
    with requests.Session() as session:  # one keep-alive connection, as a browser has
        for body in bodies:
            start = time.perf_counter()
            response = _send(session, url, body)
            rows.append((time.perf_counter() - start, failed(response), len(response.content)))


def one_client(url: str, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """p50/p95 of the requests sent one after another."""
    rows: Rows = []
    _client(url, bodies, rows)
    return _latency(rows)


def clients(url: str, per_client: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """p50/p95 and requests per second of the clients sending at once, one thread each."""
    rows: Rows = []
    threads = [threading.Thread(target=_client, args=(url, b, rows)) for b in per_client]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {**_latency(rows), "requests_per_s": round(len(rows) / wall, 1)}


def measure(
    url: str, bodies: dict[str, dict[str, Any]], searches: Iterator[str], n: int, per_client: int
) -> dict[str, dict[str, Any]]:
    """Per callback: cached (the default view, again and again) and uncached (each request
    the next of `searches`), from one client (`n` requests) and from CLIENTS clients
    (`per_client` each). Every cached phase runs first: the uncached ones fill the cache's
    LRU and would evict the default views."""
    out: dict[str, dict[str, Any]] = {name: {} for name in bodies}
    for name, body in bodies.items():
        out[name]["cached"] = one_client(url, [body] * n)
        out[name]["cached_clients"] = clients(url, [[body] * per_client] * CLIENTS)
    for name, body in bodies.items():
        fresh = [with_search(body, next(searches), name) for _ in range(n + CLIENTS * per_client)]
        out[name]["uncached"] = one_client(url, fresh[:n])
        out[name]["uncached_clients"] = clients(
            url, [fresh[n + k * per_client : n + (k + 1) * per_client] for k in range(CLIENTS)]
        )
    return out


def _print(name: str, figures: dict[str, Any]) -> None:
    one, cached = figures["uncached"], figures["cached"]
    print_row(
        f"{name} 1 client p50/p95",
        f"{one['p50_ms']}/{one['p95_ms']} ms",
        f"{cached['p50_ms']}/{cached['p95_ms']} ms",
        one["p95_ms"] / cached["p95_ms"],
        f"p95 <= {TARGET_P95_MS} ms, {one['payload_kb']} KB",
    )
    many, cached = figures["uncached_clients"], figures["cached_clients"]
    print_row(
        f"{name} 8 clients req/s, p95",
        f"{many['requests_per_s']}/s {many['p95_ms']} ms",
        f"{cached['requests_per_s']}/s {cached['p95_ms']} ms",
        many["requests_per_s"] / cached["requests_per_s"],
        "none (ratio of req/s)",
    )


def _worst(callbacks: dict[str, dict[str, Any]], phase: str, key: str) -> float:
    values = [figures[phase][key] for figures in callbacks.values()]
    return float(min(values) if key == "requests_per_s" else max(values))


def summary(callbacks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The worst callback's figures (slowest p95, lowest throughput), each next to the worst
    cached one and their ratio."""
    figures: dict[str, Any] = {"callbacks": callbacks}
    for key, value, phase in (
        ("p50_ms", "p50_ms", "uncached"),
        ("p95_ms", "p95_ms", "uncached"),
        ("clients_p95_ms", "p95_ms", "uncached_clients"),
        ("clients_rps", "requests_per_s", "uncached_clients"),
    ):
        mine = _worst(callbacks, phase, value)
        cached = _worst(callbacks, phase.removeprefix("un"), value)
        figures[key], figures[f"cached_{key}"] = mine, cached
        figures[f"{key.removesuffix('_ms')}_vs_cached_ratio"] = round(mine / cached, 2)
    figures["target_met"] = figures["p95_ms"] <= TARGET_P95_MS
    return figures


def run(db: Path, requests_per_callback: int, mode: str) -> dict[str, Any]:
    """The uncached section on the database at `db`, recorded as `dashboard_uncached` of
    `mode`."""
    per_client = max(2, requests_per_callback // 5)
    choices = read_choices(db)
    with running(db) as (url, pid):
        bodies = url_callbacks(url)
        measured = len(bodies) * (requests_per_callback + CLIENTS * per_client)
        searches = filter_combinations(db, measured + len(bodies) * WARM_CAP)
        print(
            f"(uncached: {measured:,} filter combinations of {choices.initiatives:,} "
            f"initiatives and {len(choices.months)} months; reference: the default view, cached)"
        )
        count = len(workers(pid))
        warm(url, bodies, count, iter(searches[measured:]))
        warm(url, bodies, count, None)  # after: the default views stay in the cache
        callbacks = measure(
            url, bodies, iter(searches[:measured]), requests_per_callback, per_client
        )
    for name, figures in callbacks.items():
        _print(name, figures)
    errors = sum(p["errors"] for f in callbacks.values() for p in f.values())
    if errors:  # the dashboard's error notice is fast: its latency would pass for a view's
        raise RuntimeError(f"{errors} requests failed; nothing recorded")
    figures = {
        **summary(callbacks),
        "errors": errors,
        "initiatives": choices.initiatives,
        "months": len(choices.months),
        "combinations": measured,
        "requests_per_callback": requests_per_callback,
        "requests_per_client": per_client,
    }
    record("dashboard_uncached", mode, figures)
    return figures
