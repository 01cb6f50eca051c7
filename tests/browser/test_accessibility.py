"""Everyone can take part: the map with only a keyboard, with a screen reader, and on a phone.

Keyboard tests press keys only (no clicks); phone tests run at 390x844 with touch and tap. axe-core checks
each page on both sizes where a test already has it open, and fails on serious and critical findings: the
map, with a popup and with the form here (the form with a place chosen also in test_anonymous_flows.py); the
OGC API's HTML pages in their own test; the sign-in and sign-up pages in test_account_pages.py, a
suggestion's page there and in test_citizen_flows.py.
"""

import pytest
from django.contrib.gis.geos import LineString, Point
from playwright.sync_api import expect

from participation.models import Suggestion
from tests.browser.helpers import (
    centre_map,
    map_point,
    screenshot,
    serious_violations,
    sign_in,
    small_targets,
    tab_to,
    wait_for_map,
    wait_for_reload,
)
from tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def suggestions(categories):
    """Three points from north to south and a line, all in the first view of the map."""
    return {
        "north": SuggestionFactory(
            category=categories["point"], geom=Point(8.395, 49.004, srid=4326), title="Lader Nord"
        ),
        "middle": SuggestionFactory(
            category=categories["point"], geom=Point(8.405, 49.000, srid=4326), title="Lader Mitte"
        ),
        "south": SuggestionFactory(
            category=categories["point"], geom=Point(8.400, 48.996, srid=4326), title="Lader Süd"
        ),
        "line": SuggestionFactory(
            category=categories["line"],
            geom=LineString((8.392, 49.002), (8.398, 49.002), srid=4326),
            title="Radweg Quer",
        ),
    }


# English, so these tests do not depend on the German catalogue (the other browser tests read German).
@pytest.fixture
def desk(new_page):
    return new_page(locale="en-GB", **DESKTOP)


@pytest.fixture
def phone(new_page):
    return new_page(locale="en-GB", **PHONE)


def no_serious_findings(found: dict[str, list[str]]) -> None:
    """Every page's axe findings at once, so one failure names all pages with findings."""
    assert found == {name: [] for name in found}


def popup_shown(page) -> None:
    """The popup has faded in (axe would measure a half-transparent popup's contrast)."""
    expect(page.locator(".leaflet-popup")).to_be_visible()
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")


def open_map(page, live_server, zoom=15):
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, 8.40, 49.00, zoom)
    page.wait_for_function("() => document.body.dataset.mapMode === 'features'")
    wait_for_map(page)
    page.wait_for_selector("body[data-list-loaded]")


def focused(page, script: str = "el => el.outerHTML.slice(0, 120)"):
    return page.evaluate(f"() => {{ const el = document.activeElement; return ({script})(el); }}")


# ------------------------------------------------------------------------------------------ keyboard


def test_one_tab_stop_for_markers_arrows_go_north_to_south_enter_opens(live_server, desk, suggestions):
    page = desk
    open_map(page, live_server)

    # The markers are one tab stop; the arrow keys go from one to the next.
    tab_to(page, ".suggestion-marker")
    order = []
    while focused(page, "el => el.getAttribute('aria-label')") not in order:
        order.append(focused(page, "el => el.getAttribute('aria-label')"))
        page.keyboard.press("ArrowDown")
    assert order == [
        "Lader Nord – Charging station – Received",
        "Radweg Quer – Bike path – Received",
        "Lader Mitte – Charging station – Received",
        "Lader Süd – Charging station – Received",
    ]
    # The next stop after the markers is the map's zoom control; back again is the marker last used.
    page.keyboard.press("Tab")
    assert focused(page, "el => el.getAttribute('aria-label')") == "Zoom in"

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # on "Lader Süd"
    popup = page.locator(".leaflet-popup")
    expect(popup.locator(".popup-title")).to_have_text("Lader Süd")
    expect(popup.locator(".popup-title")).to_be_focused()
    expect(page.locator("#map-announcer")).to_have_text(
        "Selected: Lader Süd (Charging station), shown on the map."
    )
    expect(page.locator("#suggestion-list li.is-selected")).to_contain_text("Lader Süd")
    expect(page.locator("#suggestion-list [aria-current=true]")).to_have_text("Lader Süd")
    screenshot(page, "a11y-popup-keyboard-desktop-en")

    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    assert focused(page, "el => el.getAttribute('aria-label')") == "Lader Süd – Charging station – Received"
    expect(page.locator("#suggestion-list [aria-current]")).to_have_count(0)

    # A line is opened through its marker too (Space works like Enter); the popup's close button is a
    # named button in the tab order, and closing with it also returns the focus.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")
    expect(popup.locator(".popup-title")).to_have_text("Radweg Quer")
    expect(popup.get_by_role("button", name="Close")).to_be_visible()
    page.keyboard.press("Tab")  # the link to the suggestion's page
    page.keyboard.press("Tab")  # the close button
    page.keyboard.press("Enter")
    expect(popup).to_have_count(0)
    assert focused(page, "el => el.getAttribute('aria-label')") == "Radweg Quer – Bike path – Received"
    assert page.js_errors == []


