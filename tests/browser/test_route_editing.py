"""An author corrects a bike path on the correction page as it was drawn in the compose flow: a routed path
opens along the streets, with its points A and B on the saved line's ends and the network credited on the
map; moving B routes it again along the streets (saved as "routed"); a path whose line is left alone keeps
how it was drawn; switching to free drawing and changing the line saves it as "free". Screenshots go to
test-artifacts/ and, when SHOTS_DIR is set, there too."""

import json
import math

import pytest
from django.contrib.gis.geos import GEOSGeometry
from playwright.sync_api import expect

from geo.network.routing import route_find
from tests.browser.helpers import centre_map, map_point, serious_violations, sign_in, small_targets
from tests.browser.street_grid import TOLERANCE, assert_follows_streets, drawn_path, off_network_m, shot
from tests.factories import SuggestionFactory
from tests.geo.network_builder import build_network, grid_position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
CREDIT = "© OpenStreetMap contributors, ODbL"


@pytest.fixture
def routed_path(project, categories, citizen):
    """A path its author drew along Kaiserstraße from Karlstraße to Herrenstraße (the route API's line)."""
    build_network(project)
    route = route_find(project=project, points=[grid_position(0, 1), grid_position(2, 1)])
    return SuggestionFactory(
        category=categories["line"],
        author=citizen,
        title="Radweg Kaiserstraße",
        line_drawing="routed",
        geom=GEOSGeometry(json.dumps(route.geometry), srid=4326),
    )


def open_edit(page, live_server, citizen, suggestion) -> None:
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/edit/")
    expect(page.locator("#edit-map path.edit-place")).to_have_count(1)
    # The map below title and text, in view (pointer events reach only what is in the viewport).
    page.locator("#edit-map").evaluate("(map) => map.scrollIntoView({ block: 'center' })")


