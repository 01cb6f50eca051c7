"""The map page scenario of `make bench`: `/projects/<slug>/` in Debian's headless chromium, from navigation
start to the first answer of /map/ drawn (the User Timing mark `map:first-features` that frontend/src/map.js
sets once Leaflet has painted it), for the 1.1 M project against the 60-suggestion demo.

Each load is a fresh browser context (empty cache, no cookies), the two projects alternate so that drift
hits both alike, and the median of several loads counts. Only requests to the bench server are allowed:
base-map tiles are external (and unreachable here), so they are refused at once rather than waited for, and
nothing waits for the page's load event.
"""

import os
import statistics
import time
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Route, sync_playwright

from benchmarks.core import BenchContext, ResultRow

MARK = "map:first-features"
# Loads per project: single loads spread by +-20 % (400-620 ms); the median of 7 moved the ratio by 0.3.
RUNS = {"full": 15, "smoke": 2}
TIMEOUT_SECONDS = 30.0
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Both read through page.evaluate (CDP), which the page's CSP does not govern.
READ_MARK = f"() => performance.getEntriesByName('{MARK}').map((entry) => entry.startTime)"
READ_MAP_BYTES = (
    "() => performance.getEntriesByType('resource')"
    ".filter((entry) => new URL(entry.name).pathname.endsWith('/map/'))"
    ".map((entry) => entry.encodedBodySize)"
)


def run(ctx: BenchContext) -> list[ResultRow]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return [page_row(ctx, browser)]
        finally:
            browser.close()


def page_row(ctx: BenchContext, browser: Browser) -> ResultRow:
    big, demo = ctx.project_slug, ctx.demo_project_slug
    # One untimed load of each first: the server's first request per worker and chromium's start-up.
    for slug in (big, demo):
        load(ctx, browser, slug)
    times: dict[str, list[float]] = {big: [], demo: []}
    map_bytes: dict[str, int] = {}
    failures: list[str] = []
    for _run in range(RUNS[ctx.scale]):
        for slug in (big, demo):
            drawn, size, problem = load(ctx, browser, slug)
            if drawn is None:
                failures.append(f"{slug}: {problem}")
            else:
                times[slug].append(drawn)
                map_bytes[slug] = size
    ours = statistics.median(times[big]) if times[big] else None
    anchor = statistics.median(times[demo]) if times[demo] else None
    ratio = ours / anchor if ours is not None and anchor else None
    notes = (
        f"median of {len(times[big])}/{len(times[demo])} loads, fresh context each; all loads (ms): "
        f"{big} {[round(t) for t in times[big]]}, {demo} {[round(t) for t in times[demo]]}; "
        f"first /map/ answer {map_bytes.get(big, 0):,} B vs {map_bytes.get(demo, 0):,} B"
    )
    if failures:
        notes += f"; no mark within {TIMEOUT_SECONDS:.0f} s: {'; '.join(failures)}"
    return ResultRow(
        scenario="map page in headless chromium",
        metric="navigation -> first features drawn, median ms",
        ours=round(ours, 1) if ours is not None else None,
        anchors={"60-suggestion demo": round(anchor, 1)} if anchor is not None else {},
        ratio=round(ratio, 2) if ratio is not None else None,
        bytes=map_bytes.get(big),
        target="<= 1.2 x the demo's time",
        passed=ratio is not None and ratio <= 1.2 and not failures,
        notes=notes,
    )


def load(ctx: BenchContext, browser: Browser, slug: str) -> tuple[float | None, int, str]:
    """One cold load of the map page: milliseconds from navigation start to the mark, the encoded size of
    the first /map/ answer, and what went wrong if there is no mark."""
    server = urlsplit(ctx.base_url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    try:
        page = context.new_page()
        page.route("**/*", lambda route: _only_bench_server(route, server))
        page.goto(f"{ctx.base_url}/projects/{slug}/", wait_until="commit")
        marks = _wait_for_mark(page)
        if not marks:
            return None, 0, "map:first-features never set"
        sizes = page.evaluate(READ_MAP_BYTES)
        return marks[0], sizes[0] if sizes else 0, ""
    finally:
        context.close()


def _only_bench_server(route: Route, server: str) -> None:
    if urlsplit(route.request.url).netloc == server:
        route.continue_()
    else:
        route.abort()  # base-map tiles and anything else external: refused, never waited for


def _wait_for_mark(page: Page) -> list[float]:
    """Polls from Python: the mark's own time stamp is what counts, so the polling interval does not."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        marks = page.evaluate(READ_MARK)
        if marks:
            return marks
        page.wait_for_timeout(25)
    return []
