"""Real-browser tests: headless Chromium (Playwright) against a real `scaleboard serve`
subprocess on a free localhost port, over the committed sample loaded once per session."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect, sync_playwright

from bench.browser import CHROMIUM
from dashboard.brief.render import CHROMIUM_ARGS
from dashboard.kpis import KPIS
from tests.conftest import ROOT, SAMPLE, metrics_json, run_cli

SCREENSHOTS = Path(__file__).parent / "screenshots"
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)  # assertions wait as long as actions on a busy machine


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[str], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"scaleboard serve exited with {process.returncode}")
        # refused, reset or timed out while it starts: try again
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=10) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout_s} s")


@contextlib.contextmanager
def serving(db: Path, *extra: str, env: Mapping[str, str | None] | None = None) -> Iterator[str]:
    """`scaleboard serve --db db` on a free port (with `env` added to the environment, a
    None value removing that variable); yields its base URL, stops it after."""
    port = free_port()
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    log = db.with_name(db.name + ".serve.log").open("w", encoding="utf-8")  # read it on failure
    process = subprocess.Popen(
        [sys.executable, "-m", "scaleboard", "serve", "--db", str(db), "--port", str(port), *extra],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/", process)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def load_sample(db: Path) -> Path:
    result = run_cli("load", "--db", db, SAMPLE)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_sample(tmp_path_factory.mktemp("e2e") / "sample.duckdb")


def server_errors(db: Path) -> list[str]:
    """The tracebacks `serving(db)` logged (a callback error, a 500, a worker crash)."""
    text = db.with_name(db.name + ".serve.log").read_text(encoding="utf-8")
    return [part for part in text.split("Traceback")[1:]]


@pytest.fixture(scope="session")
def server(e2e_db: Path) -> Iterator[str]:
    with serving(e2e_db) as url:
        yield url
    assert server_errors(e2e_db) == []


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Console:
    """Browser console errors and uncaught page errors seen during a test."""

    errors: list[str] = field(default_factory=list)

    def on_message(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"page error: {error}")


@pytest.fixture
def console() -> Console:
    return Console()


RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
"""Runs first in every document of a test's page: what the Content-Security-Policy blocked."""


def csp_violations(page: Page) -> list[str]:
    """What the page's Content-Security-Policy blocked so far (`script-src-elem inline`...)."""
    return list(page.evaluate("window.__cspViolations"))


@pytest.fixture
def page(browser: Browser, console: Console, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page (1440x900) that records CSP violations (`csp_violations`); its
    screenshot is saved as screenshots/<test>.png."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    opened.on("console", console.on_message)
    opened.on("pageerror", console.on_page_error)
    yield opened
    SCREENSHOTS.mkdir(exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    with contextlib.suppress(Exception):  # a screenshot never hides the test's own outcome
        opened.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()


def settle(page: Page) -> None:
    """Waits until Dash has no update in flight and the page is idle."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(  # Dash shows ._dash-loading-callback while callbacks run
        "() => document.querySelector('#app-page') !== null"
        " && document.querySelector('._dash-loading-callback') === null"
    )
    page.wait_for_load_state("networkidle")


def click_plot_point(page: Page, graph_id: str, point: Locator) -> None:
    """Clicks a point of a plotly figure as a user does: plotly turns a click into a
    `plotly_click` only from the hover data its throttled mousemove computed, so the pointer
    rests on the point until the hover label is drawn, then clicks (the drag layer above
    takes the click, hence `force`)."""
    point.hover(force=True)
    expect(page.locator(f"#{graph_id} .hoverlayer .hovertext").first).to_be_visible()
    point.click(force=True)


def expected_kpis(db: Path, *options: str) -> dict[str, str]:
    """The KPI texts `scaleboard metrics --json` gives for these options, formatted."""
    metrics = metrics_json(db, *options)
    return {k.element_id: k.metric.format(metrics[k.key], metrics["currency"]) for k in KPIS}


def shown_kpis(page: Page) -> dict[str, str]:
    for kpi in KPIS:
        page.wait_for_selector(f"#{kpi.element_id}")
    return {k.element_id: page.inner_text(f"#{k.element_id}").strip() for k in KPIS}


def assert_kpis(page: Page, expected: dict[str, str]) -> None:
    """Each KPI card shows exactly its expected text (waiting for updates in flight)."""
    for element_id, text in expected.items():
        expect(page.locator(f"#{element_id}")).to_have_text(text)
    assert shown_kpis(page) == expected
