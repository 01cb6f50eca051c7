"""A moderator works the queue in a real browser with the keyboard only: j/k move, r + a reason + Enter
rejects, h hides, a approves, x selects, ? shows the help. Plus axe and a phone-sized check."""

import os
from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone
from playwright.sync_api import expect

from participation.models import ModerationEvent, ModerationState, Report
from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    CommentFactory,
    ReportFactory,
    SuggestionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/projects/test-project/moderation/"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
S = ModerationState


def ago(**delta):
    return timezone.now() - timedelta(**delta)


@pytest.fixture
def moderator(project):
    return CitizenFactory(
        username="mona", email="mona@example.org", profile__display_name="Mona M.", moderator_of=project
    )


@pytest.fixture
def queue(project, citizen):
    """Two new suggestions (a point, a line), a reported one and a new comment on it, oldest first."""
    station = CategoryFactory(
        project=project, key="charging-station", label_de="Ladestation", label_en="Charging station"
    )
    path = CategoryFactory(
        project=project,
        key="bike-path",
        geometry_kind="line",
        colour="#c2410c",
        label_de="Radweg",
        label_en="Bike path",
    )
    first = SuggestionFactory(
        category=station,
        moderation_state=S.PENDING,
        title="Ladestation am Marktplatz",
        text="Vor dem Rathaus fehlt eine Lademöglichkeit für E-Bikes.",
        author=citizen,
        geom=Point(8.4037, 49.0093, srid=4326),
        created_at=ago(days=2, hours=3),
    )
    second = SuggestionFactory(
        category=path,
        moderation_state=S.PENDING,
        title="Radweg Kaiserstraße durchgehend",
        text="Zwischen Europaplatz und Marktplatz endet der Radweg zweimal.",
        display_name="Radlerin",
        geom=LineString((8.3930, 49.0095), (8.3990, 49.0094), (8.4040, 49.0092), srid=4326),
        created_at=ago(days=1, hours=5),
    )
    reported = SuggestionFactory(
        category=station,
        title="Billige Uhren!!! www.example.com",
        text="Jetzt kaufen, nur heute.",
        display_name="Uhren Shop",
        geom=Point(8.4100, 48.9990, srid=4326),
        created_at=ago(days=5),
    )
    for n, text in enumerate(["Reine Werbung.", "Spam, bitte entfernen."]):
        ReportFactory(
            suggestion=reported,
            reporter=UserFactory(),
            reason="spam",
            text=text,
            created_at=ago(hours=20 - n),
        )
    comment = CommentFactory(
        suggestion=reported, text="Das ist doch Werbung?", display_name="Kai", moderation_state=S.PENDING
    )
    return {"first": first, "second": second, "reported": reported, "comment": comment}


def open_queue(page, live_server, user):
    sign_in(page, live_server, user)
    page.goto(live_server.url + QUEUE)
    page.wait_for_selector("body[data-moderation=ready]")


def focused_item(page) -> str:
    return page.evaluate(
        "() => document.activeElement.closest('.queue-item')?.id || document.activeElement.id"
    )


