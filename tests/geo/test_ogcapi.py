"""OGC API – Features at /ogcapi: the resources' shapes, what is public, the filters, paging and bad input."""

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft4Validator

from geo.ogcapi import params
from participation.models import ModerationState, PlanningStatus, Suggestion
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

BASE = "/ogcapi"
POINTS = f"{BASE}/collections/test-project-points"
LINES = f"{BASE}/collections/test-project-lines"
CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
PUBLIC_PROPERTIES = {
    "id",
    "category",
    "category_label",
    "title",
    "text",
    "planning_status",
    "official_answer",
    "support_count",
    "comment_count",
    "created_at",
    "updated_at",
    "answered_at",
    "line_drawing",
    # The published photos' links (issue 26, test_export_photos.py).
    "photo_1",
    "photo_2",
    "photo_3",
}
# What seeded rows carry and no response may ever show.
SECRETS = ("Anna K.", "anna@example.org", "f00dfeedf00dfeed", "SECRET", "hidden-project", "Verstecktes")
UNPUBLISHED = ("pending", "rejected", "hidden", "merged", "withdrawn")
MAY_1 = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)


def get_json(client, url: str, status: int = 200, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    return json.loads(response.content)


@pytest.fixture
def seeded(point_category, line_category, citizen):
    """Published points and a line of the test project, unpublished ones in every state, a project that is
    not public, all written by a citizen whose name, e-mail and address hash must never show."""
    project = point_category.project
    sharing = CategoryFactory(project=project, key="sharing-point", geometry_kind="point", label_de="Teilen")
    author = {"author": citizen, "display_name": "Anna K.", "source_address": "f00dfeedf00dfeed"}
    published = [
        SuggestionFactory(
            category=point_category,
            geom=Point(8.40, 49.00, srid=4326),
            title="Ladestation am Schloßplatz – Süd",
            created_at=MAY_1,
            **author,
        ),
        SuggestionFactory(
            category=sharing,
            geom=Point(8.45, 49.02, srid=4326),
            title="Sharing am Bahnhof",
            created_at=MAY_1 + timedelta(days=1),
            planning_status=PlanningStatus.PLANNED,
            official_answer="Wir prüfen das.",
            answered_at=MAY_1 + timedelta(days=3),
            **author,
        ),
        SuggestionFactory(
            category=point_category,
            geom=Point(8.32, 48.96, srid=4326),
            title="Ladestation im Süden",
            created_at=MAY_1 + timedelta(days=30),
            **author,
        ),
    ]
    line = SuggestionFactory(category=line_category, title="Radweg", created_at=MAY_1, **author)
    target = published[0]
    unpublished = {
        state: SuggestionFactory(
            category=point_category,
            title=f"SECRET {state}",
            moderation_state=state,
            merged_into=target if state == ModerationState.MERGED else None,
            created_at=MAY_1,
            **author,
        )
        for state in UNPUBLISHED
    }
    hidden_project = ProjectFactory(slug="hidden-project", title_de="Verstecktes Projekt", is_public=False)
    hidden_category = CategoryFactory(project=hidden_project, key="charging-station")
    hidden_suggestion = SuggestionFactory(category=hidden_category, title="SECRET project", **author)
    return {
        "published": published,
        "line": line,
        "unpublished": unpublished,
        "sharing": sharing,
        "hidden_suggestion": hidden_suggestion,
    }


def ids_of(body: dict) -> list[int]:
    return [f["id"] for f in body["features"]]


def link(body: dict, rel: str, media_type: str | None = None) -> dict | None:
    return next(
        (x for x in body["links"] if x["rel"] == rel and (media_type is None or x["type"] == media_type)),
        None,
    )


# ------------------------------------------------------------------------------------------ landing, api
def test_landing_page_links_the_api_conformance_and_collections_by_absolute_urls(client):
    body = get_json(client, BASE)

    assert body["title"]
    assert link(body, "self")["href"] == "http://testserver/ogcapi"
    service_desc = link(body, "service-desc")
    assert service_desc["href"] == "http://testserver/ogcapi/api"
    assert service_desc["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert link(body, "conformance")["href"] == "http://testserver/ogcapi/conformance"
    assert link(body, "data")["href"] == "http://testserver/ogcapi/collections"
    assert link(body, "alternate", "text/html")["href"] == "http://testserver/ogcapi?f=html"
    # GDAL resolves links that start with "/" against the landing page, not the host: all are absolute.
    assert all(x["href"].startswith("http://testserver/ogcapi") for x in body["links"])


def test_conformance_declares_core_geojson_html_and_oas30(client):
    body = get_json(client, f"{BASE}/conformance")

    tiles = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
    assert {
        f"{CONF}core",
        f"{CONF}geojson",
        f"{CONF}html",
        f"{CONF}oas30",
        *(f"{tiles}{name}" for name in ("core", "tileset", "tilesets-list", "dataset-tilesets", "mvt")),
    } <= set(body["conformsTo"])  # and Part 3's classes: tests/geo/test_ogcapi_filter.py


def _resolve(document: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_api_is_an_openapi_3_0_document_of_every_path_and_parameter(client):
    response = client.get(f"{BASE}/api")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = json.loads(response.content)
    assert re.fullmatch(r"3\.0\.\d+", document["openapi"])
    assert document["info"]["title"]
    assert document["info"]["version"]
    assert document["servers"] == [{"url": "http://testserver/ogcapi"}]
    assert set(document["paths"]) == {
        "/",
        "/conformance",
        "/api",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/queryables",
        "/collections/{collectionId}/sortables",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
        "/tiles",
        "/tiles/{tilesetId}",
        "/tileMatrixSets",
        "/tileMatrixSets/{tileMatrixSetId}",
    }
    for ref in _refs(document):
        _resolve(document, ref)  # every $ref points at something
    for path, item in document["paths"].items():
        operation = item["get"]
        assert operation["operationId"], path
        assert "200" in operation["responses"], path
        for parameter in (_resolve(document, p["$ref"]) for p in operation["parameters"]):
            assert parameter["in"] in ("query", "path")
            assert parameter["name"]
            assert parameter["schema"]
            if parameter["in"] == "path":
                assert parameter["required"] is True
                assert "{" + parameter["name"] + "}" in path
    for schema in document["components"]["schemas"].values():
        Draft4Validator.check_schema(schema)  # OpenAPI 3.0 schemas are a JSON Schema draft 4 dialect
    items = document["paths"]["/collections/{collectionId}/items"]["get"]
    names = {_resolve(document, p["$ref"])["name"] for p in items["parameters"]}
    assert names == {
        "collectionId",
        "limit",
        "bbox",
        "datetime",
        "category",
        "after",
        "filter",
        "filter-lang",
        "filter-crs",
        "crs",
        "bbox-crs",
        "sortby",
        "cursor",
        "properties",
        "f",
    }
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 10_000, 100)
    assert "application/geo+json" in items["responses"]["200"]["content"]


# ------------------------------------------------------------------------------------------ collections
def test_collections_are_one_per_public_project_and_geometry_kind(client, seeded):
    CategoryFactory(project=ProjectFactory(slug="points-only"), key="comment", geometry_kind="point")

    body = get_json(client, f"{BASE}/collections")

    ids = [c["id"] for c in body["collections"]]
    assert sorted(ids) == ["points-only-points", "test-project-lines", "test-project-points"]
    assert link(body, "self")["href"] == "http://testserver/ogcapi/collections"


def test_a_collection_has_its_extent_crs_and_links(client, seeded):
    body = get_json(client, POINTS)

    assert body["id"] == "test-project-points"
    assert body["title"]
    assert "charging-station" in body["description"]
    assert "sharing-point" in body["description"]
    assert "bike-path" not in body["description"]
    assert body["itemType"] == "feature"
    # CRS84 first (the default), then the others of Part 2 (tests/geo/test_ogcapi_crs.py).
    assert body["crs"][0] == CRS84
    assert body["storageCrs"] == CRS84
    assert body["extent"]["spatial"] == {"bbox": [[8.3, 48.95, 8.5, 49.05]], "crs": CRS84}
    # The first and last published suggestion of the project (unpublished ones do not count).
    assert body["extent"]["temporal"]["interval"] == [["2025-05-01T10:00:00Z", "2025-05-31T10:00:00Z"]]
    items = link(body, "items", "application/geo+json")
    assert items["href"] == "http://testserver/ogcapi/collections/test-project-points/items"
    assert link(body, "items", "text/html")["href"].endswith("/items?f=html")
    assert link(body, "self")["href"] == "http://testserver/ogcapi/collections/test-project-points"


@pytest.mark.parametrize(
    "collection_id",
    [
        "test-project-areas",
        "test-project",
        "test-project-circles",
        "hidden-project-points",
        "nope-points",
        "-points",
    ],
)
def test_unknown_kinds_projects_and_projects_that_are_not_public_are_404(client, seeded, collection_id):
    body = get_json(client, f"{BASE}/collections/{collection_id}", status=404)
    assert body["code"] == "NotFound"
    assert body["description"]
    get_json(client, f"{BASE}/collections/{collection_id}/items", status=404)
    get_json(client, f"{BASE}/collections/{collection_id}/items/1", status=404)


# ------------------------------------------------------------------------------------------------ items
def test_items_are_a_geojson_feature_collection_of_public_fields(client, seeded):
    response = client.get(f"{POINTS}/items")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == 3
    assert body["numberMatched"] == 3  # the first page is the last (tests/geo/test_ogcapi_counts.py)
    assert datetime.fromisoformat(body["timeStamp"])
    assert ids_of(body) == sorted(s.pk for s in seeded["published"])
    first = body["features"][0]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [8.4, 49.0]}
    assert set(first["properties"]) == PUBLIC_PROPERTIES
    assert first["properties"]["title"] == "Ladestation am Schloßplatz – Süd"
    assert first["properties"]["category"] == "charging-station"
    # The field table's names (geo/fields.py), times with Berlin's offset (summer: +02:00).
    assert first["properties"]["created_at"] == "2025-05-01T12:00:00+02:00"
    assert first["properties"]["answered_at"] is None
    answered = body["features"][1]["properties"]
    assert answered["category_label"] == "Teilen"
    assert (answered["planning_status"], answered["official_answer"]) == ("planned", "Wir prüfen das.")
    assert answered["answered_at"] == "2025-05-04T12:00:00+02:00"
    assert link(body, "self")["href"] == "http://testserver/ogcapi/collections/test-project-points/items"
    assert link(body, "alternate", "text/html")["href"].endswith("/items?f=html")
    assert link(body, "collection")["href"] == "http://testserver/ogcapi/collections/test-project-points"
    assert link(body, "next") is None


def test_the_api_list_and_the_ogc_api_write_a_suggestion_in_one_frame_with_own_properties(client, seeded):
    """Both feature channels are geo/sql/feature_page.sql with their own rows and properties: the same Feature
    (id, geometry), the same values where they share a property name; the API's list keeps the web map's
    names (`created`), the OGC API geo/fields.py's table."""
    points = "charging-station,sharing-point"
    api = get_json(client, f"/api/v1/projects/test-project/suggestions/?category={points}")
    ogc = get_json(client, f"{POINTS}/items")

    assert [f["id"] for f in api["features"]] == ids_of(ogc)
    frame = ("type", "id", "geometry")
    shared = {"id", "category", "title", "text", "planning_status", "support_count", "comment_count"}
    for from_api, from_ogc in zip(api["features"], ogc["features"], strict=True):
        assert {k: from_api[k] for k in frame} == {k: from_ogc[k] for k in frame}
        api_properties, ogc_properties = from_api["properties"], from_ogc["properties"]
        assert {k: api_properties[k] for k in shared} == {k: ogc_properties[k] for k in shared}
        assert set(api_properties) - shared == {"created"}
        assert set(ogc_properties) == PUBLIC_PROPERTIES


def test_lines_have_their_own_collection(client, seeded):
    body = get_json(client, f"{LINES}/items")

    assert ids_of(body) == [seeded["line"].pk]
    assert body["features"][0]["geometry"]["type"] == "LineString"


def test_a_single_item_with_its_links(client, seeded):
    suggestion = seeded["published"][1]

    response = client.get(f"{POINTS}/items/{suggestion.pk}")

    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert (body["type"], body["id"]) == ("Feature", suggestion.pk)
    assert set(body["properties"]) == PUBLIC_PROPERTIES
    assert link(body, "self")["href"] == f"http://testserver{POINTS}/items/{suggestion.pk}"
    assert link(body, "collection")["href"] == f"http://testserver{POINTS}"
    assert link(body, "alternate", "text/html")


def test_only_published_suggestions_of_public_projects_and_only_public_fields_appear_anywhere(client, seeded):
    urls = [
        BASE,
        f"{BASE}/api",
        f"{BASE}/conformance",
        f"{BASE}/collections",
        POINTS,
        f"{POINTS}/items",
        f"{POINTS}/items?limit=10000",
        f"{LINES}/items",
        *(f"{POINTS}/items/{s.pk}" for s in seeded["published"]),
    ]
    for url in urls:
        for f in ("json", "html"):
            response = client.get(url, {"f": f})
            assert response.status_code == 200, url
            text = response.content.decode()
            for secret in SECRETS:
                assert secret not in text, (url, f, secret)


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_suggestions_are_not_found_by_their_id_either(client, seeded, state):
    suggestion = seeded["unpublished"][state]

    body = get_json(client, f"{POINTS}/items/{suggestion.pk}", status=404)
    assert body["code"] == "NotFound"
    assert client.get(f"{POINTS}/items/{suggestion.pk}?f=html").status_code == 404
    assert suggestion.pk not in ids_of(get_json(client, f"{POINTS}/items?after={suggestion.pk - 1}"))


def test_suggestions_of_another_collection_or_project_are_not_found(client, seeded):
    get_json(client, f"{POINTS}/items/{seeded['line'].pk}", status=404)
    get_json(client, f"{LINES}/items/{seeded['published'][0].pk}", status=404)
    get_json(client, f"{POINTS}/items/{seeded['hidden_suggestion'].pk}", status=404)
    for fid in ("0", "-1", "abc", "1.0", "99999999999999999999", "1%20OR%201=1"):
        get_json(client, f"{POINTS}/items/{fid}", status=404)


# ---------------------------------------------------------------------------------------------- filters
def test_bbox_selects_the_features_inside(client, seeded):
    north, _bahnhof, south = seeded["published"]

    assert ids_of(get_json(client, f"{POINTS}/items?bbox=8.39,48.99,8.41,49.01")) == [north.pk]
    assert ids_of(get_json(client, f"{POINTS}/items?bbox=8.3,48.95,8.35,48.97")) == [south.pk]
    assert ids_of(get_json(client, f"{POINTS}/items?bbox=0,0,1,1")) == []
    # Six numbers (with heights) are allowed; the heights are ignored.
    assert ids_of(get_json(client, f"{POINTS}/items?bbox=8.39,48.99,-10,8.41,49.01,10")) == [north.pk]
    # How GDAL writes it: 18 significant digits.
    gdal = "8.39000000000000057,48.9900000000000020,8.41000000000000014,49.0100000000000051"
    assert ids_of(get_json(client, f"{POINTS}/items?bbox={gdal}")) == [north.pk]


def test_a_line_is_found_by_a_bbox_it_crosses(client, seeded):
    # The line runs from 8.40,49.00 to 8.41,49.01; the box holds neither end.
    assert ids_of(get_json(client, f"{LINES}/items?bbox=8.404,49.004,8.406,49.006")) == [seeded["line"].pk]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-05-01T10:00:00Z", [0]),  # an instant matches the second it names
        ("2025-05-01T12:00:00+02:00", [0]),
        ("2025-05-01T10:00:00.000Z", [0]),
        ("2025-05-01T10:00:01Z", []),
        ("2025-05-01", [0]),  # a date: the whole day (in the site's zone)
        ("2025-05-01T", [0]),  # GDAL's way of writing a date
        ("2025-05-01T10:00Z", [0]),  # GDAL's way of writing a minute
        ("2025-05-01T10Z", [0]),  # … and an hour
        ("2025-05-01/2025-05-02", [0, 1]),
        ("2025-05-01T10:00:00Z/2025-05-02T09:59:59Z", [0]),
        ("2025-05-02/..", [1, 2]),
        ("2025-05-02/", [1, 2]),
        ("../2025-05-02", [0, 1]),
        ("/2025-05-01", [0]),
        ("2025-06-01/..", []),
    ],
)
def test_datetime_filters_the_creation_time(client, seeded, value, expected):
    body = get_json(client, f"{POINTS}/items", data={"datetime": value})

    assert ids_of(body) == [seeded["published"][i].pk for i in expected]


