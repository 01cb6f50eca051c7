"""The demo map (about 80 markers) with only a keyboard, with a screen reader's view, and on a phone's header.

Keys only, no clicks: the marker layer is one tab stop with the arrow keys inside it, a "skip the map" link
passes the whole map, the status filter's names are in the accessibility tree once, and the phone's header is
one compact row.
"""

import re
from itertools import pairwise

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from participation.models import PlanningStatus
from tests.browser.helpers import screenshot, sign_in, wait_for_map
from tests.factories import CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/karlsruhe-ebikes/"


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo", "--no-accounts")


def open_page(browser, live_server, **options):
    context = browser.new_context(locale="de-DE", **options)
    page = context.new_page()
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    page.wait_for_selector("body[data-list-loaded]")
    return page


def active(page, script: str = "el => el.outerHTML.slice(0, 100)"):
    return page.evaluate(f"() => ({script})(document.activeElement)")


def in_map(page) -> bool:
    return page.evaluate("() => document.getElementById('map').contains(document.activeElement)")


def tab_until(page, test: str, limit: int = 200) -> int:
    """Press Tab until `test` (a function of the focused element) holds; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({test})(document.activeElement)"):
            return presses
    raise AssertionError(f"not reached in {limit} presses; focus is on {active(page)}")


def test_marker_layer_is_one_tab_stop_and_the_arrow_keys_walk_it(live_server, browser, demo):
    page = open_page(browser, live_server, viewport={"width": 1366, "height": 768})
    markers = page.locator(".leaflet-marker-pane .suggestion-marker")
    drawn = markers.count()
    assert drawn > 60
    page.wait_for_selector("input[name=context-layer]")  # the layer control comes with the layers' list

    tab_until(page, "el => el.id === 'map'")
    presses = tab_until(page, "el => !document.getElementById('map').contains(el)")
    # After the map's own stop (its arrow keys pan): one marker, two zoom buttons, the layer control's button
    # and its switches (one per context layer), the credits' links (Leaflet, the base map's, the imprint and
    # the privacy statement).
    switches = page.locator("input[name=context-layer]").count()
    assert switches == 4  # the demo's context layers
    assert presses <= 8 + 1 + switches, f"{presses} Tab presses to get through the map"

    page.keyboard.press("Shift+Tab")
    while not page.evaluate("() => document.activeElement.matches('.suggestion-marker')"):
        page.keyboard.press("Shift+Tab")
    first = active(page, "el => el.getAttribute('aria-label')")
    page.keyboard.press("Home")
    assert active(page, "el => el.getAttribute('aria-label')") == first  # the northernmost is the way in

    # The arrow keys reach every marker once, north to south as the eye sees them, and stop at the last.
    seen = []
    while True:
        name, y = active(page, "el => [el.getAttribute('aria-label'), el.getBoundingClientRect().top]")
        if seen and seen[-1][0] == name:
            break
        seen.append((name, y))
        page.keyboard.press("ArrowDown")
    assert len(seen) == drawn
    assert len({name for name, _ in seen}) == drawn
    assert all(a[1] <= b[1] + 1 for a, b in pairwise(seen))
    assert page.evaluate("() => document.querySelectorAll('.suggestion-marker[tabindex=\"0\"]').length") == 1

    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    third_last = seen[-3][0]
    assert active(page, "el => el.getAttribute('aria-label')") == third_last
    page.keyboard.press("Enter")  # opens it, as a click does
    expect(page.locator(".leaflet-popup .popup-title")).to_have_text(third_last.split(" – ")[0])
    expect(page.locator(".leaflet-popup .popup-title")).to_be_focused()
    page.keyboard.press("Escape")
    assert active(page, "el => el.getAttribute('aria-label')") == third_last
    expect(page.locator(".leaflet-popup")).to_have_count(0)  # Leaflet fades it out first

    # Leaving and coming back lands on the marker last used.
    page.keyboard.press("Tab")
    assert active(page, "el => el.getAttribute('aria-label')") == "Vergrößern", active(page)
    page.keyboard.press("Shift+Tab")
    assert active(page, "el => el.getAttribute('aria-label')") == third_last
    page.context.close()


@pytest.mark.parametrize(
    "options",
    [
        {"viewport": {"width": 1366, "height": 768}},
        {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    ],
    ids=["desktop", "phone"],
)
def test_skip_the_map_link_passes_the_whole_map(live_server, browser, demo, options):
    page = open_page(browser, live_server, **options)
    skip = page.get_by_role("link", name="Karte überspringen", exact=True)

    tab_until(page, "el => el.textContent.trim() === 'Karte überspringen'")
    expect(skip).to_be_focused()
    box, area = skip.bounding_box(), page.locator("#map").bounding_box()
    assert area["x"] <= box["x"]  # shown over the map
    assert box["x"] + box["width"] <= area["x"] + area["width"]
    assert area["y"] <= box["y"] < area["y"] + area["height"]

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert not in_map(page), f"focus went into the map: {active(page)}"
    assert active(page, "el => el.textContent.trim()") != "Karte überspringen"
    page.context.close()


def test_status_filter_names_are_read_once(live_server, browser, demo):
    page = open_page(browser, live_server, viewport={"width": 1366, "height": 768})
    filters = page.locator("#filters")

    tree = filters.aria_snapshot()
    status = filters.get_by_role("combobox", name="Stand", exact=True)
    expect(status).to_have_count(1)
    names = status.locator("option").all_inner_texts()[1:]  # after "Alle"
    assert len(names) == len(PlanningStatus.values)
    for name in names:
        assert len(re.findall(rf"\b{re.escape(name)}\b", tree)) == 1, tree
        expect(status.get_by_role("option", name=name, exact=True)).to_have_count(1)
    # The key to the map's signs is still there for the eye.
    expect(page.locator("#status-legend li")).to_have_count(len(PlanningStatus.values))
    expect(page.locator("#status-legend")).to_be_visible()
    page.context.close()


def _header_controls(page) -> list[dict]:
    """The header's visible links and buttons with their boxes (a closed menu's links are laid out but not
    shown: checkVisibility() tells them apart)."""
    return page.locator(".site-header a, .site-header button, .site-header summary").evaluate_all(
        "els => els.filter((el) => el.checkVisibility()).map((el) => { const r = el.getBoundingClientRect();"
        " return {x: r.x, y: r.y, w: r.width, h: r.height, name: el.textContent.trim()}; })"
    )


def _assert_one_compact_row(page) -> list[dict]:
    height = page.locator(".site-header").bounding_box()["height"]
    assert height <= 56, f"the header is {height} px high"
    # One row: every control in it is on the same line, inside the screen, at least 44 px for a finger.
    boxes = _header_controls(page)
    assert {round(b["y"]) for b in boxes} == {round(boxes[0]["y"])}, boxes
    assert all(b["x"] >= 0 and b["x"] + b["w"] <= 390 and b["h"] >= 44 for b in boxes), boxes
    # The project's name gives way with an ellipsis, and is whole in the sheet's heading and the page title.
    title = page.locator(".site-header .site-name")
    assert title.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"
    assert title.evaluate("el => el.getBoundingClientRect().width") >= 100
    expect(page.locator("#panel-title")).to_have_text("eBikes & Energie Karlsruhe")
    return boxes


def test_phone_header_is_one_compact_row(live_server, browser, demo):
    page = open_page(
        browser, live_server, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    screenshot(page, "map-phone", full_page=False)  # the demo map as a phone shows it on arrival
    boxes = _assert_one_compact_row(page)
    assert {b["name"] for b in boxes} >= {"Anmelden", "Registrieren", "EN"}
    page.context.close()


def test_phone_header_stays_one_row_signed_in_and_its_menu_works_by_keyboard(live_server, browser, demo):
    """Signed in, the account's links (account, own suggestions, sign out) sit in one menu: the header took
    three rows (156 px) once "My suggestions" joined them."""
    context = browser.new_context(
        locale="de-DE", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    user = CitizenFactory(username="clara", profile__display_name="Clara Demo")
    sign_in(page, live_server, user)
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    page.wait_for_selector("body[data-list-loaded]")

    _assert_one_compact_row(page)
    menu_links = page.locator(".site-header").get_by_role("link", name="Meine Vorschläge")
    expect(menu_links).to_be_hidden()

    # Keyboard only: Tab to the menu, open it, the links are there and lead on.
    tab_until(page, "el => el.matches('.site-header summary')")
    page.keyboard.press("Enter")
    expect(menu_links).to_be_visible()
    expect(page.locator(".site-header").get_by_role("link", name="Mein Konto")).to_be_visible()
    expect(page.locator(".site-header").get_by_role("button", name="Abmelden")).to_be_visible()
    # The open menu lies over the page, inside the screen, and leaves the header one row.
    menu = page.locator(".account-menu-list").bounding_box()
    assert menu["x"] >= 0, menu
    assert menu["x"] + menu["width"] <= 390, menu
    assert page.locator(".site-header").bounding_box()["height"] <= 56
    tab_until(page, "el => el.textContent.trim() === 'Meine Vorschläge'", limit=5)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Vorschläge")
    context.close()


@pytest.mark.parametrize(
    "options",
    [
        {"viewport": {"width": 1366, "height": 768}},
        {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    ],
    ids=["desktop", "phone"],
)
def test_imprint_and_privacy_are_in_view_on_the_map_page(live_server, browser, demo, options, settings):
    """The map page's footer is at the end of the long list (y = 4,400 px on a desktop, 5,900 on a phone); a
    German site's imprint must be directly reachable: it stands in the map's credits, in view at any size."""
    # With a base map its credit comes along (tiles from a closed local port: nothing leaves the machine).
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    page = open_page(browser, live_server, **options)

    for name, path in (("Impressum", "/legal/imprint/"), ("Datenschutz", "/legal/privacy/")):
        link = page.locator(".leaflet-control-attribution").get_by_role("link", name=name)
        expect(link).to_be_in_viewport(ratio=1)
        assert link.get_attribute("href") == path
    # The longer credits wrap beside the zoom buttons, never over them.
    credits = page.locator(".leaflet-control-attribution").bounding_box()
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    apart = (
        zoom["x"] + zoom["width"] <= credits["x"]
        or zoom["y"] >= credits["y"] + credits["height"]
        or credits["y"] >= zoom["y"] + zoom["height"]  # on a desktop the credits stand at the map's foot
    )
    assert apart, (zoom, credits)
    page.locator(".leaflet-control-attribution").get_by_role("link", name="Impressum").click()
    expect(page).to_have_url(re.compile(r"/legal/imprint/$"))
    page.context.close()
