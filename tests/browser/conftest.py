"""Browser tests: Debian's chromium driven by Playwright (never a downloaded browser), against live_server."""

import os

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.factories import CategoryFactory

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses that unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts, each like a person's own phone or computer, all closed after the test.
    `new_page(**options)` takes Playwright's context options (viewport, locale, has_touch, …); the page keeps
    the script errors it meets in `page.js_errors`."""
    contexts = []

    def make(**options) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A German desktop page that also counts errors written to the console as script errors."""
    page = new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page.on("console", lambda msg: page.js_errors.append(msg.text) if msg.type == "error" else None)
    return page


@pytest.fixture
def categories(project):
    """A point and a line category with their labels in both languages, as the browser tests read them."""
    return {
        "point": CategoryFactory(
            project=project, key="charging-station", label_de="Ladestation", label_en="Charging station"
        ),
        "line": CategoryFactory(
            project=project,
            key="bike-path",
            geometry_kind="line",
            colour="#c2410c",
            label_de="Radweg",
            label_en="Bike path",
        ),
    }
