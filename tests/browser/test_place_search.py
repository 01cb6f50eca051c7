"""The place search box on the public map, with the keyboard alone: Tab to the box, type, arrow to a place,
Enter, and the map shows the place at its centre (measured on the screen: the chosen place's ring against the
map's box); a street is shown whole. Real data: the inner-city OSM extract of 2009 and the districts of
fixtures/karlsruhe/. Screenshots (desktop and phone) go to test-artifacts/, or to $PLACE_SEARCH_SHOTS."""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.gis.db.models import Extent
from playwright.sync_api import expect

from geo.layers.imports import layer_import
from geo.layers.models import ContextLayer
from geo.places.imports import addresses_import
from geo.places.models import Place
from tests.browser.helpers import ARTIFACTS, screenshot, serious_violations, sign_in, wait_for_map
from tests.factories import CategoryFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KARLSRUHE = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe"
MAP = "/projects/karlsruhe/"
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}
# The pub "Spalato", Douglasstraße 36 (node 29990270 of the extract).
SPALATO = (8.393175, 49.0085474)


@pytest.fixture
def karlsruhe(db):
    project = ProjectFactory(slug="karlsruhe", map_zoom=13)
    CategoryFactory(
        project=project, key="charging-station", label_de="Ladestation", label_en="Charging station"
    )
    addresses_import(project_id=project.pk, source=KARLSRUHE / "inner-city-2009.osm")
    layer = ContextLayer.objects.create(project=project, name="Stadtteile", role="districts")
    layer_import(layer=layer, source=KARLSRUHE / "districts.geojson", actor=None)
    return project


def _shot(page, name: str) -> None:
    screenshot(page, name, full_page=False)
    target = os.environ.get("PLACE_SEARCH_SHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", Path(target) / f"{name}.png")


def _tab_to_the_search(page) -> None:
    """Tab from the top of the page until the search box has the focus (the keyboard alone)."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('role') === 'combobox'"):
            return
    raise AssertionError("the search box is never reached with Tab")


def _ring_centre_against_map_centre(page) -> tuple[float, float]:
    ring = page.locator(".place-search-ring").bounding_box()
    box = page.locator("#map").bounding_box()
    return (
        ring["x"] + ring["width"] / 2 - (box["x"] + box["width"] / 2),
        ring["y"] + ring["height"] / 2 - (box["y"] + box["height"] / 2),
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_with_the_keyboard_alone_a_typed_address_comes_to_the_maps_centre(
    live_server, new_page, karlsruhe, size
):
    page = new_page(locale="de-DE", **SIZES[size])
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    box = page.get_by_role("combobox", name="Straße, Adresse oder Ort finden")

    _tab_to_the_search(page)
    page.keyboard.type("Douglasstr 36", delay=30)
    page.wait_for_selector(".place-search-list:not([hidden]) [role=option]")

    assert box.get_attribute("aria-expanded") == "true"
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    assert listbox.get_attribute("role") == "listbox"
    options = listbox.get_by_role("option")
    assert options.first.text_content().startswith("Douglasstraße 36")
    # One address, though the extract has the number on the pub's node and on its building.
    assert [o.startswith("Douglasstraße 36") for o in options.all_text_contents()].count(True) == 1
    page.wait_for_function(
        "() => /gefunden/.test(document.querySelector('.place-search [role=status]').textContent)"
    )
    live = page.locator(".place-search [role=status]")
    assert live.get_attribute("aria-live") == "polite"
    assert "gefunden" in live.text_content()
    _shot(page, f"place-search-list-{size}")

    page.keyboard.press("ArrowDown")
    first = options.first
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")

    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "Douglasstraße 36"
    page.wait_for_function("() => window.participationMap.getZoom() === 18")
    page.wait_for_selector(".place-search-ring")
    dx, dy = _ring_centre_against_map_centre(page)
    assert abs(dx) <= 2, dx
    assert abs(dy) <= 2, dy
    centre = page.evaluate("() => window.participationMap.getCenter()")
    assert centre["lng"] == pytest.approx(SPALATO[0], abs=1e-6)
    assert centre["lat"] == pytest.approx(SPALATO[1], abs=1e-6)
    if size == "phone":  # the sheet made way: the place is in the part of the map it leaves in view
        sheet_top = page.locator("#panel").bounding_box()["y"]
        assert page.locator(".place-search-ring").bounding_box()["y"] < sheet_top
    # The announcer is cleared, then given the text 50 ms later (so that a repeat is read again): wait for it.
    expect(page.locator("#map-announcer")).to_contain_text("Die Karte zeigt jetzt Douglasstraße 36.")
    _shot(page, f"place-search-chosen-{size}")
    assert page.js_errors == []


def test_a_street_is_shown_whole_and_escape_closes_then_empties(live_server, new_page, karlsruhe):
    page = new_page(locale="en-GB", **SIZES["desktop"])
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    box = page.get_by_role("combobox", name="Find a street, address or place")
    box.focus()

    page.keyboard.type("kaiserstrase", delay=20)  # a letter missing
    page.wait_for_selector(".place-search-list:not([hidden]) [role=option]")
    assert page.locator(".place-search [role=option]").first.text_content().startswith("Kaiserstraße")
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "kaiserstrase"
    page.keyboard.press("ArrowDown")  # opens the list again, on the first place
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Enter")

    page.wait_for_selector(".place-search-ring")
    # Every address of the street lies in the view now.
    corners = page.evaluate(
        """() => {
            const m = window.participationMap, b = m.getBounds();
            return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), m.getZoom()];
        }"""
    )
    west, south, east, north, zoom = corners
    xmin, ymin, xmax, ymax = Place.objects.filter(
        project=karlsruhe, kind="address", street="Kaiserstraße"
    ).aggregate(box=Extent("geom"))["box"]
    assert zoom < 18
    assert west <= xmin
    assert east >= xmax
    assert south <= ymin
    assert north >= ymax
    page.keyboard.press("Escape")
    assert box.input_value() == ""
    assert serious_violations(page) == []
    assert page.js_errors == []


def test_on_the_export_page_a_planner_finds_a_street_to_draw_the_area_there(live_server, new_page, karlsruhe):
    planner = UserFactory(username="paula", planner_of=karlsruhe)
    page = new_page(locale="de-DE", **SIZES["desktop"])
    sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/projects/karlsruhe/planning/export/")
    page.wait_for_function("() => window.exportMap !== undefined")
    box = page.get_by_role("combobox", name="Straße, Adresse oder Ort finden")

    box.focus()
    page.keyboard.type("Erbprinzenstr", delay=20)
    page.wait_for_selector("#export-place-search [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    page.wait_for_selector(".place-search-ring")
    bounds = page.evaluate(
        "() => { const b = window.exportMap.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    xmin, ymin, xmax, ymax = Place.objects.get(
        project=karlsruhe, kind="street", label="Erbprinzenstraße"
    ).extent.extent
    assert bounds[0] <= xmin
    assert bounds[2] >= xmax
    assert bounds[1] <= ymin
    assert bounds[3] >= ymax
    _shot(page, "place-search-export-desktop")
    assert page.locator("#id_area").input_value() == ""  # choosing a place draws nothing
    assert page.js_errors == []
