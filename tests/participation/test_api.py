"""Read API: projects, and published suggestions as RFC 7946 GeoJSON with filters and keyset paging."""

import json

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.models import ModerationState
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/test-project/suggestions/"


def get_json(client, url, **headers):
    response = client.get(url, **headers)
    return response, json.loads(response.content)


def test_projects_list_their_categories_and_suggestions_link(client, point_category, line_category):
    response, body = get_json(client, "/api/v1/projects/")

    assert response.status_code == 200
    (project,) = body
    assert project["slug"] == "test-project"
    assert [c["key"] for c in project["categories"]] == ["bike-path", "charging-station"]
    assert project["suggestions_url"].endswith(URL)
    assert project["map_center"] == [8.4, 49.0]


def test_projects_list_takes_two_queries_however_many_projects(client, db):
    for n in range(4):
        CategoryFactory(project=ProjectFactory(slug=f"p{n}"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/projects/")

    assert len(json.loads(response.content)) == 4
    assert len(queries) == 2  # projects, then their categories in one prefetch


def test_suggestions_are_a_geojson_feature_collection_of_public_fields(client, point_category):
    author = UserFactory(username="secret-username", email="secret@example.org")
    suggestion = SuggestionFactory(
        category=point_category, author=author, geom=Point(8.123456789, 49.000000049, srid=4326)
    )

    response, body = get_json(client, URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert body["type"] == "FeatureCollection"
    (feature,) = body["features"]
    assert feature["type"] == "Feature"
    assert feature["id"] == suggestion.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [8.1234568, 49.0]}  # 7 decimals
    assert set(feature["properties"]) == {
        "id",
        "category",
        "title",
        "text",
        "planning_status",
        "support_count",
        "comment_count",
        "created",
    }
    assert feature["properties"]["category"] == "charging-station"
    assert feature["properties"]["title"] == suggestion.title
    raw = response.content.decode()
    assert "secret-username" not in raw
    assert "secret@example.org" not in raw
    assert "Anna K." not in raw  # the display name is not part of this payload


@pytest.mark.parametrize("state", [ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN])
def test_suggestions_never_list_unpublished_ones(client, point_category, state):
    published = SuggestionFactory(category=point_category)
    SuggestionFactory(category=point_category, moderation_state=state, title="nicht öffentlich")

    _, body = get_json(client, URL)

    assert [f["id"] for f in body["features"]] == [published.pk]
    assert "nicht öffentlich" not in json.dumps(body)


def test_suggestions_of_other_projects_stay_out(client, point_category):
    SuggestionFactory(category=CategoryFactory(project=ProjectFactory(slug="elsewhere")))
    mine = SuggestionFactory(category=point_category)

    _, body = get_json(client, URL)

    assert [f["id"] for f in body["features"]] == [mine.pk]


def test_bbox_keeps_what_intersects_it(client, point_category, line_category):
    inside = SuggestionFactory(category=point_category, geom=Point(8.40, 49.00, srid=4326))
    SuggestionFactory(category=point_category, geom=Point(8.45, 49.03, srid=4326))
    crossing = SuggestionFactory(
        category=line_category, geom=LineString((8.35, 48.99), (8.42, 48.99), srid=4326)
    )  # only its middle runs through the box

    _, body = get_json(client, f"{URL}?bbox=8.39,48.98,8.41,49.01")

    assert sorted(f["id"] for f in body["features"]) == sorted([inside.pk, crossing.pk])


def test_category_filter_takes_one_or_several_keys(client, point_category, line_category):
    point = SuggestionFactory(category=point_category)
    line = SuggestionFactory(category=line_category)

    _, only_lines = get_json(client, f"{URL}?category=bike-path")
    _, both = get_json(client, f"{URL}?category=bike-path,charging-station")

    assert [f["id"] for f in only_lines["features"]] == [line.pk]
    assert sorted(f["id"] for f in both["features"]) == sorted([point.pk, line.pk])


def test_keyset_paging_walks_every_suggestion_exactly_once(client, point_category):
    ids = sorted(s.pk for s in SuggestionFactory.create_batch(7, category=point_category))
    seen, url, pages = [], f"{URL}?limit=3", 0

    while url:
        response, body = get_json(client, url)
        assert response.status_code == 200
        seen += [f["id"] for f in body["features"]]
        assert body["numberReturned"] == len(body["features"])
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        assert ("Link" in response) == bool(nxt)
        url = nxt[0] if nxt else None
        pages += 1

    assert seen == ids
    assert pages == 3


def test_next_link_keeps_the_filters(client, point_category):
    SuggestionFactory.create_batch(3, category=point_category)

    _, body = get_json(client, f"{URL}?limit=2&category=charging-station&bbox=8.3,48.9,8.5,49.1")

    (next_link,) = [link["href"] for link in body["links"] if link["rel"] == "next"]
    assert "category=charging-station" in next_link
    assert "bbox=8.3%2C48.9%2C8.5%2C49.1" in next_link
    assert "limit=2" in next_link


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ("bbox=1,2,3", "bbox", "four numbers"),
        ("bbox=a,b,c,d", "bbox", "four numbers"),
        ("bbox=nan,1,2,3", "bbox", "four numbers"),
        ("bbox=8.5,49,8.4,49.1", "bbox", "smaller"),
        ("bbox=-200,0,10,10", "bbox", "longitude -180 to 180"),
        ("limit=0", "limit", "greater than or equal to 1"),
        ("limit=100000", "limit", "less than or equal to 5000"),
        ("after=-1", "after", "greater than or equal to 0"),
        ("after=1;DROP TABLE participation_suggestion", "after", "valid integer"),
        ("category=,,", "category", "at least one category"),
    ],
)
def test_bad_parameters_get_a_400_with_a_message(client, point_category, query, field, fragment):
    response, body = get_json(client, f"{URL}?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert fragment in body["message"]
    assert field in body["errors"]


def test_unknown_category_names_the_known_ones(client, point_category):
    response, body = get_json(client, f"{URL}?category=charging-station,<script>", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert body["code"] == "unknown_category"
    assert "<script>" in body["message"]  # JSON, so harmless, and the user sees what they sent
    assert "charging-station" in body["message"].split("are:")[1]


def test_errors_answer_in_the_requests_language(client, point_category):
    _, german = get_json(client, f"{URL}?bbox=1,2,3", HTTP_ACCEPT_LANGUAGE="de")
    _, english = get_json(client, f"{URL}?bbox=1,2,3", HTTP_ACCEPT_LANGUAGE="en")

    assert "vier Zahlen" in german["message"]
    assert "four numbers" in english["message"]


def test_unknown_project_is_a_404_with_a_message(client, db):
    response, body = get_json(client, "/api/v1/projects/nowhere/suggestions/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert body == {"code": "project_not_found", "message": "There is no project with this name."}


@pytest.mark.parametrize("count", [1, 40])
def test_suggestions_take_a_fixed_number_of_queries(client, point_category, line_category, count):
    SuggestionFactory.create_batch(count, category=point_category)
    SuggestionFactory.create_batch(count, category=line_category)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?category=charging-station,bike-path&bbox=8.3,48.9,8.5,49.1")

    assert response.status_code == 200
    assert len(json.loads(response.content)["features"]) == 2 * count
    # project, category keys, the feature page: independent of the number of suggestions
    assert len(queries) == 3, [q["sql"] for q in queries]