@pytest.mark.parametrize(("value", "found"), [("2025-05-02", True), ("2025-05-01", False)])
def test_a_date_is_the_local_day_the_items_show(client, point_category, value, found):
    """Items say their times in the site's zone (Berlin), so a date names that day there, as the export
    filters do: 23:30 UTC on 1 May is 01:30 on 2 May in Karlsruhe."""
    late = SuggestionFactory(
        category=point_category,
        geom=Point(8.40, 49.00, srid=4326),
        created_at=datetime(2025, 5, 1, 23, 30, tzinfo=UTC),
    )

    body = get_json(client, f"{POINTS}/items", data={"datetime": value})

    assert (late.pk in ids_of(body)) is found
    if found:
        assert body["features"][0]["properties"]["created_at"] == "2025-05-02T01:30:00+02:00"


def test_category_filters_by_key(client, seeded):
    charging = [seeded["published"][0].pk, seeded["published"][2].pk]

    assert ids_of(get_json(client, f"{POINTS}/items?category=charging-station")) == charging
    assert ids_of(get_json(client, f"{POINTS}/items?category=sharing-point")) == [seeded["published"][1].pk]
    both = get_json(client, f"{POINTS}/items?category=charging-station,sharing-point")
    assert ids_of(both) == sorted(s.pk for s in seeded["published"])


