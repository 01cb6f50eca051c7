"""An anonymous citizen in a real browser: the ALTCHA widget solves its proof-of-work in its worker, the
server verifies it once; one support per browser; limits per address answer 429."""

import json

import pytest
from altcha import Challenge, Payload, solve_challenge
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from playwright.sync_api import expect

from participation.models import Comment, Suggestion, Support
from participation.participants import Participant
from participation.throttling import rate_window
from tests.browser.helpers import (
    centre_map,
    click_map,
    screenshot,
    serious_violations,
    small_targets,
    wait_for_map,
)
from tests.factories import CategoryFactory, SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
TEXTS = {
    "de": {
        "start": "Vorschlag machen",
        "category": "Ladestation",
        "title": "Titel",
        "name": "Ihr Name (freiwillig, wird mit dem Vorschlag gezeigt)",
        "send": "Vorschlag absenden",
        "done": "jetzt auf der Karte",
    },
    "en": {
        "start": "Make a suggestion",
        "category": "Charging station",
        "title": "Title",
        "name": "Your name (optional, shown with the suggestion)",
        "send": "Send suggestion",
        "done": "now on the map",
    },
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def open_project(project):
    project.allow_anonymous = True
    project.save()
    return project


@pytest.fixture
def category(open_project):
    return CategoryFactory(
        project=open_project, key="charging-station", label_de="Ladestation", label_en="Charging station"
    )


@pytest.fixture
def anonymous_page(new_page):
    """A fresh browser context per language and viewport, like a citizen's own phone or computer."""

    def make(language="de", viewport=DESKTOP):
        return new_page(
            viewport=viewport,
            locale="de-DE" if language == "de" else "en-GB",
            has_touch=viewport is PHONE,
            is_mobile=viewport is PHONE,
        )

    return make


def solve_in(form) -> None:
    """Tick "I'm not a robot" as a person does, unless the widget already started when the form got focus,
    and wait for its worker to find the solution."""
    widget = form.locator("altcha-widget .altcha")
    expect(widget).not_to_have_attribute("data-state", "verifying", timeout=20_000)
    if widget.get_attribute("data-state") != "verified":
        form.locator("altcha-widget label").first.click()
    expect(widget).to_have_attribute("data-state", "verified", timeout=20_000)


def python_proof(page, live_server) -> str:
    challenge = Challenge.from_dict(page.request.get(live_server.url + "/api/v1/altcha/challenge/").json())
    return Payload(challenge, solve_challenge(challenge)).to_base64()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_an_anonymous_suggestion_with_the_real_widget(
    live_server, anonymous_page, category, language, viewport
):
    texts = TEXTS[language]
    page = anonymous_page(language, viewport)
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, 8.40, 49.00, 16)

    if viewport is PHONE:
        # On a phone the panel is a bottom sheet: open it, start, and tap the map above it.
        page.locator("#sheet-handle").tap()
        page.get_by_role("button", name=texts["start"]).tap()
        page.locator("#compose-form label.choice", has_text=texts["category"]).tap()
        sheet_top = page.locator("#panel").bounding_box()["y"]
        map_box = page.locator("#map").bounding_box()
        page.touchscreen.tap(map_box["x"] + map_box["width"] / 2, (map_box["y"] + sheet_top) / 2)
    else:
        page.get_by_role("button", name=texts["start"]).click()
        page.get_by_role("radio", name=texts["category"]).check()
        click_map(page, 8.40, 49.00)
    page.get_by_label(texts["title"], exact=True).fill("Anonyme Ladestation")
    page.get_by_label(texts["name"]).fill("Bea")
    form = page.locator("#compose-form")
    solve_in(form)
    screenshot(page, f"anonymous-compose-{language}-{'phone' if viewport is PHONE else 'desktop'}")
    assert serious_violations(page) == []
    if viewport is PHONE:
        form.locator("altcha-widget").scroll_into_view_if_needed()
        assert small_targets(page) == []
    page.get_by_role("button", name=texts["send"]).click()

    expect(page.locator("#compose-result")).to_contain_text(texts["done"])
    suggestion = Suggestion.objects.get()
    assert (suggestion.author, suggestion.display_name, suggestion.title) == (
        None,
        "Bea",
        "Anonyme Ladestation",
    )
    assert page.js_errors == []