def test_selecting_in_the_list_shows_it_on_the_map_and_announces_it(live_server, desk, citizen, suggestions):
    page = desk
    sign_in(page, live_server, citizen)
    open_map(page, live_server)
    found = {"map": serious_violations(page)}

    tab_to(page, "#suggestion-list button")
    while focused(page, "el => el.textContent") != "Lader Mitte":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator(".leaflet-popup .popup-title")).to_have_text("Lader Mitte")
    expect(page.locator("#map-announcer")).to_have_text(
        "Selected: Lader Mitte (Charging station), shown on the map."
    )
    expect(page.locator(".suggestion-marker.is-selected")).to_have_attribute(
        "aria-label", "Lader Mitte – Charging station – Received"
    )
    # The entry is marked, and the focus stays on it so the next one is one Tab away.
    expect(page.locator("#suggestion-list [aria-current=true]")).to_have_text("Lader Mitte")
    assert focused(page, "el => el.textContent") == "Lader Mitte"
    screenshot(page, "a11y-list-selected-desktop-en")
    popup_shown(page)
    found["map with a popup"] = serious_violations(page)

    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(page.locator(".suggestion-marker.is-selected")).to_have_count(0)
    assert focused(page, "el => el.textContent") == "Lader Mitte"
    assert page.js_errors == []
    no_serious_findings(found)


def start_with_keyboard(page, category_label: str) -> None:
    tab_to(page, "#compose-start")
    page.keyboard.press("Enter")
    expect(page.locator("#compose")).to_be_visible()
    # The first radio has focus; arrow keys move through the group (and choose), Space chooses.
    while focused(page, "el => el.closest('label').textContent.trim()") != category_label:
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.locator("#placement")).to_be_visible()


def send_with_keyboard(page, title: str) -> None:
    expect(page.locator("#compose-title")).to_be_focused()
    page.keyboard.type(title)
    tab_to(page, "#compose-send")
    page.keyboard.press("Enter")
    expect(page.locator("#compose-result")).to_be_visible()


def press_and_wait_for_map(page, key: str) -> None:
    wait_for_reload(page)
    page.keyboard.press(key)
    wait_for_map(page)


def test_placing_a_point_with_the_crosshair_and_arrow_keys(live_server, desk, citizen, categories):
    page = desk
    sign_in(page, live_server, citizen)
    open_map(page, live_server, zoom=16)

    start_with_keyboard(page, "Charging station")
    expect(page.locator(".crosshair")).to_be_visible()
    assert serious_violations(page) == [], "map with the form"
    tab_to(page, "#place-focus-map")
    page.keyboard.press("Enter")  # gives the map the focus
    assert focused(page, "el => el.id") == "map"
    expect(page.locator("#map-announcer")).to_contain_text("arrow keys")
    before = page.evaluate("() => window.participationMap.getCenter()")
    press_and_wait_for_map(page, "ArrowRight")
    press_and_wait_for_map(page, "ArrowUp")
    target = page.evaluate(
        "() => { const c = document.querySelector('.crosshair');"
        " const ll = window.participationMap.containerPointToLatLng("
        "[parseFloat(c.style.left), parseFloat(c.style.top)]); return [ll.lng, ll.lat]; }"
    )
    page.keyboard.press("Enter")

    expect(page.locator("#map-announcer")).to_contain_text("Placed at")
    send_with_keyboard(page, "Lader per Tastatur")
    suggestion = Suggestion.objects.get()
    assert target[0] > before["lng"]
    assert target[1] > before["lat"]
    assert suggestion.geom.distance(Point(*target, srid=4326)) < 0.00001
    assert page.js_errors == []