@pytest.mark.parametrize("value", ["bike-path", "nope", "charging-station,nope", ",", ""])
def test_unknown_categories_and_those_of_another_kind_are_400(client, seeded, value):
    body = get_json(client, f"{POINTS}/items", status=400, data={"category": value})

    assert body["code"] == "InvalidParameterValue"
    assert "category" in body["description"].lower() or "kategorie" in body["description"].lower()


def test_filters_combine(client, seeded):
    query = "bbox=8.3,48.95,8.5,49.05&category=charging-station&datetime=2025-05-10/.."

    assert ids_of(get_json(client, f"{POINTS}/items?{query}")) == [seeded["published"][2].pk]


# ------------------------------------------------------------------------------------------ limit, paging
def test_limit_has_a_default_and_larger_values_get_the_maximum(client, seeded, monkeypatch):
    monkeypatch.setattr(params, "LIMIT_DEFAULT", 2)
    monkeypatch.setattr(params, "LIMIT_MAX", 1)

    assert get_json(client, f"{POINTS}/items?limit=3")["numberReturned"] == 1
    assert get_json(client, f"{POINTS}/items?limit=1")["numberReturned"] == 1
    assert get_json(client, f"{POINTS}/items?limit={'9' * 500}")["numberReturned"] == 1
    monkeypatch.setattr(params, "LIMIT_MAX", 10_000)
    body = get_json(client, f"{POINTS}/items")
    assert body["numberReturned"] == 2
    assert link(body, "next")


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "1e9", "abc", "", " 5", "5 ", "+5", "0x10", "٣"])
def test_limit_must_be_a_whole_number_from_1(client, seeded, value):
    body = get_json(client, f"{POINTS}/items", status=400, data={"limit": value})

    assert body["code"] == "InvalidParameterValue"
    assert "limit" in body["description"]


