"""`sortby` (with its keyset cursor), `/sortables` and `properties` on the suggestion collections: the pages
in the asked order hold every feature exactly once at any page size, a cursor that is not ours is a 400, and
`properties` narrows the features in SQL from allow-listed pieces."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core import signing

from geo.ogcapi.property_selection import PIECES
from geo.ogcapi.selectors import items_query
from geo.ogcapi.sorting import SORTABLES, parse_sortby, sort_of
from participation.models import PlanningStatus
from tests.factories import CategoryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

POINTS = "/ogcapi/collections/test-project-points"
STATUSES = list(PlanningStatus.values)
START = datetime(2026, 5, 1, 8, tzinfo=UTC)
INFINITY = datetime.max.replace(tzinfo=UTC)


def get_json(client, url: str, status: int = 200, language: str = "en", **params) -> dict:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status, response.content
    return json.loads(response.content)


def next_link(body: dict) -> str | None:
    return next((link["href"] for link in body["links"] if link["rel"] == "next"), None)


def walk(client, **params) -> list[int]:
    """The ids of every page in order, following the next links."""
    body = get_json(client, f"{POINTS}/items", **params)
    ids = [f["id"] for f in body["features"]]
    while url := next_link(body):
        assert "cursor=" in url
        assert "after=" not in url
        body = json.loads(client.get(url).content)
        ids += [f["id"] for f in body["features"]]
    return ids


@pytest.fixture
def rows(point_category, line_category):
    """23 published points with few distinct support counts (ties), statuses, titles, times, half answered;
    a line and a pending point that no page may show."""
    sharing = CategoryFactory(project=point_category.project, key="sharing-point", geometry_kind="point")
    points = [
        SuggestionFactory(
            category=sharing if i % 4 == 0 else point_category,
            geom=Point(8.40 + 0.001 * i, 49.0, srid=4326),
            title=["Bahnhof", "Marktplatz", "Ädlerweg", "bahnhof Süd"][i % 4],
            planning_status=STATUSES[i % len(STATUSES)],
            support_count=i % 3,
            comment_count=i % 2,
            created_at=START + timedelta(hours=i * 7 % 23),
            answered_at=START + timedelta(days=i % 5) if i % 2 else None,
        )
        for i in range(23)
    ]
    SuggestionFactory(category=line_category, support_count=99)
    SuggestionFactory(category=point_category, moderation_state="pending", support_count=99)
    return points


def ordered(rows, *keys: tuple[str, bool]) -> list[int]:
    """The ids in the order PostgreSQL gives (its text order for titles), id ascending last."""
    found = sorted(rows, key=lambda s: s.pk)
    for name, descending in reversed(keys):
        found.sort(key=lambda s, name=name: _value(s, name), reverse=descending)
    return [s.pk for s in found]


def _value(suggestion, name: str):
    if name == "answered_at":
        return suggestion.answered_at or INFINITY
    if name == "category":
        return suggestion.category.key
    return getattr(suggestion, name)


@pytest.mark.parametrize("limit", [1, 4, 100])
@pytest.mark.parametrize(
    ("sortby", "keys"),
    [
        ("-support_count,created_at", [("support_count", True), ("created_at", False)]),
        ("support_count", [("support_count", False)]),
        ("+comment_count,-support_count", [("comment_count", False), ("support_count", True)]),
        ("answered_at", [("answered_at", False)]),
        ("-answered_at", [("answered_at", True)]),
        ("-id", [("id", True)]),
        ("category,-planning_status", [("category", False), ("planning_status", True)]),
        ("-created_at", [("created_at", True)]),
        ("updated_at", [("updated_at", False)]),
    ],
)
def test_sorted_pages_hold_every_feature_once_in_order(client, rows, limit, sortby, keys):
    assert walk(client, sortby=sortby, limit=limit) == ordered(rows, *keys)


def test_titles_sort_as_the_database_sorts_text(client, rows):
    # The test cluster's collation is C.UTF-8: code point order, as Python sorts strings.
    assert walk(client, sortby="title,-created_at", limit=5) == ordered(
        rows, ("title", False), ("created_at", True)
    )


def test_an_unencoded_plus_is_ascending(client, rows):
    # `sortby=+support_count` typed in a browser arrives as " support_count".
    response = client.get(f"{POINTS}/items?sortby=+support_count&limit=100")

    assert [f["id"] for f in json.loads(response.content)["features"]] == ordered(
        rows, ("support_count", False)
    )


def test_a_sort_combines_with_filters_and_properties(client, rows):
    ids = walk(
        client,
        sortby="-support_count",
        filter="planning_status IN ('planned', 'received')",
        bbox="8.3,48.9,8.5,49.1",
        properties="support_count",
        limit=2,
    )

    chosen = [s for s in rows if s.planning_status in ("planned", "received")]
    assert ids == ordered(chosen, ("support_count", True))


def test_the_html_page_sorts_and_pages_too(client, rows):
    response = client.get(
        f"{POINTS}/items", {"f": "html", "sortby": "-support_count", "limit": 3, "properties": "title"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "cursor=" in page
    first = ordered(rows, ("support_count", True))[:3]
    assert all(f"/items/{pk}?f=html" in page for pk in first)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sortby": "votes"}, "Unknown sort property “votes”. The collection can be sorted by: id, title,"),
        ({"sortby": "support_count,-support_count"}, "sortby names “support_count” more than once."),
        ({"sortby": ""}, "it has an empty one"),
        ({"sortby": "title,"}, "it has an empty one"),
        ({"sortby": "-"}, "it has an empty one"),
        ({"sortby": "geometry"}, "Unknown sort property “geometry”"),
        ({"sortby": "title", "after": "5"}, "after pages by id"),
        ({"cursor": "abc"}, "cursor belongs to a sorted page"),
        ({"sortby": "title", "cursor": "abc"}, "cursor is not valid for this sortby"),
        ({"properties": "title,votes"}, "Unknown property “votes”. The features have: id, category,"),
        ({"properties": ""}, "it has an empty one"),
        ({"properties": "title,,id"}, "it has an empty one"),
        ({"properties": "title,title"}, "properties names “title” more than once."),
        ({"properties": "author"}, "Unknown property “author”"),
    ],
)
def test_bad_values_are_a_400_that_says_why(client, rows, params, message):
    body = get_json(client, f"{POINTS}/items", status=400, **params)

    assert body["code"] == "InvalidParameterValue"
    assert message in body["description"]


def test_the_messages_are_german_for_german_readers(client, rows):
    unknown = get_json(client, f"{POINTS}/items", status=400, language="de", sortby="stimmen")
    twice = get_json(client, f"{POINTS}/items", status=400, language="de", properties="title,title")

    assert "Unbekannte Sortiereigenschaft „stimmen“" in unknown["description"]
    assert "support_count" in unknown["description"]
    assert twice["description"] == "properties nennt „title“ mehr als einmal."


def _cursor_of(client, **params) -> str:
    url = next_link(get_json(client, f"{POINTS}/items", **params))
    return url.split("cursor=")[1].split("&")[0]


def test_a_changed_or_foreign_cursor_is_a_400_never_a_500(client, rows):
    cursor = _cursor_of(client, sortby="-support_count", limit=2)
    payload = signing.loads(cursor.replace("%3A", ":"), salt="geo.ogcapi.sorting.cursor")

    forged = signing.dumps({**payload, "k": ["x", 1]}, salt="other")
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for bad in (tampered, forged, cursor + "x", "", "%00", "a" * 5000):
        body = get_json(client, f"{POINTS}/items", status=400, sortby="-support_count", cursor=bad)
        assert "cursor is not valid" in body["description"]
    # A cursor made for another sort is refused, not read in this one.
    body = get_json(client, f"{POINTS}/items", status=400, sortby="support_count", cursor=cursor)
    assert "cursor is not valid" in body["description"]


@pytest.mark.parametrize(
    "values",
    [[1], ["x", 5], [1, "x"], [True, 5], [1.5, 5], [None, 5], [2**70, 5], ["1\x00", 5]],
)
def test_a_signed_cursor_with_wrong_values_is_still_a_400(client, rows, values):
    """Even with the site's key (a leaked cursor format), the values are checked against their columns."""
    cursor = signing.dumps(
        {"s": "-support_count", "k": values}, salt="geo.ogcapi.sorting.cursor", compress=True
    )

    get_json(client, f"{POINTS}/items", status=400, sortby="-support_count", cursor=cursor)


