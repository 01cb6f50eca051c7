"""A planner exports in a real browser: filters, an area drawn on the map, a background export whose
progress the page follows until the download; and the page on a phone and with the keyboard."""

import csv

import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets
from tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def suggestions(point_category, line_category):
    inside = [
        SuggestionFactory(
            category=point_category, geom=Point(8.40 + i / 500, 49.00, srid=4326), title=f"Innen {i}"
        )
        for i in range(5)
    ]
    SuggestionFactory(category=point_category, geom=Point(8.33, 48.96, srid=4326), title="Außen")
    SuggestionFactory(category=line_category, title="Radweg")
    return inside


def map_position(page, lon, lat):
    x, y = page.evaluate(
        "([lat, lon]) => { const p = window.exportMap.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )
    box = page.locator("#export-map").bounding_box()
    return box["x"] + x, box["y"] + y


def test_a_planner_draws_an_area_and_follows_a_background_export_to_its_download(
    live_server, page, planner, suggestions, settings, tmp_path, run_worker
):
    settings.EXPORT_INLINE_MAX_FEATURES = 0  # every GDAL export goes to the worker
    settings.EXPORT_ROOT = tmp_path / "exports"
    slug = suggestions[0].project.slug
    sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/projects/{slug}/planning/export/")
    page.wait_for_function("() => window.exportMap !== undefined")

    # A rectangle around the five suggestions near the centre, drawn with Geoman's rectangle tool.
    page.locator(".leaflet-pm-icon-rectangle").click()
    page.mouse.click(*map_position(page, 8.395, 48.995))
    page.mouse.click(*map_position(page, 8.415, 49.005))
    expect(page.locator("#area-status")).to_have_text("Eine gezeichnete Fläche begrenzt den Export.")
    assert '"Polygon"' in page.locator("#id_area").input_value()
    page.locator('input[name="category"][value="charging-station"]').check()
    page.get_by_label("GeoPackage").check()
    screenshot(page, "export-page")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Exportieren").click()

    page.wait_for_url("**/planning/exports/**")
    expect(page.locator("#job-state")).to_have_text("Warten auf den Hintergrunddienst …")
    expect(page.locator("#job-progress")).to_be_visible()
    screenshot(page, "export-job-waiting")
    assert serious_violations(page) == []

    assert run_worker() == 0
    expect(page.locator("#job-state")).to_have_text("Die Datei ist fertig.", timeout=15_000)
    expect(page.locator("#job-progress")).to_be_hidden()
    expect(page.locator("#job-count")).to_have_text("5")
    screenshot(page, "export-job-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Herunterladen").click()
    path = tmp_path / "download.gpkg"
    download.value.save_as(path)
    titles = sorted(f.get("title") for f in DataSource(str(path))["suggestions_points"])
    assert titles == [f"Innen {i}" for i in range(5)]
    assert page.js_errors == []


def test_the_export_page_works_on_a_phone_and_with_the_keyboard(live_server, browser, planner, suggestions):
    slug = suggestions[0].project.slug
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    phone = context.new_page()
    sign_in(phone, live_server, planner)
    phone.goto(f"{live_server.url}/projects/{slug}/planning/export/")
    phone.wait_for_function("() => window.exportMap !== undefined")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(phone) == []
    assert serious_violations(phone) == []
    screenshot(phone, "export-page-phone")

    # Keyboard only: a bounding box typed instead of drawn, CSV chosen, the form sent with Enter.
    phone.locator("#id_bbox").focus()
    phone.keyboard.type("8.395,48.995,8.415,49.005")
    phone.locator('input[name="format"][value="csv"]').focus()
    phone.keyboard.press("Space")
    with phone.expect_download() as download:
        phone.locator("#id_bbox").press("Enter")
    with open(download.value.path(), encoding="utf-8-sig") as file:
        titles = sorted(row["title"] for row in csv.DictReader(file))
    # The five points inside the box, and the bike path that crosses it.
    assert titles == ["Innen 0", "Innen 1", "Innen 2", "Innen 3", "Innen 4", "Radweg"]
    context.close()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_a_planner_downloads_a_layers_qgis_style_with_the_keyboard(
    live_server, new_page, planner, suggestions, width, height
):
    """The styles section names each layer the project has, its links are large enough to tap, and Enter on
    a focused link saves the layer's QGIS style under its own name."""
    slug = suggestions[0].project.slug
    page = new_page(viewport={"width": width, "height": height}, locale="de-DE", has_touch=width < 500)
    sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/projects/{slug}/planning/export/")
    page.wait_for_function("() => window.exportMap !== undefined")
    section = page.locator(".export-styles")
    section.scroll_into_view_if_needed()

    expect(section.get_by_role("heading", name="Stile für QGIS")).to_be_visible()
    links = section.get_by_role("link")
    expect(links).to_have_count(4)  # points and lines, .qml and .sld each
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert small_targets(page) == []
    assert serious_violations(page) == []
    screenshot(page, f"export-styles-{width}x{height}", full_page=False)
    link = section.get_by_role("link", name="QGIS-Stil (.qml) – Punkte")
    link.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"{slug}-suggestions_points.qml"
    with open(download.value.path(), encoding="utf-8") as file:
        assert 'type="categorizedSymbol"' in file.read()
    assert page.js_errors == []
