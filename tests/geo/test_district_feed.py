"""A district's Atom feed: the published suggestions whose district (the coverage analysis's, kept by its
trigger) is it or one it holds; only for a public districts layer; a bad district address is a clear 404.
How the address stays the same across re-imports: test_district_feed_addresses."""

import pytest
from django.contrib.gis.geos import Point

from geo.layers.models import ContextLayer
from participation.models import ModerationState
from tests.factories import SuggestionFactory
from tests.feed_reading import DE, EN, detail, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(town):
    """Published suggestions in West's south-western Stadtteil, elsewhere in West, in East; a pending one
    in West."""
    parking = town["parking"]

    def at(lon: float, lat: float, **kwargs):
        return SuggestionFactory(category=parking, geom=Point(lon, lat, srid=4326), **kwargs)

    return {
        "south": at(8.36, 48.99),
        "west": at(8.38, 49.01),
        "east": at(8.42, 49.01),
        "pending": at(8.385, 49.01, title="SECRET", moderation_state=ModerationState.PENDING),
    }


@pytest.mark.parametrize(
    ("district", "key", "expected"),
    [("west", "west", ["west", "south"]), ("south", "west-sued", ["south"]), ("east", "east", ["east"])],
)
def test_a_districts_feed_holds_its_published_suggestions_and_those_of_the_districts_it_holds(
    client, town, placed, district, key, expected
):
    response = client.get(f"/projects/town/feed/districts/{key}/", **EN)

    feed = parse(response)
    assert sorted(e.id for e in feed.entries) == sorted(detail(placed[name]) for name in expected)
    assert b"SECRET" not in response.content
    name = {"west": "West", "south": "West-Süd", "east": "East"}[district]
    assert feed.feed.title == f"{town['project'].title_en}: new suggestions in {name}"


def test_a_districts_feed_is_one_query_for_its_entries(client, town, placed, django_assert_num_queries):
    # The project, its districts layer's visibility, its districts (with their keys), the entries.
    with django_assert_num_queries(4):
        response = client.get("/projects/town/feed/districts/west/")
    assert len(parse(response).entries) == 2


@pytest.mark.parametrize(
    "district",
    [
        "-1",
        "1.5",
        "1%20OR%201=1",
        "1'--",
        "1;DROP%20TABLE%20geo_district",
        "west'%20OR%20'1'='1",
        "west%00",
        "%3Cscript%3Ealert(1)%3C%5Cscript%3E",
        "West",
        "west-süd",
        "west---x",
        "west--a--b",
        "-west",
        "a" * 132,
        "a" * 5000,
    ],
)
def test_a_malformed_district_address_is_a_404_in_the_readers_language(client, town, district):
    response = client.get(f"/projects/town/feed/districts/{district}/", **DE)

    assert response.status_code == 404
    page = response.content.decode()
    assert "In diesem Projekt gibt es keinen Stadtteil mit dieser Adresse." in page
    # The way on, and nothing of the address itself or of the districts.
    assert 'href="/projects/town/districts/"' in page
    body = page.split("<main", 1)[1]
    # (The page's head names its own address, escaped, as every page does.)
    assert "alert(1)" not in body
    assert "DROP" not in body
    assert "West" not in body


@pytest.mark.parametrize("district", ["nowhere", "nowhere--1", "east--9", "1e3", "a" * 131])
def test_an_unknown_district_name_is_a_404_that_says_it_may_have_been_renamed(client, town, district):
    response = client.get(f"/projects/town/feed/districts/{district}/", **EN)

    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no district of this name in this project (any more)" in page
    more = '<a href="/projects/town/districts/" id="feed-refused-more">All districts and their feeds</a>'
    assert more in page


def test_a_district_of_another_project_is_not_found_here(client, town, project):
    response = client.get(f"/projects/{project.slug}/feed/districts/west/", **EN)
    assert response.status_code == 404
    response = client.get(f"/projects/{project.slug}/feed/districts/{town['west'].pk}/", **EN)
    assert response.status_code == 404


def test_a_staff_only_districts_layer_has_no_public_feed(client, town, placed):
    ContextLayer.objects.filter(project=town["project"], role="districts").update(public=False)

    for address in ("west", town["west"].pk):
        response = client.get(f"/projects/town/feed/districts/{address}/", **EN)

        assert response.status_code == 404
        body = response.content.split(b"<main", 1)[1]
        assert b"West" not in body
        assert b"There is no district with this address in this project." in body
        # No link to a districts page the project does not show.
        assert b"/projects/town/districts/" not in body