def test_a_cursor_on_a_time_accepts_only_timestamps(client, rows):
    good = _cursor_of(client, sortby="answered_at", limit=15)  # past the answered: the unanswered remain
    assert get_json(client, f"{POINTS}/items", sortby="answered_at", cursor=good.replace("%3A", ":"))[
        "features"
    ]
    for value in ("2026-13-01T00:00:00+00:00", "yesterday", "2026-05-01"):
        cursor = signing.dumps({"s": "answered_at", "k": [value, 5]}, salt="geo.ogcapi.sorting.cursor")
        get_json(client, f"{POINTS}/items", status=400, sortby="answered_at", cursor=cursor)


def test_deep_sorted_pages_are_keyset_pages_never_offset():
    sort = sort_of("-support_count,title", None)

    sql = items_query("TRUE", sort=sort, keyset="TRUE")
    assert "OFFSET" not in re.sub(r"--.*", "", sql).upper()
    assert [k.name for k in sort.keys] == ["support_count", "title", "id"]  # id decides ties
    assert [k.name for k in sort_of("id,title", None).keys] == ["id"]  # nothing after id decides anything
    assert parse_sortby(" created_at")[0].descending is False


# ----------------------------------------------------------------------------------------- properties
def test_properties_gives_only_those_and_the_id(client, rows):
    body = get_json(client, f"{POINTS}/items", properties="support_count,title", limit=3)

    for feature in body["features"]:
        assert list(feature["properties"]) == ["id", "title", "support_count"]
        assert feature["geometry"]["type"] == "Point"
        assert feature["id"] == feature["properties"]["id"]


