"""Texts the scripts make (the map's status line, a cluster's name, a plural, the compose panel's hint) in the
page's language: German on a German page, English on an English one. They come from the JavaScript
catalogue (frontend/js_catalogue.py): without it a German page would show them in English. A second page
takes the catalogue from the browser's cache."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

import frontend.js_catalogue
from tests.browser.helpers import centre_map, screenshot, sign_in, wait_for_map
from tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
ALONE = (8.45, 49.01)
TEXTS = {
    "de-DE": {
        "clusters": "4 Vorschläge in diesem Kartenausschnitt. Zoomen Sie hinein, um sie einzeln zu sehen.",
        "three": "3 Vorschläge hier – zum Ansehen heranzoomen",
        "one": "Ein Vorschlag hier – zum Ansehen heranzoomen",
        "shown": "1 Vorschlag in diesem Kartenausschnitt.",
        "zoom_in": "Vergrößern",
        "start": "Vorschlag machen",
        "category": "Ladestation",
        "hint": "Tippen oder klicken Sie auf die Stelle in der Karte, an die er gehört.",
    },
    "en-GB": {
        "clusters": "4 suggestions in this map section. Zoom in to see them one by one.",
        "three": "3 suggestions here – zoom in",
        "one": "One suggestion here – zoom in",
        "shown": "1 suggestion shown in this map section.",
        "zoom_in": "Zoom in",
        "start": "Make a suggestion",
        "category": "Charging station",
        "hint": "Tap or click the map where it should be.",
    },
}


@pytest.fixture
def four(point_category):
    """Three suggestions close together and one alone: two clusters at the project's zoom."""
    point_category.label_de, point_category.label_en = "Ladestation", "Charging station"
    point_category.save()
    for lon, lat in ((8.400, 49.000), (8.4005, 49.0003), (8.4002, 48.9998), ALONE):
        SuggestionFactory(category=point_category, geom=Point(lon, lat, srid=4326))
    return point_category


@pytest.fixture
def catalogue_requests(monkeypatch):
    """How often the server was asked for the catalogue (the live server runs in this process)."""
    served = []
    view = frontend.js_catalogue._catalogue

    def counted(request, *args, **kwargs):
        served.append(request.path)
        return view(request, *args, **kwargs)

    monkeypatch.setattr(frontend.js_catalogue, "_catalogue", counted)
    return served


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_the_scripts_speak_the_pages_language(
    browser, live_server, four, citizen, catalogue_requests, monkeypatch, locale
):
    # Clusters from more than two suggestions in view, so that four make them.
    monkeypatch.setattr("geo.selectors.FEATURE_THRESHOLD", 2)
    texts = TEXTS[locale]
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, citizen)

    page.goto(live_server.url + MAP)
    wait_for_map(page)

    assert page.get_attribute("body", "data-map-mode") == "clusters"
    expect(page.locator("#map-status")).to_have_text(texts["clusters"])
    expect(page.locator(".leaflet-marker-icon.cluster")).to_have_attribute("aria-label", texts["three"])
    expect(page.locator(".leaflet-marker-icon.cluster-one")).to_have_attribute("aria-label", texts["one"])
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", texts["zoom_in"])
    screenshot(page, f"script-texts-{locale}")

    centre_map(page, *ALONE, 18)  # one suggestion in view, one by one: the singular
    expect(page.locator("#map-status")).to_have_text(texts["shown"])

    page.get_by_role("button", name=texts["start"]).click()
    page.get_by_role("radio", name=texts["category"]).check()
    expect(page.locator("#draw-hint")).to_contain_text(texts["hint"])

    # The catalogue's address names the language and a version: the next page takes it from the cache.
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    language = locale[:2]
    assert catalogue_requests == [f"/jsi18n/{language}/{frontend.js_catalogue.catalogue_version()}.js"]
    assert errors == []
    context.close()