def test_walking_the_next_links_returns_every_published_id_once_in_order(client, point_category):
    created = SuggestionFactory.create_batch(23, category=point_category)
    SuggestionFactory.create_batch(3, category=point_category, moderation_state=ModerationState.PENDING)
    url, seen, pages = f"{POINTS}/items?limit=5", [], 0

    while url:
        body = get_json(client, url)
        seen += ids_of(body)
        pages += 1
        following = link(body, "next")
        url = following["href"] if following else None
        if url:
            assert following["type"] == "application/geo+json"
            assert parse_qs(urlsplit(url).query)["limit"] == ["5"]  # the next link keeps the query

    assert seen == sorted(s.pk for s in created)
    assert pages == 5


def test_next_links_keep_the_filters(client, point_category):
    inside = SuggestionFactory.create_batch(4, category=point_category, geom=Point(8.40, 49.00, srid=4326))
    SuggestionFactory.create_batch(4, category=point_category, geom=Point(8.49, 49.04, srid=4326))
    url = (
        f"{POINTS}/items?limit=3&bbox=8.39,48.99,8.41,49.01&category=charging-station&datetime=2020-01-01/.."
    )

    first = get_json(client, url)
    second = get_json(client, link(first, "next")["href"])

    assert ids_of(first) + ids_of(second) == [s.pk for s in inside]
    assert link(second, "next") is None
    query = parse_qs(urlsplit(link(first, "next")["href"]).query)
    assert query["bbox"] == ["8.39,48.99,8.41,49.01"]
    assert query["category"] == ["charging-station"]
    assert query["after"] == [str(inside[2].pk)]