def test_a_replayed_widget_payload_is_refused(live_server, anonymous_page, category):
    page = anonymous_page("en")
    sent = []
    page.on("request", lambda request: sent.append(request.post_data) if request.method == "POST" else None)
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, 8.40, 49.00, 16)
    page.get_by_role("button", name="Make a suggestion").click()
    page.get_by_role("radio", name="Charging station").check()
    click_map(page, 8.40, 49.00)
    page.get_by_label("Title", exact=True).fill("First")
    page.get_by_role("button", name="Send suggestion").click()  # the widget solves when sending
    expect(page.locator("#compose-result")).to_be_visible()

    body = json.loads(next(data for data in sent if data and '"Feature"' in data))
    assert body["altcha"]
    body["properties"]["title"] = "Replayed"
    replay = page.request.post(
        live_server.url + "/api/v1/projects/test-project/suggestions/",
        data=json.dumps(body),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )

    assert replay.status == 400
    assert replay.json()["code"] == "proof_replayed"
    assert list(Suggestion.objects.values_list("title", flat=True)) == ["First"]


def test_anonymous_comment_and_support_on_the_suggestion_page(live_server, anonymous_page, category):
    suggestion = SuggestionFactory(project=category.project, category=category, title="Ladestation Ostring")
    page = anonymous_page("de")
    page.goto(f"{live_server.url}/projects/test-project/suggestions/{suggestion.pk}/")

    comment_form = page.locator("#comment-form")
    comment_form.get_by_label("Ihr Kommentar").fill("Gute Idee, bitte mit Überdachung.")
    comment_form.get_by_label("Ihr Name (freiwillig, wird mit dem Kommentar gezeigt)").fill("Bea")
    solve_in(comment_form)
    comment_form.get_by_role("button", name="Kommentar senden").click()
    expect(page.locator(".comment-list")).to_contain_text("Gute Idee, bitte mit Überdachung.")
    expect(page.locator(".comment-list")).to_contain_text("Bea")

    support_form = page.locator("#support-form")
    solve_in(support_form)
    support_form.get_by_role("button", name="Diesen Vorschlag unterstützen").click()
    expect(page.locator("#support-button")).to_have_text("Meine Unterstützung zurückziehen")
    expect(page.locator("#support-count")).to_contain_text("1 Person")
    screenshot(page, "anonymous-suggestion-page-de")
    assert serious_violations(page) == []

    # The same browser, with a freshly solved proof, still cannot support twice.
    second = page.request.post(
        f"{live_server.url}/api/v1/suggestions/{suggestion.pk}/support/",
        data=json.dumps({"altcha": python_proof(page, live_server)}),
        headers={"Content-Type": "application/json", "Accept-Language": "de"},
    )
    assert second.status == 409
    assert second.json()["message"] == "Sie unterstützen diesen Vorschlag bereits."
    assert Support.objects.filter(suggestion=suggestion).count() == 1
    assert Comment.objects.get().author is None
    assert page.js_errors == []


def test_the_comment_limit_reached_answers_429_at_the_form(live_server, anonymous_page, category, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "comment": "1/3600"}
    # Every browser test comes from 127.0.0.1: this one starts from an empty comment counter.
    local = Participant(user=AnonymousUser(), address="127.0.0.1")
    cache.delete(rate_window(scope="comment", ident=local.rate_ident)[0])
    suggestion = SuggestionFactory(project=category.project, category=category)
    page = anonymous_page("en")
    url = f"{live_server.url}/projects/test-project/suggestions/{suggestion.pk}/"
    page.goto(url)
    form = page.locator("#comment-form")
    form.get_by_label("Your comment").fill("First comment")
    form.get_by_role("button", name="Send comment").click()  # the widget solves before sending
    expect(page.locator(".messages")).to_contain_text("Your comment is published.")

    form.get_by_label("Your comment").fill("Second comment")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        form.get_by_role("button", name="Send comment").click()

    assert answer.value.status == 429
    expect(page.locator("#comment-error")).to_contain_text("You have done this too often")
    expect(page.locator("#comment-text")).to_have_value("Second comment")  # nothing typed is lost
    assert list(Comment.objects.values_list("text", flat=True)) == ["First comment"]
