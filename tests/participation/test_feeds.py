"""The Atom feeds, read by a real feed parser (feedparser): valid, exactly the published entries, public
names only, bounded and in one query; every bad address a clear 400/404 in the reader's language."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from participation import services
from participation.models import ModerationState
from participation.selectors.feeds import FEED_ENTRIES
from tests.factories import CategoryFactory, CommentFactory, ProjectFactory, SuggestionFactory
from tests.feed_reading import DE, EN, detail, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project, point_category, line_category, citizen):
    """Published suggestions of both categories and every kind that must stay out of the feeds."""
    now = timezone.now()
    published = [
        SuggestionFactory(
            category=point_category, author=citizen, title="Ladesäule am Markt", created_at=now - timedelta(1)
        ),
        SuggestionFactory(category=line_category, display_name="", title="Radweg Kaiserstraße"),
        SuggestionFactory(category=point_category, title="Ladepunkt Schloss", created_at=now - timedelta(2)),
    ]
    unpublished = [
        SuggestionFactory(category=point_category, title=f"SECRET-{state}", moderation_state=state)
        for state in (
            ModerationState.PENDING,
            ModerationState.REJECTED,
            ModerationState.HIDDEN,
            ModerationState.WITHDRAWN,
        )
    ]
    unpublished.append(
        SuggestionFactory(
            category=point_category,
            title="SECRET-merged",
            moderation_state=ModerationState.MERGED,
            merged_into=published[0],
        )
    )
    elsewhere = SuggestionFactory(title="SECRET-other-project")
    return {"published": published, "unpublished": unpublished, "elsewhere": elsewhere}


def test_the_project_feed_holds_exactly_the_published_suggestions_newest_first(client, world, citizen):
    response = client.get("/projects/test-project/feed/", **EN)

    feed = parse(response)
    published = world["published"]
    newest_first = [published[1], published[0], published[2]]
    assert [entry.id for entry in feed.entries] == [detail(s) for s in newest_first]
    assert [entry.link for entry in feed.entries] == [detail(s) for s in newest_first]
    assert [entry.title for entry in feed.entries] == [s.title for s in newest_first]
    assert b"SECRET" not in response.content
    # Public names only, as the pages show them; never an account's e-mail address or user name.
    assert [entry.author for entry in feed.entries] == ["A participant", "Anna K.", "Anna K."]
    assert citizen.email.encode() not in response.content
    assert b"<email>" not in response.content
    assert f">{citizen.username}<".encode() not in response.content
    for entry in feed.entries:
        assert entry.updated_parsed
        assert entry.published_parsed
    assert feed.feed.title == f"{published[0].project.title_en}: new suggestions"
    assert feed.feed.link == "http://testserver/projects/test-project/"
    assert {tag.term for tag in feed.entries[0].tags} == {"Received", str(published[1].category.label)}


def test_feed_texts_are_the_readers_language_and_a_persons_text_is_never_html(
    client, project, point_category
):
    SuggestionFactory(
        category=point_category, display_name="", text='<script>alert(1)</script> <b>fett</b> "&amp;"'
    )

    feed = parse(client.get("/projects/test-project/feed/", **DE))

    assert feed.feed.title == f"{project.title_de}: neue Vorschläge"
    (entry,) = feed.entries
    assert entry.author == "Anonym"  # "A participant", as the German pages say it
    # The reader shows the text as text: the markup arrives escaped, nothing is executed or bold.
    assert "<script>" not in entry.summary
    assert "<b>" not in entry.summary
    assert "&lt;b&gt;fett&lt;/b&gt;" in entry.summary


def test_a_feed_is_one_query_after_the_project_and_bounded(
    client, project, point_category, django_assert_num_queries
):
    start = timezone.now() - timedelta(days=1)
    made = [
        SuggestionFactory(category=point_category, created_at=start + timedelta(minutes=n))
        for n in range(FEED_ENTRIES + 5)
    ]

    # The project with its categories, then the entries: no query per entry.
    with django_assert_num_queries(2):
        response = client.get("/projects/test-project/feed/", **EN)

    feed = parse(response)
    assert len(feed.entries) == FEED_ENTRIES
    assert [e.id for e in feed.entries] == [detail(s) for s in reversed(made)][:FEED_ENTRIES]


def test_the_category_feed_holds_only_its_categorys_published_suggestions(client, world, line_category):
    response = client.get("/projects/test-project/feed/categories/charging-station/", **EN)

    feed = parse(response)
    published = world["published"]
    assert [entry.id for entry in feed.entries] == [detail(published[0]), detail(published[2])]
    assert b"SECRET" not in response.content
    assert feed.feed.title.endswith(f"new suggestions in “{published[0].category.label_en}”")


@pytest.mark.parametrize(
    "key",
    [
        "no-such-category",
        "charging-station' OR '1'='1",
        "charging-station;DROP TABLE participation_suggestion",
        "%3Cimg%20src=x%20onerror=alert(1)%3E",
        "x" * 3000,
        "%00",
    ],
)
def test_an_unknown_category_is_a_404_that_names_the_projects_categories(client, world, key):
    response = client.get(f"/projects/test-project/feed/categories/{key}/", **EN)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "This project&#x27;s categories are: bike-path, charging-station." in body
    assert "<img src=x" not in body


def test_refusals_are_in_the_readers_language(client, world):
    response = client.get("/projects/test-project/feed/categories/nope/", **DE)

    assert response.status_code == 404
    assert "Unbekannte Kategorie" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/projects/no-such-project/feed/",
        "/projects/no-such-project/feed/categories/charging-station/",
        "/projects/no-such-project/feed/place/?lat=49&lon=8.4&radius=500",
        "/projects/hidden-project/feed/",
        "/projects/hidden-project/feed/categories/charging-station/",
        "/projects/hidden-project/feed/place/?lat=49&lon=8.4&radius=500",
    ],
)
def test_a_private_or_unknown_project_has_no_feeds(client, path):
    private = ProjectFactory(slug="hidden-project", is_public=False)
    SuggestionFactory(category=CategoryFactory(project=private, key="charging-station"), title="SECRET")

    response = client.get(path, **EN)

    assert response.status_code == 404
    assert b"SECRET" not in response.content
    assert "There is no project with this name." in response.content.decode()


# ---------------------------------------------------------------------------------------- around a place


@pytest.fixture
def places(project, point_category, line_category):
    """Around (8.40, 49.00): one point 50 m east, one 300 m north, a line passing 80 m south of it, and one
    point 2 km away; an unpublished one right at the centre."""
    return {
        "near": SuggestionFactory(category=point_category, geom=Point(8.40069, 49.00, srid=4326)),
        "north": SuggestionFactory(category=point_category, geom=Point(8.40, 49.0027, srid=4326)),
        "line": SuggestionFactory(
            category=line_category,
            geom=LineString((8.39, 48.99928), (8.41, 48.99928), srid=4326),
        ),
        "far": SuggestionFactory(category=point_category, geom=Point(8.4275, 49.00, srid=4326)),
        "pending": SuggestionFactory(
            category=point_category,
            geom=Point(8.40, 49.00, srid=4326),
            title="SECRET",
            moderation_state=ModerationState.PENDING,
        ),
    }


@pytest.mark.parametrize(
    ("radius", "expected"),
    [(40, []), (60, ["near"]), (100, ["near", "line"]), (350, ["near", "north", "line"])],
)
def test_the_place_feed_holds_the_published_suggestions_within_the_radius(client, places, radius, expected):
    response = client.get(
        f"/projects/test-project/feed/place/?lat=49.0&lon=8.40&radius={radius}&utm=<x>", **EN
    )

    feed = parse(response)
    assert sorted(entry.id for entry in feed.entries) == sorted(detail(places[name]) for name in expected)
    assert b"SECRET" not in response.content
    # The feed's own address keeps its place (and nothing else of the query).
    (self_link,) = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == (
        f"http://testserver/projects/test-project/feed/place/?lat=49.0&lon=8.4&radius={radius}"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Please give lat."),
        ("lat=49&lon=8.4", "Please give radius."),
        ("lat=49&radius=100", "Please give lon."),
        ("lat=abc&lon=8.4&radius=100", "lat must be a number."),
        ("lat=49&lon=8.4&radius=1e999", "radius must be a number."),
        ("lat=nan&lon=8.4&radius=100", "lat must be a number."),
        ("lat=49&lon=inf&radius=100", "lon must be a number."),
        ("lat=49'%20OR%201=1--&lon=8.4&radius=100", "lat must be a number."),
        ("lat=49;DROP%20TABLE%20x&lon=8.4&radius=100", "lat must be a number."),
        ("lat=49&lon=8.4&radius=" + "1" * 5000, "radius must be a number."),
        ("lat=49&lon=8.4&radius=%3Cscript%3E", "radius must be a number."),
        ("lat=49&lon=8.4&radius=0", "radius must be between 10 and 10000 metres."),
        ("lat=49&lon=8.4&radius=-5", "radius must be between 10 and 10000 metres."),
        ("lat=49&lon=8.4&radius=100000000", "radius must be between 10 and 10000 metres."),
        ("lat=91&lon=8.4&radius=100", "lat must lie between -90 and 90"),
        ("lat=49&lon=181&radius=100", "lat must lie between -90 and 90"),
        ("lat=52.52&lon=13.40&radius=100", "This place lies outside the project's area."),
        ("lat=8.4&lon=49&radius=100", "This place lies outside the project's area."),
    ],
)
def test_a_bad_place_is_a_400_that_says_what_is_wrong(client, places, query, message):
    response = client.get(f"/projects/test-project/feed/place/?{query}", **EN)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode().replace("&#x27;", "'")
    assert message in body
    assert "<script>" not in body.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_bad_place_is_explained_in_german_too(client, places):
    response = client.get("/projects/test-project/feed/place/?lat=49&lon=8.4&radius=99999", **DE)

    assert response.status_code == 400
    assert "radius muss zwischen 10 und 10000 Metern liegen." in response.content.decode()


# ------------------------------------------------------------------------------------- one suggestion


@pytest.fixture
def discussed(project, point_category, planner):
    suggestion = SuggestionFactory(
        category=point_category, title="Ladesäule am Markt", created_at=timezone.now() - timedelta(days=3)
    )
    first = CommentFactory(suggestion=suggestion, display_name="Bea", text="Gute Idee <b>!</b>")
    services.suggestion_answer(
        actor=planner, suggestion_id=suggestion.pk, status="under_review", answer="SECRET-first-answer"
    )
    reply = CommentFactory(parent=first, display_name="")
    hidden = CommentFactory(suggestion=suggestion, moderation_state=ModerationState.HIDDEN, text="SECRET-h")
    CommentFactory(parent=hidden, text="SECRET-reply-under-hidden")
    CommentFactory(suggestion=suggestion, moderation_state=ModerationState.PENDING, text="SECRET-pending")
    CommentFactory(suggestion=suggestion, moderation_state=ModerationState.REJECTED, text="SECRET-rejected")
    CommentFactory(text="SECRET-other-suggestion")
    services.suggestion_answer(
        actor=planner, suggestion_id=suggestion.pk, status="planned", answer="Wird 2027 gebaut."
    )
    suggestion.refresh_from_db()
    return {"suggestion": suggestion, "first": first, "reply": reply}


def test_a_suggestions_feed_holds_its_status_changes_and_published_comments(client, discussed):
    suggestion = discussed["suggestion"]
    page = detail(suggestion)

    response = client.get(f"/projects/test-project/suggestions/{suggestion.pk}/feed/", **EN)

    feed = parse(response)
    assert b"SECRET" not in response.content
    titles = [entry.title for entry in feed.entries]
    assert titles == [
        "Planning status: Planned",
        "Comment by A participant",
        "Planning status: Under review",
        "Comment by Bea",
        "Ladesäule am Markt",
    ]
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids)
    assert ids[1] == f"{page}#comment-{discussed['reply'].pk}"
    assert ids[3] == f"{page}#comment-{discussed['first'].pk}"
    assert ids[4] == page
    assert all(entry.id.startswith(page) for entry in feed.entries)
    assert feed.entries[1].link == f"{page}#comment-{discussed['reply'].pk}"
    assert feed.entries[0].link == f"{page}#planning-title"
    # The current answer with the newest status; the corrected earlier one is not repeated.
    assert "Wird 2027 gebaut." in feed.entries[0].summary
    assert feed.entries[2].get("summary", "") == ""
    assert "&lt;b&gt;" in feed.entries[3].summary
    assert feed.entries[3].author == "Bea"
    # A status entry's author is the feed's: the project.
    assert feed.feed.author == suggestion.project.title_en


def test_a_suggestions_feed_is_one_query_after_the_suggestion(client, discussed, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(f"/projects/test-project/suggestions/{discussed['suggestion'].pk}/feed/")
    parse(response)


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (ModerationState.PENDING, 404),
        (ModerationState.REJECTED, 410),
        (ModerationState.HIDDEN, 410),
        (ModerationState.WITHDRAWN, 410),
    ],
)
def test_an_unpublished_suggestion_has_no_feed_not_even_for_its_author(
    client, point_category, citizen, state, status
):
    suggestion = SuggestionFactory(
        category=point_category, author=citizen, title="SECRET", moderation_state=state
    )
    client.force_login(citizen)

    response = client.get(f"/projects/test-project/suggestions/{suggestion.pk}/feed/", **EN)

    assert response.status_code == status
    assert b"SECRET" not in response.content


def test_a_merged_suggestions_feed_leads_to_the_one_it_went_into(client, world):
    merged = world["unpublished"][-1]

    response = client.get(f"/projects/test-project/suggestions/{merged.pk}/feed/")

    assert response.status_code == 301  # readers move the subscription
    assert response["Location"] == f"/projects/test-project/suggestions/{world['published'][0].pk}/feed/"


def test_a_suggestion_under_another_projects_address_has_no_feed(client, world):
    ProjectFactory(slug="other")
    pk = world["published"][0].pk

    assert client.get(f"/projects/other/suggestions/{pk}/feed/").status_code == 404
    assert client.get("/projects/test-project/suggestions/999999999/feed/").status_code == 404


# ------------------------------------------------------------------------------------ caching and links


def test_feeds_are_cached_publicly_by_language_and_set_no_cookie(client, discussed, citizen):
    client.force_login(citizen)  # a signed-in reader gets the same public feed
    for path in (
        "/projects/test-project/feed/",
        "/projects/test-project/feed/categories/charging-station/",
        "/projects/test-project/feed/place/?lat=49&lon=8.4&radius=500",
        f"/projects/test-project/suggestions/{discussed['suggestion'].pk}/feed/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "public, max-age=60", path
        assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}, path
        assert not response.cookies, path
        assert "Last-Modified" in response, path


def test_the_pages_link_their_feeds(client, discussed):
    suggestion = discussed["suggestion"]

    project_page = client.get("/projects/test-project/", **EN).content.decode()
    detail_page = client.get(f"/projects/test-project/suggestions/{suggestion.pk}/", **EN).content.decode()

    project = suggestion.project
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="{project.title_en}: new suggestions" '
        'href="/projects/test-project/feed/">'
    ) in project_page
    # Each category's feed too, for readers that offer every alternate.
    assert 'href="/projects/test-project/feed/categories/charging-station/"' in project_page
    assert 'href="/projects/test-project/feed/"' in project_page
    assert f'href="/projects/test-project/suggestions/{suggestion.pk}/feed/"' in detail_page
    assert 'rel="alternate" type="application/atom+xml"' in detail_page
    # A visible link, for people who use a feed reader.
    assert 'class="feed-link"' in project_page
    assert 'class="feed-link"' in detail_page