def statements_of(client, url: str) -> tuple[dict, list[str]]:
    """The answer's JSON and the statements it ran, without the savepoints the test's transaction adds
    around the page's own transaction (in a request they are BEGIN and ROLLBACK, sent by psycopg)."""
    with CaptureQueriesContext(connection) as queries:
        body = get_json(client, url)
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    return body, [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(control)]


def test_an_items_page_costs_the_same_number_of_queries_however_many_features(client, point_category):
    """The project, its categories, the page's time zone and the page: four statements, however many
    features."""
    url = f"{POINTS}/items?bbox=8.3,48.9,8.5,49.1&datetime=2020-01-01/.."
    SuggestionFactory.create_batch(3, category=point_category)
    small, small_statements = statements_of(client, url)
    SuggestionFactory.create_batch(40, category=point_category)
    large, large_statements = statements_of(client, url)
    _one, one_statements = statements_of(client, f"{POINTS}/items/{large['features'][0]['id']}")

    assert (small["numberReturned"], large["numberReturned"]) == (3, 43)
    assert len(small_statements) == len(large_statements) <= 4, large_statements
    assert len(one_statements) <= 4, one_statements


# ------------------------------------------------------------------------------------------- bad input
INJECTIONS = [
    ("bbox", "1,2,3,4);DROP TABLE participation_suggestion;--"),
    ("bbox", "8.3,48.9,8.5,49.1' OR '1'='1"),
    ("bbox", "NaN,48.9,8.5,49.1"),
    ("bbox", "8.3,48.9,inf,49.1"),
    ("bbox", "8.3,48.9,8.5,-Infinity"),
    ("bbox", "1e400,48.9,8.5,49.1"),
    ("bbox", "8.3,48.9,8.5,1e308"),
    ("bbox", "-181,48.9,8.5,49.1"),
    ("bbox", "8.5,48.9,8.3,49.1"),  # west east of east
    ("bbox", "8.3,49.1,8.5,48.9"),
    ("bbox", "8.3,48.9,8.5"),
    ("bbox", "8.3,48.9,8.5,49.1,5"),
    ("bbox", "8.3,48.9,nan,8.5,49.1,1"),
    ("bbox", ""),
    ("category", "' OR 1=1--"),
    ("category", "charging-station'); DELETE FROM participation_suggestion; --"),
    ("datetime", "2020-01-01' OR '1'='1"),
    ("datetime", "2020-01-01T00:00:00"),  # a time needs its offset
    ("datetime", "2020-13-01"),
    ("datetime", "2020-02-30"),
    ("datetime", "2020-01-01T24:00:00Z"),
    ("datetime", "2020-01-01T10:00:00+25:00"),
    ("datetime", "9999-12-31"),  # the day after it does not exist
    ("datetime", "../.."),
    ("datetime", "/"),
    ("datetime", "2025-05-02/2025-05-01"),
    ("datetime", "2025-05-01/2025-05-02/2025-05-03"),
    ("datetime", "yesterday"),
    ("datetime", "now()"),
    ("limit", "1e9"),
    ("limit", "10;DROP TABLE participation_suggestion"),
    ("after", "-1 OR 1=1"),
    ("after", "-1"),
    ("after", "1.5"),
    ("after", "9" * 19),
    ("after", "1; SELECT pg_sleep(10)"),
    ("f", "xml"),
    ("f", "json' OR 1=1"),
    ("filter", "1=1"),
    ("offset", "10"),
    ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/2154"),
    ("crs", "EPSG:4326' OR 1=1"),
]