def centre_of(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()


def test_moving_the_end_of_a_routed_path_routes_it_again_along_the_streets(
    live_server, new_page, citizen, routed_path
):
    page = new_page(locale="de-DE", **DESKTOP)
    open_edit(page, live_server, citizen, routed_path)
    expect(page.get_by_role("radio", name="Entlang der Straßen")).to_be_checked()
    expect(page.locator("#edit-map .leaflet-control-attribution")).to_contain_text(CREDIT)
    expect(page.locator("#route-credit")).to_have_text(f"Straßennetz: {CREDIT}")
    # A and B stand on the saved line's ends; the saved line is shown until the route changes.
    first, last = routed_path.geom.coords[0], routed_path.geom.coords[-1]
    assert math.dist(centre_of(page, ".route-point--start"), map_point(page, *first)) <= TOLERANCE + 1
    assert math.dist(centre_of(page, ".route-point--end"), map_point(page, *last)) <= TOLERANCE + 1
    expect(page.locator("path.route-line")).to_have_count(0)
    shot(page, "edit-desktop-opened")

    # B moves to a little beside Waldstraße, one block north-east: the route follows the streets there.
    centre_map(page, 8.403, 49.00225, 16)
    page.wait_for_timeout(200)
    drag(page, centre_of(page, ".route-point--end"), map_point(page, 8.4050, 49.0031))
    expect(page.locator("#route-status")).to_contain_text("Waldstraße")
    # The route took the saved line's place.
    expect(page.locator("#edit-map path.edit-place")).to_have_count(0)
    path = drawn_path(page)
    assert_follows_streets(page, path)
    assert math.dist(path[0], map_point(page, *first)) <= TOLERANCE
    assert math.dist(path[-1], map_point(page, 8.4050, 49.0030)) <= TOLERANCE
    assert serious_violations(page) == []
    shot(page, "edit-desktop-rerouted")

    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Änderungen sind gespeichert")
    routed_path.refresh_from_db()
    assert routed_path.line_drawing == "routed"
    assert off_network_m(routed_path) < 0.05
    assert routed_path.geom.coords[0] == pytest.approx(first, abs=1e-7)
    assert routed_path.geom.coords[-1] == pytest.approx((8.4050, 49.0030), abs=2e-5)
    assert page.js_errors == []


def test_a_path_left_alone_keeps_its_drawing_and_one_changed_freely_is_saved_as_free(
    live_server, new_page, citizen, routed_path
):
    page = new_page(locale="de-DE", **DESKTOP)
    open_edit(page, live_server, citizen, routed_path)
    expect(page.locator(".route-point--end")).to_have_count(1)
    page.get_by_label("Titel").fill("Radweg auf der Kaiserstraße")
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Änderungen sind gespeichert")
    saved = routed_path.geom.coords
    routed_path.refresh_from_db()
    assert (routed_path.title, routed_path.line_drawing) == ("Radweg auf der Kaiserstraße", "routed")
    assert routed_path.geom.coords == saved

    open_edit(page, live_server, citizen, routed_path)
    expect(page.locator(".route-point--end")).to_have_count(1)
    page.get_by_role("radio", name="Frei zeichnen").check()
    # Free drawing: Geoman's handles on the line's corners, no route points, and no network to credit.
    expect(page.locator(".route-point")).to_have_count(0)
    expect(page.locator("#route-drawing")).to_be_hidden()
    expect(page.locator("#edit-map .leaflet-control-attribution")).not_to_contain_text("OpenStreetMap")
    middle = (8.402, 49.0015)  # the corner at Ritterstraße
    assert middle in saved
    at = map_point(page, *middle)
    drag(page, at, (at[0], at[1] + 40))
    expect(page.locator("#place-status")).to_contain_text("Die Linie wurde geändert")
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Änderungen sind gespeichert")
    routed_path.refresh_from_db()
    assert routed_path.line_drawing == "free"
    assert len(routed_path.geom.coords) == len(saved)
    assert routed_path.geom.coords[1][1] < middle[1] - 1e-4  # dragged south, off the street
    assert page.js_errors == []


def test_on_a_phone_the_routed_path_is_changed_by_a_tap_and_saved(
    live_server, new_page, citizen, routed_path
):
    page = new_page(locale="de-DE", **PHONE)
    open_edit(page, live_server, citizen, routed_path)
    expect(page.locator(".route-point--end")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("body")).not_to_contain_text("{")  # no template syntax leaks into the page
    centre_map(page, 8.402, 49.00225, 16)
    page.wait_for_timeout(200)
    # A tap on Waldstraße extends the path to there: B becomes a via point.
    page.touchscreen.tap(*map_point(page, 8.4030, 49.0030))
    expect(page.locator("#route-status")).to_contain_text("Waldstraße")
    expect(page.locator(".route-point--via")).to_have_count(1)
    expect(page.locator("#edit-map .leaflet-control-attribution")).to_contain_text(CREDIT)
    box = page.locator("#edit-map").bounding_box()
    path = drawn_path(page)
    for x, y in path:
        assert box["x"] <= x <= box["x"] + box["width"], path
        assert box["y"] <= y <= box["y"] + box["height"], path
    assert_follows_streets(page, path)
    assert small_targets(page) == []
    shot(page, "edit-phone-rerouted")
    shot(page, "edit-phone-whole-page", full_page=True)

    save = page.get_by_role("button", name="Änderungen speichern")
    save.scroll_into_view_if_needed()
    expect(save).to_be_in_viewport()
    save.tap()
    expect(page.locator(".messages")).to_contain_text("Ihre Änderungen sind gespeichert")
    routed_path.refresh_from_db()
    assert routed_path.line_drawing == "routed"
    assert off_network_m(routed_path) < 0.05
    assert page.js_errors == []


def test_with_the_keyboard_alone_along_a_street_reroutes_the_path(
    live_server, new_page, citizen, routed_path, project
):
    page = new_page(locale="de-DE", **DESKTOP)
    open_edit(page, live_server, citizen, routed_path)
    expect(page.locator(".route-point--end")).to_have_count(1)
    page.get_by_label("Entlang der Straße", exact=True).focus()
    page.keyboard.type("Kaiserstraße", delay=10)
    expect(page.locator("#route-from")).to_be_enabled()
    page.keyboard.press("Tab")
    page.keyboard.type("Karl")
    page.keyboard.press("Tab")
    page.keyboard.type("Adler")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Weg anzeigen", not the form's submit
    expect(page.locator("#route-status")).to_have_text("Weg entlang der Straßen, 440 m: Kaiserstraße.")
    page.get_by_role("button", name="Änderungen speichern").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Ihre Änderungen sind gespeichert")

    expected = route_find(project=project, points=[grid_position(0, 1), grid_position(3, 1)])
    routed_path.refresh_from_db()
    assert routed_path.line_drawing == "routed"
    assert [list(c) for c in routed_path.geom.coords] == expected.geometry["coordinates"]
    assert page.js_errors == []
