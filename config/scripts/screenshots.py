"""`make screenshots`: the documentation's pictures (docs/img/), taken on purpose from the demo `make run`
serves, never by a test run. Debian's chromium through Playwright; the external base-map tiles are blocked,
so the pictures look the same on every machine and show what the site draws itself.

    python config/scripts/screenshots.py http://127.0.0.1:8000 docs/img
"""

import sys
from pathlib import Path

from playwright.sync_api import Page, Route, sync_playwright

CHROMIUM = "/usr/lib/chromium/chromium"
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
PROJECT = "/projects/karlsruhe-ebikes/"
# The demo accounts of fixtures/demo.py (docs/running.md lists them).
ACCOUNTS = {"moderator": "moderator-demo-2026", "planner": "planner-demo-2026"}


def _only_this_site(base: str):
    def route(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.abort()

    return route


def _sign_in(page: Page, base: str, account: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", ACCOUNTS[account])
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("networkidle")


def _map(page: Page, base: str) -> None:
    page.goto(f"{base}{PROJECT}")
    page.wait_for_selector("body[data-features-loaded]")


# A sharing station placed 40 m from a demo suggestion near the Schlossplatz: both compose hints, the similar
# suggestion and the bicycle parkings already there (docs/context-layers.md).
COMPOSE_AT = (49.0128, 8.4049)


def _compose(page: Page, base: str) -> None:
    _map(page, base)
    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name="Sharing-Station").check()
    page.evaluate("(at) => window.participationMap.setView(at, 17, {animate: false})", list(COMPOSE_AT))
    page.wait_for_timeout(300)
    x, y = page.evaluate(
        "(at) => { const p = window.participationMap.latLngToContainerPoint(at); return [p.x, p.y]; }",
        list(COMPOSE_AT),
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.locator("#facilities-nearby li").first.wait_for()
    page.locator("#duplicate-list li").first.wait_for()
    # The panel scrolls by itself: the two hints at its top, the page itself left where it is.
    page.evaluate(
        "() => { const body = document.getElementById('panel-body');"
        " const hints = document.getElementById('duplicates');"
        " body.scrollTop += hints.getBoundingClientRect().top - body.getBoundingClientRect().top - 8; }"
    )
    page.wait_for_timeout(300)


def take(base: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = [
        # name, context, account or None, page path, the map (None) or the compose flow, full page
        ("map", DESKTOP, None, None, False),
        ("map-phone", PHONE, None, None, False),
        ("compose-facilities", DESKTOP, None, "compose", False),
        ("moderation-queue", DESKTOP, "moderator", f"{PROJECT}moderation/", True),
        ("moderation-queue-phone", PHONE, "moderator", f"{PROJECT}moderation/", False),
        ("dashboard", DESKTOP, "planner", f"{PROJECT}dashboard/", True),
        ("dashboard-phone", PHONE, "planner", f"{PROJECT}dashboard/", True),
    ]
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        for name, options, account, path, full_page in shots:
            context = browser.new_context(locale="de-DE", **options)
            context.route("**/*", _only_this_site(base))
            page = context.new_page()
            if account:
                _sign_in(page, base, account)
            if path is None:
                _map(page, base)
            elif path == "compose":
                _compose(page, base)
            else:
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=full_page)
            written.append(target)
            context.close()
        browser.close()
    return written


if __name__ == "__main__":
    base_url, folder = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    for shot in take(base_url, folder):
        print(shot)
