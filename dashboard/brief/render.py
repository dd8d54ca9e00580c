"""Prints the brief's HTML to PDF (one A4 landscape page) or PNG (1600 x 1200) in headless
Chromium, driven by Playwright. Every request the page makes is refused: the page holds
all it needs, and rendering never reaches the network."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dashboard.brief.page import PDF, PNG, Size

if TYPE_CHECKING:
    from playwright.sync_api import Browser

Kind = Literal["pdf", "png"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install Debian's chromium (`apt-get install chromium`, or `make browser`), or name "
    "another Chromium with SCALEBOARD_CHROMIUM"
)
READY_TIMEOUT_MS = 60_000


class RenderError(Exception):
    """The brief cannot be rendered (no Chromium, or it failed); the message says why."""


def kind_of(path: Path) -> Kind:
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise RenderError(f"{path} must end in .pdf or .png (the brief's two formats)")
    return "pdf" if suffix == ".pdf" else "png"


def size_of(kind: Kind) -> Size:
    return PDF if kind == "pdf" else PNG


def find_chromium(configured: Path | None = None) -> str:
    """The Chromium to drive: `configured` (SCALEBOARD_CHROMIUM), else `chromium` on PATH."""
    if configured is not None:
        if not configured.is_file():
            raise RenderError(f"SCALEBOARD_CHROMIUM names {configured}, which does not exist")
        return str(configured)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RenderError(
            f"rendering the brief needs Chromium, which is not installed: {INSTALL_HINT}"
        )
    return found


class Renderer:
    """One Chromium for any number of briefs (`with Renderer.launch() as r: r.render(...)`)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    @classmethod
    @contextlib.contextmanager
    def launch(cls, chromium: Path | None = None) -> Iterator[Renderer]:
        executable = find_chromium(chromium)
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:  # a broken install: playwright is a dependency
            raise RenderError("the playwright package is missing: reinstall Scaleboard") from None
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            except Error as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no reason given"
                raise RenderError(f"Chromium ({executable}) did not start: {first}") from None
            try:
                yield cls(browser)
            finally:
                browser.close()

    def render(self, html: str, kind: Kind) -> bytes:
        """The page printed: PDF bytes or PNG bytes."""
        from playwright.sync_api import Error

        size = size_of(kind)
        context = self.browser.new_context(
            viewport={"width": size.width, "height": size.height}, device_scale_factor=1
        )
        try:
            page = context.new_page()
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="load")
            page.wait_for_function("document.body.dataset.ready", timeout=READY_TIMEOUT_MS)
            state = page.evaluate("document.body.dataset.ready")
            if state != "1":
                raise RenderError(f"the brief's charts failed to draw ({state})")
            if kind == "png":
                return page.screenshot(type="png", full_page=False)
            return page.pdf(  # A4 in mm: Playwright's "A4" (8.27 x 11.7 in) prints 1 pt too wide
                width="297mm",
                height="210mm",
                print_background=True,
                scale=size.print_scale,
                margin={"top": "8mm", "bottom": "8mm", "left": "8mm", "right": "8mm"},
                page_ranges="1",
            )
        except Error as exc:
            raise RenderError(f"Chromium failed to render the brief: {exc}") from None
        finally:
            context.close()
