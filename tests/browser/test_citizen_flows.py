"""A signed-in citizen in a real browser: place, draw, find duplicates, comment, support, report.

Suggestions are drawn on a canvas, so tests find them by position (`window.participationMap`).
"""

import re

import pytest
from django.contrib.gis.geos import LineString, Point
from playwright.sync_api import expect

from participation.models import (
    Comment,
    ModerationMode,
    ModerationState,
    Report,
    Suggestion,
    Support,
)
from tests.browser.helpers import (
    centre_map,
    click_map,
    map_point,
    screenshot,
    serious_violations,
    sign_in,
    wait_for_map,
)
from tests.factories import CitizenFactory, CommentFactory, SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
HOSTILE = (
    '<script>document.body.dataset.pwned="script"</script><img src=x onerror="document.body.dataset.pwned=1">'
)


def open_map(page, live_server, lon=8.40, lat=49.00, zoom=16):
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, lon, lat, zoom)
    page.wait_for_timeout(300)
    wait_for_map(page)


def start_suggestion(page, label):
    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name=label).check()


def send(page, title, text=""):
    page.get_by_label("Titel").fill(title)
    if text:
        page.get_by_label("Beschreibung (optional)").fill(text)
    page.get_by_role("button", name="Vorschlag absenden").click()
    expect(page.locator("#compose-result")).to_be_visible()


def test_placing_a_charging_station(live_server, page, citizen, categories):
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    start_suggestion(page, "Ladestation")
    click_map(page, 8.401, 49.001)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    screenshot(page, "map-compose-point")
    send(page, "Ladestation am Ostring", "Mit Überdachung, bitte.")

    expect(page.locator("#compose-result")).to_contain_text("jetzt auf der Karte")
    suggestion = Suggestion.objects.get()
    assert suggestion.title == "Ladestation am Ostring"
    assert suggestion.author == citizen
    assert suggestion.moderation_state == ModerationState.PUBLISHED
    assert suggestion.geom.distance(Point(8.401, 49.001, srid=4326)) < 0.0001
    expect(page.locator("#suggestion-list")).to_contain_text("Ladestation am Ostring")
    assert page.js_errors == []


def test_drawing_a_bike_path_and_moving_a_vertex(live_server, page, citizen, categories):
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    start_suggestion(page, "Radweg")
    for lon, lat in [(8.398, 48.999), (8.400, 49.000), (8.402, 49.0005)]:
        click_map(page, lon, lat)
    click_map(page, 8.402, 49.0005)  # clicking the last point again finishes the line
    expect(page.locator("#compose-text-step")).to_be_visible()
    # Move the middle vertex before sending: Geoman's edit handles are markers on the map.
    x, y = map_point(page, 8.400, 49.000)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 40, steps=5)
    page.mouse.up()
    screenshot(page, "map-compose-line")
    send(page, "Radweg entlang der Bahn")

    suggestion = Suggestion.objects.get()
    assert suggestion.geom.geom_type == "LineString"
    assert suggestion.geom.num_points == 3
    assert suggestion.geom.coords[1][1] > 49.0001  # the middle point moved north
    assert page.js_errors == []


def test_the_duplicate_hint_for_a_point_offers_support_instead(live_server, page, citizen, categories):
    existing = SuggestionFactory(
        category=categories["point"], geom=Point(8.4005, 49.0, srid=4326), title="Lader am Platz"
    )
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    start_suggestion(page, "Ladestation")
    click_map(page, 8.4, 49.0)  # ~37 m from the existing one

    hint = page.locator("#duplicates")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Lader am Platz")
    screenshot(page, "map-duplicate-point")
    hint.get_by_role("button", name="Stattdessen unterstützen").click()
    expect(hint.get_by_role("button", name=re.compile("Unterstützt"))).to_be_visible()
    # The supporter is asked once whether to follow it: on its page, where the choice is made.
    follow = hint.get_by_role("link", name="Folgen: per E-Mail erfahren, was aus ihm wird")
    expect(follow).to_have_attribute(
        "href", f"/projects/{existing.project.slug}/suggestions/{existing.pk}/?ask=follow#follow"
    )
    screenshot(page, "map-duplicate-supported")
    assert Support.objects.filter(suggestion=existing, user=citizen).exists()
    assert not Suggestion.objects.exclude(pk=existing.pk).exists()