def test_placing_a_point_by_coordinates_with_clear_errors(live_server, desk, citizen, categories):
    page = desk
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    start_with_keyboard(page, "Charging station")
    tab_to(page, "#place-coords")
    field = page.locator("#place-coords")
    error = page.locator("#place-coords-error")
    page.keyboard.type("Karlsruhe")
    page.keyboard.press("Enter")
    expect(error).to_contain_text("latitude and longitude as two numbers")
    expect(field).to_have_attribute("aria-invalid", "true")

    for typed, message in [
        ("8.41, 49.01", "Did you swap the numbers?"),
        ("52.52, 13.40", "outside the project area"),
    ]:
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        expect(error).to_contain_text(message)
    assert not Suggestion.objects.exists()

    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("49,0094; 8,4044")  # decimal commas, as many Germans write them
    page.keyboard.press("Enter")
    send_with_keyboard(page, "Lader nach Koordinaten")
    suggestion = Suggestion.objects.get()
    assert suggestion.geom.distance(Point(8.4044, 49.0094, srid=4326)) < 0.000001
    assert page.js_errors == []


def test_drawing_a_line_with_the_keyboard(live_server, desk, citizen, categories):
    page = desk
    sign_in(page, live_server, citizen)
    open_map(page, live_server, zoom=16)

    start_with_keyboard(page, "Bike path")
    expect(page.locator("#place-finish")).to_be_disabled()
    tab_to(page, "#place-coords")
    for place in ("49.000, 8.398", "49.001, 8.400", "49.0015, 8.403"):
        page.keyboard.type(place)
        page.keyboard.press("Enter")
        expect(page.locator("#place-coords")).to_have_value("")
    expect(page.locator("#map-announcer")).to_have_text("Point 3 of the line added.")
    tab_to(page, "#place-finish", key="Shift+Tab")
    page.keyboard.press("Enter")
    send_with_keyboard(page, "Radweg per Tastatur")

    suggestion = Suggestion.objects.get()
    assert suggestion.geom.geom_type == "LineString"
    assert [tuple(round(c, 4) for c in xy) for xy in suggestion.geom.coords] == [
        (8.398, 49.0),
        (8.4, 49.001),
        (8.403, 49.0015),
    ]
    assert page.js_errors == []


# ------------------------------------------------------------------------------------------ phone


def test_phone_map_fills_the_screen_and_the_sheet_opens_and_closes(live_server, phone, citizen, suggestions):
    sign_in(phone, live_server, citizen)
    open_map(phone, live_server)
    assert serious_violations(phone) == [], "map"

    viewport = phone.viewport_size
    header = phone.locator(".site-header").bounding_box()
    box = phone.locator("#map").bounding_box()
    assert (box["x"], box["width"]) == (0, viewport["width"])
    assert box["y"] == pytest.approx(header["y"] + header["height"], abs=1)
    assert box["y"] + box["height"] == pytest.approx(viewport["height"], abs=1)
    assert phone.evaluate("() => document.scrollingElement.scrollHeight") <= viewport["height"]
    viewport_meta = phone.get_attribute("meta[name=viewport]", "content")
    assert "user-scalable" not in viewport_meta
    assert "maximum-scale" not in viewport_meta

    handle = phone.locator("#sheet-handle")
    expect(handle).to_have_accessible_name("Show list and form")
    expect(handle).to_have_attribute("aria-expanded", "false")
    sheet = phone.locator("#panel")
    assert sheet.bounding_box()["height"] < viewport["height"] / 4, (
        "collapsed, the sheet leaves the map in view"
    )
    assert small_targets(phone) == []
    screenshot(phone, "a11y-phone-map-en")

    handle.tap()
    expect(handle).to_have_attribute("aria-expanded", "true")
    expect(handle).to_have_accessible_name("Show the map")
    assert sheet.bounding_box()["height"] > viewport["height"] / 2
    # The sheet scrolls by itself, and nothing on it stops a page or pinch gesture.
    body = phone.locator("#panel-body")
    assert (
        body.evaluate("el => el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY") == "auto"
    )
    assert body.evaluate("el => getComputedStyle(el).touchAction") == "auto"
    assert small_targets(phone) == []

    phone.get_by_role("button", name="Make a suggestion").tap()
    expect(phone.locator("#compose-form")).to_be_visible()
    assert small_targets(phone) == []
    # (With a category chosen and a place tapped: test_anonymous_flows.py, on a phone.)
    assert serious_violations(phone) == [], "map with the form"
    screenshot(phone, "a11y-phone-form-en")

    handle.tap()
    expect(handle).to_have_attribute("aria-expanded", "false")
    assert phone.js_errors == []


