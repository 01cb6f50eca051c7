"""The feeds as people find them: the map page and a suggestion's page name their feed for readers and
browsers (<link rel="alternate">) and show a link to it, reached with the keyboard, in both languages; what
the link leads to is the Atom feed a reader parses."""

import feedparser
import pytest
from playwright.sync_api import expect

from participation import services
from tests.browser.helpers import screenshot, serious_violations
from tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
LINKS = {
    "de": ("Feed der neuen Vorschläge (Atom)", "Planungsstand und Kommentare im Feedreader verfolgen (Atom)"),
    "en": ("Feed of new suggestions (Atom)", "Follow status and comments in a feed reader (Atom)"),
}


@pytest.fixture
def answered(categories, planner):
    suggestion = SuggestionFactory(category=categories["point"], title="Ladesäule am Markt")
    services.suggestion_answer(
        actor=planner, suggestion_id=suggestion.pk, status="planned", answer="Wird 2027 gebaut."
    )
    return suggestion


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_pages_show_and_name_their_feeds(live_server, new_page, answered, language, viewport):
    page = new_page(
        viewport=VIEWPORTS[viewport], locale=language, extra_http_headers={"Accept-Language": language}
    )
    map_link, detail_link = LINKS[language]

    page.goto(f"{live_server.url}/projects/{answered.project.slug}/")
    alternates = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(alternates).to_have_count(1 + 2)  # the project's, then each category's
    link = page.get_by_role("link", name=map_link)
    if viewport == "phone":
        page.locator("#sheet-handle").click()  # the list and its feed link are in the bottom sheet
    link.scroll_into_view_if_needed()
    link.focus()
    expect(link).to_be_focused()
    expect(link).to_be_visible()
    screenshot(page, f"feed-link-map-{viewport}-{language}", full_page=False)
    feed = feedparser.parse(page.request.get(live_server.url + link.get_attribute("href")).body())
    assert feed.bozo == 0
    assert [entry.title for entry in feed.entries] == ["Ladesäule am Markt"]

    page.goto(f"{live_server.url}/projects/{answered.project.slug}/suggestions/{answered.pk}/")
    expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]')).to_have_count(1)
    link = page.get_by_role("link", name=detail_link)
    link.scroll_into_view_if_needed()
    link.focus()
    expect(link).to_be_focused()
    expect(link).to_be_in_viewport()
    screenshot(page, f"feed-link-detail-{viewport}-{language}", full_page=False)
    feed = feedparser.parse(page.request.get(live_server.url + link.get_attribute("href")).body())
    assert feed.bozo == 0
    assert "Wird 2027 gebaut." in feed.entries[0].summary
    assert serious_violations(page) == []
