"""Reading our Atom feeds as a feed reader does (feedparser), for the feed tests of participation and geo."""

import feedparser

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DE = {"HTTP_ACCEPT_LANGUAGE": "de"}


def parse(response) -> feedparser.FeedParserDict:
    """The feed of a 200 answer, which must be Atom that feedparser reads without complaint (bozo 0)."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def detail(suggestion) -> str:
    """A suggestion page's absolute address: its entries' id and link."""
    return f"http://testserver/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/"
