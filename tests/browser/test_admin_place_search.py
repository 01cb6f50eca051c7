"""The place search above the project admin's map widgets, with the keyboard: type a street of a project with
a gazetteer, arrow to it, Enter, and both maps (the area's and the centre's, django-leaflet's) show the street
whole, read from the Leaflet maps themselves; the live region says so, and Enter sent no form. Real data: the
inner-city OSM extract of 2009 in fixtures/karlsruhe/. Screenshots (desktop and phone, the list open) go to
test-artifacts/, or to $ADMIN_PLACE_SEARCH_SHOTS."""

import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from geo.places.imports import addresses_import
from geo.places.models import Place
from participation.models import Project
from tests.browser.helpers import ARTIFACTS, screenshot, sign_in
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KARLSRUHE = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe"
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}
# Runs before the page's scripts: keeps each django-leaflet map (made without globals) by its element's id.
KEEP_MAPS = """window.__maps = {};
window.addEventListener('map:init', (e) => { window.__maps[e.detail.id] = e.detail.map; });"""
VIEW = """(id) => {
    const m = window.__maps[id], c = m.getCenter(), b = m.getBounds();
    const box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    return {lon: c.lng, lat: c.lat, zoom: m.getZoom(), box};
}"""
MAPS = ("id_area-map", "id_map_center-map")


@pytest.fixture
def karlsruhe(db):
    # Not public yet: the admin draws the area of a project being set up.
    project = ProjectFactory(slug="karlsruhe", title_de="Karlsruhe", is_public=False)
    addresses_import(project_id=project.pk, source=KARLSRUHE / "inner-city-2009.osm")
    return project


def _shot(page, name: str) -> None:
    screenshot(page, name, full_page=False)
    target = os.environ.get("ADMIN_PLACE_SEARCH_SHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", Path(target) / f"{name}.png")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_street_chosen_with_the_keyboard_moves_the_admins_maps_there(
    live_server, new_page, karlsruhe, size
):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    # Without motion the maps move at once (placeMover animates otherwise).
    page = new_page(locale="de-DE", reduced_motion="reduce", **SIZES[size])
    page.add_init_script(KEEP_MAPS)
    sign_in(page, live_server, admin)
    change = f"{live_server.url}/admin/participation/project/{karlsruhe.pk}/change/"
    page.goto(change)
    page.wait_for_function(f"() => {list(MAPS)}.every((id) => window.__maps[id])")
    before = page.evaluate(VIEW, "id_area-map")
    box = page.get_by_role("combobox", name="Ort finden")

    expect(box).to_have_accessible_description(re.compile("^Eine Straße, eine Adresse oder ein Stadtteil"))

    box.focus()
    page.keyboard.type("Kaiserstr", delay=20)
    page.wait_for_selector(".place-search--admin [role=option]")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    assert box.get_attribute("aria-expanded") == "true"
    assert listbox.get_by_role("option").first.text_content().startswith("Kaiserstraße")
    expect(page.locator(".place-search--admin [role=status]")).to_contain_text("gefunden")
    box.scroll_into_view_if_needed()
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == listbox.get_by_role("option").first.get_attribute(
        "id"
    )
    if size == "desktop":
        # Our box only: the admin's own date and time fields lack labels of their own (Django's widget).
        found = Axe().run(page, context=".field-find_place").response["violations"]
        assert [(v["id"], v["impact"]) for v in found if v["impact"] in ("serious", "critical")] == []
    _shot(page, f"admin-place-search-list-{size}")
    page.keyboard.press("Enter")

    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "Kaiserstraße"
    expect(page.locator(".place-search--admin [role=status]")).to_have_text(
        "Die Karten unten zeigen jetzt Kaiserstraße."
    )
    xmin, ymin, xmax, ymax = Place.objects.get(
        project=karlsruhe, kind="street", label="Kaiserstraße"
    ).extent.extent
    for map_id in MAPS:  # both maps show the whole street, at its middle, closer than before
        view = page.evaluate(VIEW, map_id)
        west, south, east, north = view["box"]
        assert west <= xmin, map_id
        assert south <= ymin, map_id
        assert east >= xmax, map_id
        assert north >= ymax, map_id
        assert view["zoom"] > before["zoom"], map_id
        assert view["lon"] == pytest.approx((xmin + xmax) / 2, abs=2e-4), map_id
        assert view["lat"] == pytest.approx((ymin + ymax) / 2, abs=2e-4), map_id
    # It opened on the whole area, whose middle lies about a kilometre south of the street's.
    assert abs(before["lon"] - (xmin + xmax) / 2) + abs(before["lat"] - (ymin + ymax) / 2) > 0.005
    page.wait_for_selector("#id_area-map .place-search-ring")
    # Enter chose the place and sent no form: still the change page, the project as it was.
    assert page.url == change
    assert Project.objects.get(pk=karlsruhe.pk).area.wkt == karlsruhe.area.wkt
    _shot(page, f"admin-place-search-chosen-{size}")
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []
