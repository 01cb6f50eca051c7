"""A bike path that follows the streets, as a citizen draws it: with a pointer (tap start and end, drag a
point, the line follows the street edges on the screen), with the keyboard alone ("along <street> from
<crossing street> to <crossing street>", the same line), and where the network does not reach (the page
says so and offers free drawing). The stored suggestion says it was routed and holds the routed line.
Screenshots go to test-artifacts/ and, when SHOTS_DIR is set, there too."""

import math
import re

import pytest
from playwright.sync_api import expect

from geo.network.routing import route_find
from participation.models import Suggestion
from tests.browser.helpers import centre_map, map_point, serious_violations, sign_in, wait_for_map
from tests.browser.street_grid import TOLERANCE, assert_follows_streets, drawn_path, off_network_m, shot
from tests.geo.network_builder import build_network, grid_position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
CENTRE = (8.403, 49.00225)


@pytest.fixture
def grid(project, categories):
    return build_network(project)


def open_compose(page, live_server, citizen, zoom=17):
    sign_in(page, live_server, citizen)
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, *CENTRE, zoom)
    page.wait_for_timeout(200)


def routed_streets(page) -> str:
    return page.locator("#route-status").text_content()


def test_with_a_pointer_tapping_start_and_end_draws_the_route_along_the_streets(
    live_server, new_page, citizen, grid
):
    page = new_page(locale="de-DE", **DESKTOP)
    open_compose(page, live_server, citizen)
    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name="Radweg").check()
    expect(page.get_by_role("radio", name="Entlang der Straßen")).to_be_checked()
    # While the path follows the streets, the map credits the network's data.
    credits = page.locator(".leaflet-control-attribution")
    expect(credits).to_contain_text("© OpenStreetMap contributors, ODbL")
    expect(page.locator("#route-credit")).to_have_text("Straßennetz: © OpenStreetMap contributors, ODbL")

    # Start a little beside Südstraße, end a little beside Kaiserstraße, three blocks east.
    start = (8.4010, 49.00005)
    end = (8.4050, 49.0014)
    page.mouse.click(*map_point(page, *start))
    expect(page.locator(".route-point--start")).to_have_count(1)
    page.mouse.click(*map_point(page, *end))
    expect(page.locator("#route-status")).to_contain_text("Weg entlang der Straßen")
    expect(page.locator("#route-status")).to_contain_text("Südstraße")
    expect(page.locator("#route-status")).to_contain_text("Kaiserstraße")

    path = drawn_path(page)
    assert_follows_streets(page, path)
    # It begins and ends on the streets, level with where the citizen tapped (not at a crossing), and the
    # markers moved there.
    assert math.dist(path[0], map_point(page, start[0], 49.0)) <= TOLERANCE
    assert math.dist(path[-1], map_point(page, end[0], 49.0015)) <= TOLERANCE
    for selector, at in ((".route-point--start", path[0]), (".route-point--end", path[-1])):
        marker = page.locator(selector).bounding_box()
        centre = (marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
        assert math.dist(centre, at) <= TOLERANCE + 1, (selector, centre, at)
    shot(page, "desktop-routed")

    # Dragging the end to Nordstraße routes again.
    b = page.locator(".route-point--end").bounding_box()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    page.mouse.down()
    target = map_point(page, 8.4050, 49.0044)
    page.mouse.move(target[0], target[1], steps=8)
    page.mouse.up()
    expect(page.locator("#route-status")).to_contain_text("Nordstraße")
    path = drawn_path(page)
    assert_follows_streets(page, path)
    assert math.dist(path[-1], map_point(page, 8.4050, 49.0045)) <= TOLERANCE

    page.get_by_label("Titel").fill("Radweg bis zur Nordstraße")
    page.get_by_role("button", name="Vorschlag absenden").click()
    expect(page.locator("#compose-result")).to_be_visible()
    suggestion = Suggestion.objects.get()
    assert suggestion.line_drawing == "routed"
    assert suggestion.geom.coords[0] == pytest.approx((start[0], 49.0), abs=2e-5)
    assert off_network_m(suggestion) < 0.05
    assert page.js_errors == []


def test_with_the_keyboard_alone_along_a_street_gives_the_same_line(
    live_server, new_page, citizen, grid, project
):
    page = new_page(locale="de-DE", **DESKTOP)
    open_compose(page, live_server, citizen)
    page.get_by_role("button", name="Vorschlag machen").focus()
    page.keyboard.press("Enter")
    page.get_by_role("radio", name="Radweg").focus()
    page.keyboard.press("Space")
    street = page.get_by_label("Entlang der Straße", exact=True)
    street.focus()
    # Search as one types: the abbreviation finds the street.
    page.keyboard.type("kaiserstr", delay=20)
    expect(page.locator("#route-street-options option[value='Kaiserstraße']")).to_have_count(1)
    page.keyboard.press("Control+A")
    page.keyboard.type("Kaiserstraße", delay=10)
    expect(page.locator("#route-from")).to_be_enabled()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "route-from"
    page.keyboard.type("Karl")
    page.keyboard.press("Tab")
    page.keyboard.type("Adler")
    expect(page.locator("#route-from option:checked")).to_have_text("Karlstraße")
    expect(page.locator("#route-to option:checked")).to_have_text("Adlerstraße")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    status = page.locator("#route-status")
    expect(status).to_have_text("Weg entlang der Straßen, 440 m: Kaiserstraße.")
    expect(status).to_have_attribute("aria-live", "polite")
    assert serious_violations(page) == []
    shot(page, "desktop-keyboard")

    # The line tapping the two crossings gives.
    expected = route_find(project=project, points=[grid_position(0, 1), grid_position(3, 1)])
    drawn = page.evaluate(
        "() => { let c = null; window.participationMap.eachLayer((l) => {"
        " if (l.options && l.options.className === 'route-line')"
        " c = l.getLatLngs().map((p) => [p.lng, p.lat]); });"
        " return c; }"
    )
    flat = [value for position in drawn for value in position]
    wanted = [value for position in expected.geometry["coordinates"] for value in position]
    assert flat == pytest.approx(wanted)
    assert_follows_streets(page, drawn_path(page))

    page.get_by_label("Titel").focus()
    page.keyboard.type("Radweg Kaiserstraße")
    page.get_by_role("button", name="Vorschlag absenden").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#compose-result")).to_be_visible()
    suggestion = Suggestion.objects.get()
    assert suggestion.line_drawing == "routed"
    assert [list(c) for c in suggestion.geom.coords] == expected.geometry["coordinates"]
    assert page.js_errors == []


def test_where_the_network_does_not_reach_the_page_offers_free_drawing(live_server, new_page, citizen, grid):
    page = new_page(locale="en-GB", **DESKTOP)
    open_compose(page, live_server, citizen, zoom=15)
    page.get_by_role("button", name="Make a suggestion").click()
    page.get_by_role("radio", name="Bike path").check()
    page.mouse.click(*map_point(page, 8.4010, 49.0))
    # A field 400 m south of the grid, no street near it.
    page.mouse.click(*map_point(page, 8.4010, 48.9960))
    problem = page.locator("#route-problem")
    expect(problem).to_contain_text("more than 150 m from any street open to bicycles")
    go_free = page.get_by_role("button", name="Draw freely instead")
    expect(go_free).to_be_visible()
    shot(page, "desktop-outside-network")

    go_free.click()
    expect(page.get_by_role("radio", name=re.compile("Draw freely"))).to_be_checked()
    expect(page.locator(".leaflet-control-attribution")).not_to_contain_text("OpenStreetMap")
    expect(page.locator("#placement")).to_be_visible()  # Geoman's free drawing, with its keyboard controls
    for lon, lat in ((8.4010, 49.0), (8.4010, 48.9960)):
        page.mouse.click(*map_point(page, lon, lat))
    page.mouse.click(*map_point(page, 8.4010, 48.9960))
    page.get_by_label("Title").fill("A new path across the field")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.locator("#compose-result")).to_be_visible()
    assert Suggestion.objects.get().line_drawing == "free"
    assert page.js_errors == []


