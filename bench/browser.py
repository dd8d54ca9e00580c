"""First render of each page in headless Chromium: from navigation to the page's main
content drawn, next to a static file served by the same server (the browser's floor)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import median, print_row, record
from bench.server import running
from dashboard.brief.render import CHROMIUM_ARGS

CHROMIUM = "/usr/bin/chromium"
"""Debian's chromium (`make browser` installs it); the e2e tests launch the same one."""
PAGES = {
    "portfolio": ("/", "#kpi-adoption-rate:not(:empty)"),
    "roadmap": ("/roadmap", "#roadmap-table .ag-row"),
    "data": ("/data", "#data-load-history .ag-row"),
}


def _render(page: Any, url: str, selector: str | None) -> float:
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    if selector:
        page.wait_for_selector(selector, state="visible", timeout=60_000)
    else:
        page.wait_for_load_state("load")
    return time.perf_counter() - start


def run(db: Path, initiative: str, repeat: int, mode: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    pages = {**PAGES, "initiative": (f"/initiatives/{initiative}", "#initiative-kpi-roi")}
    with running(db) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        _render(page, url + "/", PAGES["portfolio"][1])  # the first visit fills the caches
        blank = median(
            [_render(page, url + "/assets/BOOTSTRAP-LICENSE.txt", None) for _ in range(repeat)]
        )
        renders = {
            name: round(median([_render(page, url + path, sel) for _ in range(repeat)]), 3)
            for name, (path, sel) in pages.items()
        }
        browser.close()
    slowest = max(renders.values())
    for name, seconds in renders.items():
        print_row(
            f"first render of {name}",
            f"{seconds:.2f} s",
            f"{blank:.2f} s",
            seconds / blank,
            "<= 2 s",
        )
    figures = {
        "renders_s": renders,
        "slowest_render_s": slowest,
        "blank_page_s": round(blank, 3),
        "render_vs_blank_ratio": round(slowest / blank, 2),
    }
    record("browser", mode, figures)
    return figures