def test_every_property_asked_for_is_the_default_feature(client, rows):
    everything = get_json(client, f"{POINTS}/items", limit=100)
    asked = get_json(client, f"{POINTS}/items", limit=100, properties=",".join(reversed(PIECES)))

    assert asked["features"] == everything["features"]


def test_the_properties_sql_is_only_allow_listed_pieces(rows):
    sql = items_query("TRUE", properties=("id", "title"))

    assert "json_build_object('id', id, 'title', title)" in sql
    with pytest.raises(KeyError):
        items_query("TRUE", properties=("id", "title); DROP TABLE x; --"))


def test_the_html_item_list_survives_any_properties(client, rows):
    for names in ("id", "title", "planning_status,created_at"):
        response = client.get(f"{POINTS}/items", {"f": "html", "properties": names})
        assert response.status_code == 200, names


# ------------------------------------------------------------------------------------------ sortables
def test_sortables_are_a_json_schema_linked_from_the_collection(client, rows):
    collection = get_json(client, POINTS)
    links = [link for link in collection["links"] if link["rel"].endswith("/sortables")]
    assert links[0]["href"] == f"http://testserver{POINTS}/sortables"
    assert links[0]["type"] == "application/schema+json"

    response = client.get(f"{POINTS}/sortables", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "application/schema+json"
    body = json.loads(response.content)
    assert list(body["properties"]) == list(SORTABLES)
    assert {"support_count", "comment_count", "created_at", "updated_at", "answered_at"} <= set(
        body["properties"]
    )
    assert body["properties"]["created_at"] == {
        "title": "created_at",
        "description": "When it was submitted.",
        "type": "string",
        "format": "date-time",
    }
    assert body["properties"]["support_count"]["type"] == "integer"
    assert body["additionalProperties"] is False
    assert body["$id"] == f"http://testserver{POINTS}/sortables"


def test_sortables_answer_gdal_with_json_and_browsers_with_a_page(client, rows):
    gdal = client.get(f"{POINTS}/sortables", HTTP_ACCEPT="application/json")
    page = client.get(f"{POINTS}/sortables?f=html", HTTP_ACCEPT_LANGUAGE="de")

    assert gdal["Content-Type"] == "application/json"
    assert page.status_code == 200
    assert "Sortierbare Eigenschaften" in page.content.decode()
    assert "<code>answered_at</code>" in page.content.decode()
    assert "Wann er eingereicht wurde." in page.content.decode()
    german = json.loads(client.get(f"{POINTS}/sortables", HTTP_ACCEPT_LANGUAGE="de").content)
    assert german["properties"]["support_count"]["description"] == "Wie viele Menschen ihn unterstützen."


def test_only_suggestion_collections_have_sortables(client, rows):
    assert client.get("/ogcapi/collections/nowhere-points/sortables").status_code == 404
    assert client.get(f"{POINTS}/sortables?sortby=id").status_code == 400


def test_the_collection_page_shows_sorting_and_properties(client, rows):
    page = client.get(POINTS, {"f": "html"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert f'href="{POINTS}/sortables?f=html"' in page
    assert "Die Eigenschaften, nach denen sich die Objekte sortieren lassen" in page
    assert "<code>properties=title,support_count</code>" in page