def all_maps_drawn(page):
    """Maps are drawn as they come near the screen: scroll through the page once, then back to the top."""
    height = page.evaluate("() => document.body.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate("(y) => window.scrollTo(0, y)", y)
        page.wait_for_timeout(50)
    expect(page.locator(".queue-map[data-drawn]")).to_have_count(page.locator(".queue-map").count())
    page.evaluate("() => window.scrollTo(0, 0)")


def press_and_wait(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_selector("body[data-moderation=ready]")


def test_working_the_queue_with_the_keyboard_only(live_server, page, moderator, queue):
    first, second, reported = queue["first"], queue["second"], queue["reported"]
    open_queue(page, live_server, moderator)
    assert focused_item(page) == f"item-suggestion-{first.pk}"  # oldest first, focused on arrival
    assert serious_violations(page) == []
    all_maps_drawn(page)
    screenshot(page, "moderation-queue")

    page.keyboard.press("x")  # select for a bulk decision, and back
    assert page.is_checked(f"#select-suggestion-{first.pk}")
    page.keyboard.press("x")
    assert not page.is_checked(f"#select-suggestion-{first.pk}")
    page.keyboard.press("?")
    assert focused_item(page) == "shortcuts"
    page.keyboard.press("Escape")
    assert focused_item(page) == f"item-suggestion-{first.pk}"

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert focused_item(page) == f"item-suggestion-{second.pk}"
    page.keyboard.press("r")
    page.keyboard.type("Doppelt: siehe Radweg Nr. 12, bitte dort unterstützen.")  # "a" and "h" are typed
    press_and_wait(page, "Enter")

    second.refresh_from_db()
    assert second.moderation_state == S.REJECTED
    event = ModerationEvent.objects.get(suggestion=second)
    assert (event.actor, event.action, event.reason) == (
        moderator,
        "reject",
        "Doppelt: siehe Radweg Nr. 12, bitte dort unterstützen.",
    )
    assert "Vorschlag Nr." in page.inner_text(".messages")
    # The next item after the decided one has the focus: the reported suggestion.
    assert focused_item(page) == f"item-suggestion-{reported.pk}"
    press_and_wait(page, "h")

    reported.refresh_from_db()
    assert reported.moderation_state == S.HIDDEN
    assert not Report.objects.filter(suggestion=reported, resolved_at__isnull=True).exists()
    assert focused_item(page) == f"item-comment-{queue['comment'].pk}"
    page.keyboard.press("r")
    page.keyboard.type("Frage ohne Bezug zum Vorschlag.")
    press_and_wait(page, "Enter")

    queue["comment"].refresh_from_db()
    assert queue["comment"].moderation_state == S.REJECTED
    assert focused_item(page) == f"item-suggestion-{first.pk}"
    page.keyboard.press("u")  # not offered for a new suggestion: nothing happens, and that is said
    expect(page.locator("body > p.visually-hidden[role=status]")).to_have_text(
        "Diese Entscheidung ist für diesen Eintrag nicht möglich."
    )
    press_and_wait(page, "a")

    first.refresh_from_db()
    assert first.moderation_state == S.PUBLISHED
    assert ModerationEvent.objects.get(suggestion=first).action == "approve"
    assert page.js_errors == []


def test_the_queue_on_a_phone(live_server, browser, moderator, queue):
    context = browser.new_context(locale="de-DE", **PHONE)
    page = context.new_page()
    try:
        open_queue(page, live_server, moderator)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert small_targets(page) == []
        assert serious_violations(page) == []
        assert page.evaluate("() => window.scrollY") == 0
        # A phone has no keyboard: arriving shows the counts and the first item, not the keyboard's help.
        expect(page.locator("#shortcuts")).to_be_hidden()
        expect(page.locator(".queue-item-head").first).to_be_in_viewport(ratio=1)
        screenshot(page, "moderation-queue-phone", full_page=False)
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('.queue-item :is(button, input, textarea)')]
              .filter((el) => el.getBoundingClientRect().right > el.closest('.queue-item')
                .getBoundingClientRect().right).map((el) => el.outerHTML.slice(0, 60))"""
        )
        assert overflowing == []
        # The facts about the author read as words: none split over two lines ("Veröffentl-icht").
        split_words = page.evaluate(
            """() => [...document.querySelectorAll('.queue-item .facts dd')].flatMap((dd) => {
              const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
              const split = [];
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const word of node.data.matchAll(/\\S+/g)) {
                  const range = document.createRange();
                  range.setStart(node, word.index);
                  range.setEnd(node, word.index + word[0].length);
                  const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                  if (lines.size > 1) split.push(word[0]);
                }
              }
              return split;
            })"""
        )
        assert split_words == []
        page.keyboard.press("Tab")  # plain Tab reaches the item's controls in order
        assert page.evaluate("() => document.activeElement.tagName") in ("INPUT", "TEXTAREA", "BUTTON", "A")
    finally:
        context.close()


@pytest.mark.parametrize("size", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_rejecting_without_a_reason_keeps_the_queue_address_and_says_so_at_the_item(
    live_server, browser, moderator, queue, size
):
    context = browser.new_context(viewport=size, locale="de-DE")
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    try:
        _reject_without_reason(live_server, page, moderator, queue, size)
    finally:
        context.close()


def _reject_without_reason(live_server, page, moderator, queue, size):
    second = queue["second"]
    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}{QUEUE}?page=1&why=new")
    page.wait_for_selector("body[data-moderation=ready]")
    item = page.locator(f"#item-suggestion-{second.pk}")

    with page.expect_navigation():
        item.get_by_role("button", name="Ablehnen").click()
    page.wait_for_selector("body[data-moderation=ready]")

    # the browser shows the queue's own address with its query, at the item, not …/moderation/decide/
    assert page.url == f"{live_server.url}{QUEUE}?page=1&why=new#item-suggestion-{second.pk}"
    error = item.locator(".item-error")
    expect(error).to_have_text(
        "Bitte geben Sie einen Grund an: Die Verfasserin oder der Verfasser wird ihn lesen."
    )
    # shown at the item: inside its box, right above its reason field, and in view
    box, field, at = (
        item.bounding_box(),
        item.locator("textarea[data-reason]").bounding_box(),
        error.bounding_box(),
    )
    assert box["y"] <= at["y"]
    assert at["y"] + at["height"] <= field["y"] <= box["y"] + box["height"]
    assert at["y"] >= 0
    assert field["y"] + field["height"] <= page.viewport_size["height"]  # message and field both in view
    assert focused_item(page) == f"item-suggestion-{second.pk}"
    # typing goes into the reason at once, and Enter decides again
    assert page.evaluate("() => document.activeElement.id") == f"reason-suggestion-{second.pk}"
    if shots := os.environ.get("SHOTS_DIR"):  # pictures for reviewers, outside the repository
        page.screenshot(path=f"{shots}/queue-reject-without-reason-test-{size['width']}.png")
    second.refresh_from_db()
    assert second.moderation_state == S.PENDING

    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.reload()
    page.wait_for_selector("body[data-moderation=ready]")
    assert posts == []  # a reload asks for the queue again, it does not send the refused decision
    expect(item.locator(".item-error")).to_have_count(0)  # said once
    assert ModerationEvent.objects.filter(suggestion=second).count() == 0

    item.locator("textarea[data-reason]").fill("Doppelt: siehe Nr. 12.")
    press_and_wait(page, "Enter")
    second.refresh_from_db()
    assert second.moderation_state == S.REJECTED
    assert page.url.startswith(f"{live_server.url}{QUEUE}?page=1&why=new#item-")  # the query kept here too
    assert page.js_errors == []