def test_on_a_phone_the_route_is_drawn_and_shown_above_the_sheet(live_server, new_page, citizen, grid):
    page = new_page(locale="de-DE", **PHONE)
    open_compose(page, live_server, citizen)
    page.get_by_role("button", name="Vorschlag machen").tap()
    page.get_by_role("radio", name="Radweg").tap()
    expect(page.locator("#panel")).to_have_attribute("data-sheet", "drawing")
    shot(page, "phone-drawing")
    sheet = page.locator("#panel").bounding_box()
    map_box = page.locator("#map").bounding_box()
    # Two taps in the part of the map that the sheet below and the place search and credits above leave
    # free, on Kaiserstraße and Waldstraße.
    centre_map(page, 8.4032, 49.0009, 17)
    page.wait_for_timeout(200)
    controls = [
        page.locator(".place-search").bounding_box(),
        page.locator(".leaflet-control-attribution").bounding_box(),
    ]
    free_from = max(box["y"] + box["height"] for box in controls)
    for lon, lat in ((8.4012, 49.0015), (8.4052, 49.0030)):
        x, y = map_point(page, lon, lat)
        assert free_from < y < sheet["y"], (y, free_from, sheet)
        page.touchscreen.tap(x, y)
        page.wait_for_timeout(150)
    expect(page.locator("#route-status")).to_contain_text("Weg entlang der Straßen")
    page.wait_for_timeout(300)
    shot(page, "phone-routed")
    # The sheet moved on to "3. Beschreiben Sie es"; the whole route shows in the map above it.
    expect(page.get_by_text("3. Beschreiben Sie es")).to_be_visible()
    sheet = page.locator("#panel").bounding_box()
    path = drawn_path(page)
    for x, y in path:
        assert 0 <= x <= map_box["width"], path
        assert map_box["y"] <= y <= sheet["y"], (path, sheet)
    assert_follows_streets(page, path)
    assert page.js_errors == []