def test_the_duplicate_hint_for_a_line_running_along_another(live_server, page, citizen, categories):
    SuggestionFactory(
        category=categories["line"],
        geom=LineString((8.397, 49.0001), (8.403, 49.0001), srid=4326),
        title="Radweg Kaiserstraße",
    )
    SuggestionFactory(
        category=categories["line"],
        geom=LineString((8.400, 48.997), (8.400, 49.003), srid=4326),
        title="Querender Weg",
    )
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    start_suggestion(page, "Radweg")
    click_map(page, 8.3975, 49.0)
    click_map(page, 8.4025, 49.0)
    click_map(page, 8.4025, 49.0)

    hint = page.locator("#duplicates")
    expect(hint).to_contain_text("Radweg Kaiserstraße")
    expect(hint).not_to_contain_text("Querender Weg")
    screenshot(page, "map-duplicate-line")


def test_commenting_and_replying(live_server, page, citizen, categories):
    suggestion = SuggestionFactory(category=categories["point"], title="Lader am Bahnhof")
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}{MAP}suggestions/{suggestion.pk}/")
    assert serious_violations(page) == []

    page.get_by_label("Ihr Kommentar").fill("Sehr gute Idee, da fehlt einer.")
    page.get_by_role("button", name="Kommentar senden").click()

    expect(page.locator(".comment").first).to_contain_text("Sehr gute Idee")
    page.get_by_text("Antworten", exact=True).first.click()
    page.get_by_label("Ihre Antwort").fill("Finde ich auch.")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(".comment--reply")).to_contain_text("Finde ich auch.")
    assert Comment.objects.filter(suggestion=suggestion).count() == 2
    screenshot(page, "suggestion-with-comments")


def test_supporting_once_a_second_time_is_refused_then_withdrawn(live_server, page, citizen, categories):
    suggestion = SuggestionFactory(category=categories["point"])
    url = f"{live_server.url}{MAP}suggestions/{suggestion.pk}/"
    sign_in(page, live_server, citizen)
    stale = page.context.new_page()  # a second tab, opened before supporting
    stale.goto(url)
    page.goto(url)

    page.get_by_role("button", name="Diesen Vorschlag unterstützen").click()
    expect(page.locator("#support-count")).to_contain_text("1 Person")
    stale.get_by_role("button", name="Diesen Vorschlag unterstützen").click()
    expect(stale.locator("#support .field-error")).to_have_text("Sie unterstützen diesen Vorschlag bereits.")

    assert Support.objects.filter(suggestion=suggestion).count() == 1
    suggestion.refresh_from_db()
    assert suggestion.support_count == 1
    page.get_by_role("button", name="Meine Unterstützung zurückziehen").click()
    expect(page.locator("#support-count")).to_contain_text("0 Personen")
    assert not Support.objects.exists()


def test_reporting_a_suggestion(live_server, page, citizen, categories):
    suggestion = SuggestionFactory(category=categories["point"])
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}{MAP}suggestions/{suggestion.pk}/")

    page.get_by_text("Diesen Vorschlag melden").click()
    page.get_by_label("Spam oder Werbung").check()
    page.get_by_role("button", name="Meldung senden").first.click()

    expect(page.locator(".messages")).to_contain_text("Moderation")
    report = Report.objects.get()
    assert (report.suggestion, report.reporter, report.reason) == (suggestion, citizen, "spam")