@pytest.mark.parametrize(("name", "value"), INJECTIONS)
def test_bad_and_hostile_values_are_400_with_a_message_and_change_nothing(client, seeded, name, value):
    before = Suggestion.objects.count()

    response = client.get(f"{POINTS}/items", {name: value})

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == "InvalidParameterValue"
    assert len(body["description"]) > 10
    assert Suggestion.objects.count() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('participation_suggestion') IS NOT NULL")
        assert cursor.fetchone()[0]


def test_a_parameter_given_twice_or_unknown_anywhere_is_400(client, seeded):
    assert get_json(client, f"{POINTS}/items?limit=1&limit=2", status=400)["code"] == "InvalidParameterValue"
    for url in (BASE, f"{BASE}/collections", POINTS, f"{BASE}/conformance", f"{BASE}/api"):
        body = get_json(client, f"{url}?bbox=1,2,3,4", status=400)
        assert "bbox" in body["description"]


def test_only_get_and_head(client, seeded):
    assert client.post(f"{POINTS}/items").status_code == 405
    assert client.head(f"{POINTS}/items").status_code == 200


# --------------------------------------------------------------------------------- formats and addresses
@pytest.mark.parametrize(
    ("url", "accept", "content_type"),
    [
        (f"{POINTS}/items", "application/geo+json", "application/geo+json"),
        (f"{POINTS}/items", "application/json", "application/geo+json"),
        (f"{POINTS}/items", "*/*", "application/geo+json"),
        (f"{POINTS}/items", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html; charset=utf-8"),
        (f"{POINTS}/items?f=json", "text/html", "application/geo+json"),
        (f"{POINTS}/items?f=html", "application/json", "text/html; charset=utf-8"),
        (BASE, "", "application/json"),
        (
            f"{BASE}/api",
            "application/vnd.oai.openapi+json;version=3.0",
            "application/vnd.oai.openapi+json;version=3.0",
        ),
        (f"{BASE}/api", "text/html", "text/html; charset=utf-8"),
        (f"{BASE}/collections", "text/html", "text/html; charset=utf-8"),
    ],
)
def test_format_from_f_else_from_the_accept_header(client, seeded, url, accept, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    response = client.get(url, **headers)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "Accept" in response["Vary"]


def test_json_may_be_cached_a_minute_by_anyone(client, seeded):
    response = client.get(f"{POINTS}/items")

    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.parametrize(
    "path", ["/ogcapi/", "/ogcapi/collections/", "/ogcapi/collections/test-project-points/items/"]
)
def test_addresses_without_a_trailing_slash_are_canonical(client, seeded, path):
    response = client.get(f"{path}?limit=2")

    assert response.status_code == 301
    assert response["Location"] == f"{path.rstrip('/')}?limit=2"
    assert client.get(path.rstrip("/")).status_code == 200


# ------------------------------------------------------------------------------------------------- HTML
@pytest.mark.parametrize(
    "url",
    [BASE, f"{BASE}/conformance", f"{BASE}/api", f"{BASE}/collections", POINTS, f"{POINTS}/items", LINES],
)
def test_every_resource_has_an_html_page(client, seeded, url):
    response = client.get(url, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html
    assert "<script>" not in html  # no inline script under our CSP


def test_html_pages_show_the_features_and_link_qgis(client, seeded):
    collection = client.get(f"{POINTS}?f=html").content.decode()
    items = client.get(f"{POINTS}/items?f=html&limit=2").content.decode()
    item = client.get(f"{POINTS}/items/{seeded['published'][1].pk}?f=html").content.decode()

    assert "QGIS" in collection
    assert "http://testserver/ogcapi" in collection
    assert "Ladestation am Schloßplatz – Süd" in items
    assert 'rel="next"' in items
    assert "Sharing am Bahnhof" in item
    assert "Wir prüfen das." in item
    assert f"/projects/test-project/suggestions/{seeded['published'][1].pk}/" in item


def test_user_text_is_escaped_in_html(client, point_category):
    project = point_category.project
    project.title_de = "<b>Projekt</b>"
    project.save()
    xss = SuggestionFactory(
        category=point_category, title="<script>alert(1)</script>", text="<img src=x onerror=alert(2)>"
    )

    for url in (f"{POINTS}/items?f=html", f"{POINTS}/items/{xss.pk}?f=html", f"{POINTS}?f=html"):
        html = client.get(url).content.decode()
        for raw in ("<script>alert", "<img src=x", "<b>Projekt"):
            assert raw not in html, (url, raw)
    html = client.get(f"{POINTS}/items/{xss.pk}?f=html").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_errors_are_pages_for_browsers_in_their_language(client, seeded):
    german = client.get(f"{POINTS}/items?limit=0", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="de")
    english = client.get(f"{POINTS}/items?limit=0", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get(f"{POINTS}/items/999999?f=html", HTTP_ACCEPT_LANGUAGE="en")

    assert german.status_code == english.status_code == 400
    assert "ganze Zahl" in german.content.decode()
    assert "whole number" in english.content.decode()
    assert missing.status_code == 404
    assert "no such feature" in missing.content.decode()


def test_json_errors_and_titles_follow_the_request_language(client, seeded):
    german = get_json(client, f"{POINTS}/items?limit=0", status=400, HTTP_ACCEPT_LANGUAGE="de")
    english = get_json(client, f"{POINTS}/items?limit=0", status=400, HTTP_ACCEPT_LANGUAGE="en")

    assert "ganze Zahl" in german["description"]
    assert "whole number" in english["description"]
    assert "Punkte" in get_json(client, POINTS, HTTP_ACCEPT_LANGUAGE="de")["title"]
    assert "points" in get_json(client, POINTS, HTTP_ACCEPT_LANGUAGE="en")["title"]


def test_a_line_crossing_a_project_is_drawn_by_its_own_geometry(client, line_category):
    line = SuggestionFactory(
        category=line_category, geom=LineString((8.40, 49.00), (8.405, 49.004), (8.41, 49.01), srid=4326)
    )

    body = get_json(client, f"{LINES}/items/{line.pk}")

    assert body["geometry"]["coordinates"] == [[8.4, 49.0], [8.405, 49.004], [8.41, 49.01]]
