"""The public map page in a real browser: the demo drawn, popups as text, no base-map tiles needed."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from participation.models import ModerationState, Project, Suggestion

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
    # Every category is drawn in its own style, and the area outline is on the map.
    for key in ("charging-station", "sharing-point", "bike-path", "comment"):
        assert page.locator(f"path.suggestion--{key}").count() > 0, key
    assert page.locator("path.project-area").count() == 1
    expect(page.locator(".legend-item")).to_have_count(4)
    expect(page.locator("#map-status")).to_contain_text(str(loaded))
    assert page.js_errors == []


def test_zoomed_out_map_shows_every_published_demo_suggestion(live_server, page, demo):
    page.goto(live_server.url + "/projects/karlsruhe-ebikes/")
    wait_for_features(page)
    page.locator(".leaflet-control-zoom-out").click()
    page.locator(".leaflet-control-zoom-out").click()
    page.wait_for_function("() => document.querySelectorAll('path.suggestion').length > 0")
    page.wait_for_timeout(300)
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
    page.locator("path.suggestion--charging-station").first.click(force=True)

    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".popup-title")).to_have_text(hostile)
    expect(popup.locator(".popup-text")).to_have_text("<b>fett</b>")
    assert popup.locator("img, b").count() == 0
    assert page.get_attribute("body", "data-pwned") is None


def test_map_works_when_base_map_tiles_are_unreachable(live_server, page, demo, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"  # nothing listens on port 9
    page.goto(live_server.url + "/projects/karlsruhe-ebikes/")

    assert wait_for_features(page) > 0
    assert page.locator("img.leaflet-tile").count() > 0  # tiles were asked for, and failed
    assert page.locator("path.suggestion").count() > 0
    assert page.locator("path.project-area").count() == 1


def test_api_docs_render_offline(live_server, page, db):
    page.goto(live_server.url + "/api/docs/")

    expect(page.locator(".swagger-ui .title").first).to_contain_text("Participation map API", timeout=10_000)
    assert not [e for e in page.js_errors if "Content Security Policy" in e]