def test_pre_moderation_shows_a_new_suggestion_only_to_its_author(
    live_server, page, browser, citizen, categories, project
):
    project.moderation_mode = ModerationMode.PRE
    project.save()
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    start_suggestion(page, "Ladestation")
    click_map(page, 8.401, 49.001)
    send(page, "Noch nicht geprüft")

    expect(page.locator("#compose-result")).to_contain_text("Moderation")
    suggestion = Suggestion.objects.get()
    assert suggestion.moderation_state == ModerationState.PENDING
    page.locator("#compose-result a").click()
    expect(page.locator("#pending-notice")).to_be_visible()
    screenshot(page, "suggestion-pending")
    page.goto(live_server.url + MAP)
    page.get_by_label("Nur meine Vorschläge").check()
    expect(page.locator("#suggestion-list")).to_contain_text("Noch nicht geprüft")

    other = browser.new_context(locale="de-DE").new_page()
    sign_in(other, live_server, CitizenFactory())
    response = other.goto(f"{live_server.url}{MAP}suggestions/{suggestion.pk}/")
    assert response.status == 404
    other.goto(live_server.url + MAP)
    wait_for_map(other)
    expect(other.locator("#suggestion-list")).not_to_contain_text("Noch nicht geprüft")
    other.context.close()


def test_hostile_titles_run_no_script_anywhere_they_are_shown(live_server, page, citizen, categories):
    hostile = SuggestionFactory(
        category=categories["point"], geom=Point(8.4, 49.0, srid=4326), title=HOSTILE, text=HOSTILE
    )
    CommentFactory(suggestion=hostile, text=HOSTILE, display_name=HOSTILE[:80])
    sign_in(page, live_server, citizen)
    open_map(page, live_server, zoom=17)

    # the list beside the map
    expect(page.locator("#suggestion-list")).to_contain_text("<script>")
    # the popup on the canvas map
    click_map(page, 8.4, 49.0)
    expect(page.locator(".popup-title")).to_have_text(HOSTILE)
    # the duplicate hint
    start_suggestion(page, "Ladestation")
    click_map(page, 8.4003, 49.0)
    expect(page.locator("#duplicates")).to_contain_text("<script>")
    # the suggestion's page with its comments, and the page title
    page.goto(f"{live_server.url}{MAP}suggestions/{hostile.pk}/")
    expect(page.locator("h1")).to_have_text(HOSTILE)
    expect(page.locator(".comment-text")).to_contain_text("<img src=x")
    assert HOSTILE in page.title()

    assert page.locator("img[src=x]").count() == 0
    assert page.get_attribute("body", "data-pwned") is None
    assert not [e for e in page.js_errors if "pwned" in e]


def test_sending_again_after_a_lost_answer_stores_the_suggestion_once(live_server, page, citizen, categories):
    """The connection drops after the server stored the suggestion (a phone between two cells): the citizen
    presses send again, the same request goes out under the same Idempotency-Key, and the server repeats its
    first answer instead of storing the suggestion a second time."""
    sign_in(page, live_server, citizen)
    open_map(page, live_server)
    keys = []

    def lose_the_first_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server does the work …
            return route.abort("connectionreset")  # … and its answer never arrives
        return route.continue_()

    page.route(re.compile(r".*/api/v1/projects/test-project/suggestions/$"), lose_the_first_answer)
    start_suggestion(page, "Ladestation")
    click_map(page, 8.401, 49.001)
    page.get_by_label("Titel").fill("Ladestation am Funkloch")
    page.get_by_role("button", name="Vorschlag absenden").click()
    expect(page.locator("#error-form")).to_contain_text("Verbindung")
    assert Suggestion.objects.count() == 1  # stored, though the browser never heard of it

    page.get_by_role("button", name="Vorschlag absenden").click()
    expect(page.locator("#compose-result")).to_contain_text("jetzt auf der Karte")
    assert len(keys) == 2
    assert keys[0]
    assert keys[0] == keys[1]
    assert Suggestion.objects.count() == 1
