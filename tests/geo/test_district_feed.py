"""A district's Atom feed: the published suggestions whose district (the coverage analysis's, kept by its
trigger) is it or one it holds; only for a public districts layer; a bad district number is a clear 404."""

import pytest
from django.contrib.gis.geos import Point

from geo.layers.models import ContextLayer
from participation.models import ModerationState
from tests.factories import SuggestionFactory
from tests.feed_reading import EN, detail, parse

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
    ("district", "expected"),
    [("west", ["west", "south"]), ("south", ["south"]), ("east", ["east"])],
)
def test_a_districts_feed_holds_its_published_suggestions_and_those_of_the_districts_it_holds(
    client, town, placed, district, expected
):
    response = client.get(f"/projects/town/feed/districts/{town[district].pk}/", **EN)

    feed = parse(response)
    assert sorted(e.id for e in feed.entries) == sorted(detail(placed[name]) for name in expected)
    assert b"SECRET" not in response.content
    name = {"west": "West", "south": "West-Süd", "east": "East"}[district]
    assert feed.feed.title == f"{town['project'].title_en}: new suggestions in {name}"


def test_a_districts_feed_is_one_query_for_its_entries(client, town, placed, django_assert_num_queries):
    # The project, the district (with its layer's visibility), the entries.
    with django_assert_num_queries(4):
        response = client.get(f"/projects/town/feed/districts/{town['west'].pk}/")
    assert len(parse(response).entries) == 2


@pytest.mark.parametrize(
    "district",
    [
        "0",
        "999999999",
        "-1",
        "1.5",
        "1e3",
        "9" * 40,
        "1%20OR%201=1",
        "1'--",
        "1;DROP%20TABLE%20geo_district",
        "%3Cscript%3E",
        "West",
    ],
)
def test_a_bad_district_is_a_404_that_says_so(client, town, district):
    response = client.get(f"/projects/town/feed/districts/{district}/", **EN)

    assert response.status_code == 404
    assert "There is no district with this number in this project." in response.content.decode()


def test_a_district_of_another_project_is_not_found_here(client, town, project):
    response = client.get(f"/projects/{project.slug}/feed/districts/{town['west'].pk}/", **EN)

    assert response.status_code == 404


def test_a_staff_only_districts_layer_has_no_public_feed(client, town, placed):
    ContextLayer.objects.filter(project=town["project"], role="districts").update(public=False)

    response = client.get(f"/projects/town/feed/districts/{town['west'].pk}/", **EN)

    assert response.status_code == 404
    assert b"West" not in response.content.split(b"<main", 1)[1]
