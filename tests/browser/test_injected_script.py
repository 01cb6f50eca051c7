"""Injected script never runs where people read others' text: the map popup and list, the suggestion page,
the moderation queue, and the mails to authors — checked in Debian's chromium.

Each payload would set `window.__xss` or open a dialog if it ran. The Content-Security-Policy would stop
inline script anyway; the tests also prove the markup never became elements (it is text), so escaping,
not only the CSP, keeps people safe.
"""

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from playwright.sync_api import expect

from participation.models import ModerationState
from tests.browser.helpers import click_map, sign_in, wait_for_map
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    CommentFactory,
    ProjectFactory,
    SuggestionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMG = '<img src=x onerror="window.__xss=1;alert(1)">'
SCRIPT = "<script>window.__xss=1;alert(1)</script>"
SVG = '<svg onload="window.__xss=1;alert(1)"></svg>'
INJECTED = 'img[src=x], svg[onload], script:not([src]):not([type="application/json"])'


@pytest.fixture
def watched(page):
    """The page, with a record of every dialog that opened (and dismissed, so nothing hangs)."""
    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.dialogs = dialogs
    return page


def assert_nothing_ran(page) -> None:
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert page.locator(INJECTED).count() == 0


@pytest.fixture
def hostile(db):
    project = ProjectFactory(slug="test-project", title_de=f"Projekt {SVG}", title_en=f"Project {SVG}")
    category = CategoryFactory(project=project, key="charging-station", geometry_kind="point")
    author = CitizenFactory(profile__display_name=IMG)
    suggestion = SuggestionFactory(
        category=category,
        author=author,
        geom=Point(8.40, 49.00, srid=4326),
        title=IMG,
        text=f"{SCRIPT}\n{SVG}",
        display_name=IMG,
    )
    CommentFactory(
        suggestion=suggestion, text=SCRIPT, display_name=SVG, moderation_state=ModerationState.PENDING
    )
    project.map_center = suggestion.geom
    project.map_zoom = 17
    project.save()
    return {"project": project, "category": category, "suggestion": suggestion, "author": author}


def test_the_map_popup_and_list_show_markup_as_text(live_server, watched, hostile):
    watched.goto(f"{live_server.url}/projects/test-project/")
    wait_for_map(watched)

    click_map(watched, 8.40, 49.00)

    popup = watched.locator(".leaflet-popup-content")
    expect(popup.locator(".popup-title")).to_have_text(IMG)
    expect(watched.locator("#suggestion-list")).to_contain_text(IMG)
    assert_nothing_ran(watched)


def test_the_suggestion_page_shows_markup_as_text(live_server, watched, hostile):
    watched.goto(f"{live_server.url}/projects/test-project/suggestions/{hostile['suggestion'].pk}/")

    expect(watched.locator("h1")).to_contain_text(IMG)
    expect(watched.locator("main")).to_contain_text(SCRIPT)
    expect(watched.locator("main")).to_contain_text(SVG)
    assert_nothing_ran(watched)


def test_the_moderation_queue_shows_markup_as_text(live_server, watched, hostile):
    pending = SuggestionFactory(
        category=hostile["category"],
        title=SCRIPT,
        text=IMG,
        display_name=SVG,
        moderation_state=ModerationState.PENDING,
    )
    CommentFactory(
        suggestion=hostile["suggestion"],
        text=IMG,
        display_name=SCRIPT,
        moderation_state=ModerationState.PENDING,
    )
    moderator = UserFactory(moderator_of=hostile["project"])
    sign_in(watched, live_server, moderator)

    watched.goto(f"{live_server.url}/projects/test-project/moderation/")

    expect(watched.locator(f"#item-suggestion-{pending.pk}")).to_contain_text(SCRIPT)
    expect(watched.locator("main")).to_contain_text(IMG)
    assert_nothing_ran(watched)


def test_mails_to_authors_carry_markup_as_plain_text(live_server, watched, hostile, run_worker):
    planner = UserFactory(planner_of=hostile["project"])
    sign_in(watched, live_server, planner)
    watched.goto(f"{live_server.url}/projects/test-project/planning/suggestions/{hostile['suggestion'].pk}/")
    watched.locator("select[name=status], input[name=status]").first.select_option("planned")
    watched.locator("textarea[name=answer]").fill(f"{SCRIPT} {IMG}")
    watched.locator("form button[type=submit]").last.click()
    watched.wait_for_load_state()

    assert run_worker() == 0
    [message] = mail.outbox
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])  # no HTML part a mail program could render
    assert f"Projekt {SVG}" in message.subject  # as written, not "&lt;svg" in a plain-text subject
    assert IMG in message.body
    assert SCRIPT in message.body
    # What a mail program does with text/plain: show it as text.
    watched.route(
        "http://mail.test/", lambda route: route.fulfill(body=message.body, content_type="text/plain")
    )
    watched.goto("http://mail.test/")
    expect(watched.locator("body")).to_contain_text(IMG)
    assert_nothing_ran(watched)