def test_phone_selecting_on_the_map_and_in_the_list(live_server, phone, suggestions):
    open_map(phone, live_server)

    x, y = map_point(phone, 8.395, 49.004)
    phone.touchscreen.tap(x, y)
    popup = phone.locator(".leaflet-popup")
    expect(popup.locator(".popup-title")).to_have_text("Lader Nord")
    expect(phone.locator("#suggestion-list [aria-current=true]")).to_have_text("Lader Nord")
    assert small_targets(phone) == []
    screenshot(phone, "a11y-phone-popup-en")
    popup_shown(phone)
    assert serious_violations(phone) == [], "map with a popup"
    popup.get_by_role("button", name="Close").tap()
    expect(popup).to_have_count(0)

    phone.locator("#sheet-handle").tap()
    phone.get_by_role("button", name="Radweg Quer", exact=True).tap()
    # The sheet makes way for the map, where the line's popup is open and has the focus.
    expect(phone.locator("#panel")).to_have_attribute("data-sheet", "collapsed")
    expect(popup.locator(".popup-title")).to_have_text("Radweg Quer")
    expect(popup.locator(".popup-title")).to_be_focused()
    assert phone.js_errors == []


def test_phone_drawing_a_line_with_taps(live_server, phone, citizen, categories):
    sign_in(phone, live_server, citizen)
    open_map(phone, live_server, zoom=16)

    phone.locator("#sheet-handle").tap()
    phone.get_by_role("button", name="Make a suggestion").tap()
    phone.locator("#compose-form label.choice", has_text="Bike path").tap()
    sheet = phone.locator("#panel")
    expect(sheet).to_have_attribute("data-sheet", "drawing")
    sheet_top = sheet.bounding_box()["y"]
    crosshair = phone.locator(".crosshair").bounding_box()
    assert crosshair["y"] + crosshair["height"] < sheet_top, "the crosshair is above the sheet"
    assert small_targets(phone) == []

    map_box = phone.locator("#map").bounding_box()
    visible = sheet_top - map_box["y"]
    for fx, fy in [(0.3, 0.3), (0.5, 0.45), (0.7, 0.4)]:
        phone.touchscreen.tap(map_box["x"] + map_box["width"] * fx, map_box["y"] + visible * fy)
    expect(phone.locator("#place-finish")).to_be_enabled()
    screenshot(phone, "a11y-phone-drawing-en")
    # The line's points on the map are controls too: each has a name a screen reader says.
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Finish line").tap()
    expect(phone.locator("#compose-title")).to_be_visible()
    expect(sheet).to_have_attribute("data-sheet", "expanded")
    phone.locator("#compose-title").fill("Radweg per Finger")
    phone.get_by_role("button", name="Send suggestion").tap()
    expect(phone.locator("#compose-result")).to_be_visible()

    suggestion = Suggestion.objects.get()
    assert suggestion.geom.geom_type == "LineString"
    assert suggestion.geom.num_points == 3
    assert phone.js_errors == []


# ------------------------------------------------------------------------------------------ axe


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_finds_nothing_serious_on_the_ogc_api_pages(live_server, new_page, suggestions, size):
    """The OGC API's HTML pages (their wide tables scroll inside a focusable region on a phone); the other
    pages are checked in the tests that open them (see the module's docstring)."""
    page = new_page(locale="en-GB", **(PHONE if size == "phone" else DESKTOP))
    found = {}
    items = "/ogcapi/collections/test-project-points/items"
    for name, path in (
        ("ogcapi", "/ogcapi?f=html"),
        ("ogcapi collections", "/ogcapi/collections?f=html"),
        ("ogcapi items", f"{items}?f=html"),
        ("ogcapi item", f"{items}/{suggestions['middle'].pk}?f=html"),
    ):
        assert page.goto(live_server.url + path).status == 200, path
        found[name] = serious_violations(page)
    no_serious_findings(found)
