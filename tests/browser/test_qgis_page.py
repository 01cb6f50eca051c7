"""The "Use in QGIS" page in a browser: a moderator makes a token with the keyboard only, a planner replaces
theirs by tapping on a phone; the token shown works for the staff layer; axe finds nothing serious, no
control is too small to tap, and nothing is wider than the phone."""

import base64
import os
import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets
from tests.factories import SuggestionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
# Where the session's pictures go besides test-artifacts/ (the lead's review folder), if it exists.
SHOTS = Path(os.environ.get("QGIS_PAGE_SHOTS", "/work/shots/s25/h25-staff"))


def shot(page, name: str) -> None:
    screenshot(page, name)
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def staff_items_status(live_server, username: str, token: str) -> int:
    credentials = base64.b64encode(f"{username}:{token}".encode()).decode()
    client = Client(HTTP_AUTHORIZATION=f"Basic {credentials}")
    return client.get("/ogcapi/collections/test-project-points-staff/items").status_code


@pytest.fixture
def staff(project, categories):
    SuggestionFactory(category=categories["point"], title="Wartet auf Prüfung", moderation_state="pending")
    return {
        "moderator": UserFactory(username="mona", moderator_of=project),
        "planner": UserFactory(username="paula", planner_of=project),
    }


def test_a_moderator_makes_a_token_with_the_keyboard_only(live_server, new_page, staff):
    page = new_page(locale="en-GB", **DESKTOP)
    sign_in(page, live_server, staff["moderator"])
    page.goto(f"{live_server.url}/projects/test-project/planning/qgis/")
    expect(page.locator("#qgis-title")).to_have_text("Use in QGIS")
    shot(page, "qgis-page-desktop")

    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "token-button":
            break
    else:  # pragma: no cover
        pytest.fail("the token button is not reachable with Tab")
    page.keyboard.press("Enter")

    expect(page.locator("#token-shown")).to_be_visible()
    token = page.locator("#api-token").inner_text()
    assert re.fullmatch(r"[0-9a-f]{40}", token)
    assert staff_items_status(live_server, "mona", token) == 200
    assert serious_violations(page) == []
    shot(page, "qgis-page-token-desktop")
    assert page.js_errors == []


def test_a_planner_replaces_the_token_on_a_phone_in_german(live_server, new_page, staff):
    page = new_page(locale="de-DE", **PHONE)
    sign_in(page, live_server, staff["planner"])
    page.goto(f"{live_server.url}/projects/test-project/planning/qgis/")
    with page.expect_navigation():
        page.get_by_role("button", name="Mein Token erstellen").tap()
    first = page.locator("#api-token").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Mein Token ersetzen").tap()
    second = page.locator("#api-token").inner_text()

    assert first != second
    assert staff_items_status(live_server, "paula", first) == 401
    assert staff_items_status(live_server, "paula", second) == 200
    assert serious_violations(page) == []
    assert small_targets(page) == []
    # Nothing wider than the phone: the long address and token wrap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "qgis-page-token-phone")
    page.goto(f"{live_server.url}/projects/test-project/planning/qgis/")
    expect(page.locator("#token-state")).to_contain_text("seit")
    shot(page, "qgis-page-phone")
