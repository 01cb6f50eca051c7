"""The public map page in a real browser: the demo drawn, popups as text, no base-map tiles needed."""

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from playwright.sync_api import expect

from participation.models import ModerationState, Project, Suggestion
from tests.browser.helpers import click_map, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("load_demo", "--no-accounts")
    return Project.objects.get(slug="karlsruhe-ebikes")


def wait_for_features(page) -> int:
    page.wait_for_selector("body[data-features-loaded]")
    loaded = page.get_attribute("body", "data-features-loaded")
    assert loaded != "error"
    return int(loaded)


def test_home_opens_the_demo_map_with_its_features_drawn(live_server, page, demo):
    page.goto(live_server.url + "/")

    assert page.url.endswith("/projects/karlsruhe-ebikes/")
    expect(page.locator("h1")).to_have_text("eBikes & Energie Karlsruhe")
    loaded = wait_for_features(page)
    published_in_view = Suggestion.objects.filter(project=demo, moderation_state=ModerationState.PUBLISHED)
    assert 0 < loaded <= published_in_view.count()
    # Suggestions are drawn on a canvas, the area outline in SVG above it.
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1
    assert page.locator("path.project-area").count() == 1
    drawn = page.evaluate(
        "() => { const keys = new Set(); window.participationMap.eachLayer((l) => {"
        " if (l.feature && l.feature.properties.category) keys.add(l.feature.properties.category); });"
        " return [...keys].sort(); }"
    )
    assert drawn == ["bike-path", "charging-station", "comment", "sharing-point"]
    expect(page.locator(".legend-item")).to_have_count(4)
    expect(page.locator("#map-status")).to_contain_text(str(loaded))
    expect(page.locator("#suggestion-list li[data-id]").first).to_be_visible()
    screenshot(page, "map")
    assert page.js_errors == []


def test_zoomed_out_map_shows_every_published_demo_suggestion(live_server, page, demo):
    page.goto(live_server.url + "/projects/karlsruhe-ebikes/")
    wait_for_features(page)
    page.locator(".leaflet-control-zoom-out").click()
    page.locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(600)
    wait_for_features(page)

    published = Suggestion.objects.filter(project=demo, moderation_state=ModerationState.PUBLISHED).count()
    expect(page.locator("#map-status")).to_contain_text(str(published))


def test_popup_shows_user_text_as_text_never_as_html(live_server, page, demo):
    hostile = '<img src=x onerror="document.body.dataset.pwned=1">'
    suggestion = Suggestion.objects.filter(
        project=demo, category__key="charging-station", moderation_state=ModerationState.PUBLISHED
    ).first()
    Suggestion.objects.filter(pk=suggestion.pk).update(title=hostile, text="<b>fett</b>")
    center = suggestion.geom
    demo.map_center = center
    demo.map_zoom = 17
    demo.save()

    page.goto(live_server.url + "/projects/karlsruhe-ebikes/")
    wait_for_features(page)
    click_map(page, center.x, center.y)

    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".popup-title")).to_have_text(hostile)
    assert popup.locator("img, b").count() == 0
    expect(page.locator("#suggestion-list")).to_contain_text(hostile)
    assert page.get_attribute("body", "data-pwned") is None


def test_map_works_when_base_map_tiles_are_unreachable(live_server, page, demo, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"  # nothing listens on port 9
    page.goto(live_server.url + "/projects/karlsruhe-ebikes/")

    assert wait_for_features(page) > 0
    assert page.locator("img.leaflet-tile").count() > 0  # tiles were asked for, and failed
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1
    assert page.locator("path.project-area").count() == 1


def test_api_docs_render_offline(live_server, page, db):
    page.goto(live_server.url + "/api/docs/")

    expect(page.locator(".swagger-ui .title").first).to_contain_text("Participation map API", timeout=10_000)
    assert not [e for e in page.js_errors if "Content Security Policy" in e]


def test_many_suggestions_are_drawn_as_clusters_that_zoom_in_when_clicked(live_server, page, demo):
    charging = demo.categories.get(key="charging-station")
    rows = [
        Suggestion(
            project=demo,
            category=charging,
            geom=Point(8.36 + (i % 30) * 0.003, 48.99 + (i // 30) * 0.002, srid=4326),
            title=f"Ladepunkt {i}",
            moderation_state=ModerationState.PUBLISHED,
        )
        for i in range(600)
    ]
    Suggestion.objects.bulk_create(rows)

    page.goto(live_server.url + "/projects/karlsruhe-ebikes/")
    wait_for_features(page)

    assert page.get_attribute("body", "data-map-mode") == "clusters"
    clusters = page.locator(".leaflet-marker-icon.cluster")
    expect(clusters.first).to_be_visible()
    counts = [int(text) for text in clusters.all_inner_texts() if text.isdigit()]
    assert sum(counts) >= 600
    screenshot(page, "map-clusters")
    zoom = page.evaluate("() => window.participationMap.getZoom()")
    clusters.first.click()
    page.wait_for_function(f"() => window.participationMap.getZoom() > {zoom}")
    assert page.js_errors == []
