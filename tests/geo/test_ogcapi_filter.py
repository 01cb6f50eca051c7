"""OGC API – Features Part 3 on the suggestion collections: queryables, CQL2-text `filter` translated into
SQL with bound values (geo/ogcapi/cql2.py), the conformance classes, and every bad filter a 400."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from geo.fields import OGCAPI, fields_in
from geo.ogcapi import cql2
from geo.ogcapi.errors import InvalidParameter
from participation.models import LineDrawing, PlanningStatus, Suggestion
from tests.factories import CategoryFactory, FacilityLayerFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

BASE = "/ogcapi"
POINTS = f"{BASE}/collections/test-project-points"
LINES = f"{BASE}/collections/test-project-lines"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
OCT_1 = datetime(2026, 9, 30, 22, 0, tzinfo=UTC)  # midnight of 1 October 2026 in Berlin


def get_json(client, url: str, status: int = 200, **params) -> dict:
    # In English: the messages the tests look for (the site's default language is German).
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.content
    return json.loads(response.content)


def ids(client, text: str, url: str = POINTS, **params) -> set[int]:
    body = get_json(client, f"{url}/items", filter=text, limit=1000, **params)
    return {f["id"] for f in body["features"]}


@pytest.fixture
def rows(point_category, line_category):
    """Twelve published points with every planning status, support counts 0-11, creation in two months,
    answers before and after 1 October; a line; and what no filter may reveal."""
    sharing = CategoryFactory(project=point_category.project, key="sharing-point", geometry_kind="point")
    statuses = list(PlanningStatus.values)
    points = [
        SuggestionFactory(
            category=sharing if i % 4 == 0 else point_category,
            geom=Point(8.30 + 0.01 * i, 49.0, srid=4326),
            title=f"Radbügel {i}" if i % 3 == 0 else f"Ladesäule {i}",
            planning_status=statuses[i % len(statuses)],
            support_count=i,
            comment_count=11 - i,
            created_at=datetime(2026, 8, 1, tzinfo=UTC) + timedelta(days=5 * i),
            answered_at=(OCT_1 + timedelta(days=i - 6, hours=10)) if i % 2 == 0 else None,
            official_answer="Antwort" if i % 2 == 0 else "",
        )
        for i in range(12)
    ]
    line = SuggestionFactory(category=line_category, title="Radweg", line_drawing=LineDrawing.ROUTED)
    SuggestionFactory(category=point_category, title="SECRET", moderation_state="pending", support_count=99)
    return {"points": points, "line": line, "sharing": sharing}


def pks(rows, predicate) -> set[int]:
    return {s.pk for s in rows["points"] if predicate(s)}


# ---------------------------------------------------------------------------------------------- API
def test_support_count_filters_on_the_server(client, rows):
    assert ids(client, "support_count > 3") == pks(rows, lambda s: s.support_count > 3)
    assert ids(client, "3 >= support_count") == pks(rows, lambda s: s.support_count <= 3)
    assert ids(client, "support_count BETWEEN 2 AND 4") == pks(rows, lambda s: 2 <= s.support_count <= 4)
    assert ids(client, "support_count IN (1, 5, 99)") == pks(rows, lambda s: s.support_count in (1, 5))


def test_planning_status_and_category_filter_by_their_values(client, rows):
    assert ids(client, "planning_status = 'planned'") == pks(rows, lambda s: s.planning_status == "planned")
    assert ids(client, "planning_status <> 'planned' AND category = 'sharing-point'") == pks(
        rows, lambda s: s.planning_status != "planned" and s.category == rows["sharing"]
    )
    assert ids(client, "category IN ('charging-station')") == pks(
        rows, lambda s: s.category != rows["sharing"]
    )
    assert ids(client, "NOT category = 'charging-station'") == pks(
        rows, lambda s: s.category == rows["sharing"]
    )


def test_answered_dates_filter_answered_at_never_the_creation_date(client, rows):
    after = pks(rows, lambda s: s.answered_at is not None and s.answered_at >= OCT_1 + timedelta(days=1))

    assert after  # the rows hold answers on both sides of 1 October
    assert ids(client, "answered_at > '2026-10-01'") == after
    assert ids(client, "answered_at > DATE('2026-10-01')") == after
    assert ids(client, "answered_at T_AFTER DATE('2026-10-01')") == after
    # GDAL writes a date as '2026-10-01T'; `>=` counts from the day's first second.
    assert ids(client, "answered_at >= '2026-10-01T'") == pks(
        rows, lambda s: s.answered_at is not None and s.answered_at >= OCT_1
    )
    assert ids(client, "answered_at IS NULL") == pks(rows, lambda s: s.answered_at is None)
    # Two-valued NOT: the unanswered are not "answered after 1 October".
    assert ids(client, "NOT answered_at > '2026-10-01'") == pks(rows, lambda s: s.pk not in after)


def test_created_dates_filter_with_timestamps_intervals_and_dates(client, rows):
    sept = (datetime(2026, 8, 31, 22, tzinfo=UTC), datetime(2026, 9, 30, 22, tzinfo=UTC))

    assert ids(client, "created_at T_DURING INTERVAL('2026-08-31T22:00:00Z','2026-09-30T21:59:59Z')") == pks(
        rows, lambda s: sept[0] <= s.created_at < sept[1]
    )
    assert ids(client, "created_at < TIMESTAMP('2026-08-11T00:00:00Z')") == pks(
        rows, lambda s: s.created_at < datetime(2026, 8, 11, tzinfo=UTC)
    )
    assert ids(client, "created_at = DATE('2026-08-06')") == pks(
        rows, lambda s: s.created_at == datetime(2026, 8, 6, tzinfo=UTC)
    )
    assert ids(client, "created_at T_BEFORE DATE('2026-08-06')") == pks(
        rows, lambda s: s.created_at < datetime(2026, 8, 5, 22, tzinfo=UTC)
    )


def test_text_filters_with_like_and_casei(client, rows):
    radbuegel = pks(rows, lambda s: s.title.startswith("Radbügel"))

    assert ids(client, "title LIKE 'Radbügel%'") == radbuegel
    assert ids(client, "title LIKE 'radbügel%'") == set()
    assert ids(client, "CASEI(title) LIKE CASEI('RADBÜGEL%')") == radbuegel
    assert ids(client, "official_answer IS NULL") == pks(rows, lambda s: not s.official_answer)


def test_s_intersects_with_a_polygon_and_a_bbox(client, rows):
    west = pks(rows, lambda s: s.geom.x <= 8.345)

    assert (
        ids(
            client,
            "S_INTERSECTS(geometry, POLYGON((8.29 48.9, 8.345 48.9, 8.345 49.1, 8.29 49.1, 8.29 48.9)))",
        )
        == west
    )
    assert ids(client, "S_INTERSECTS(geometry, BBOX(8.29, 48.9, 8.345, 49.1))") == west


def test_filters_combine_with_the_other_parameters_and_keep_in_the_next_link(client, rows):
    body = get_json(
        client, f"{POINTS}/items", filter="support_count >= 2", limit=3, category="charging-station"
    )
    expected = sorted(pks(rows, lambda s: s.support_count >= 2 and s.category != rows["sharing"]))

    assert [f["id"] for f in body["features"]] == expected[:3]
    next_link = next(x["href"] for x in body["links"] if x["rel"] == "next")
    assert "filter=support_count" in next_link


def test_lines_filter_on_line_drawing(client, rows):
    assert ids(client, "line_drawing = 'routed'", LINES) == {rows["line"].pk}
    assert ids(client, "line_drawing = 'free'", LINES) == set()


def test_filter_lang_cql2_text_and_the_drafts_name_and_crs84_are_accepted(client, rows):
    expected = pks(rows, lambda s: s.support_count > 9)

    assert ids(client, "support_count > 9", **{"filter-lang": "cql2-text"}) == expected
    assert ids(client, "support_count > 9", **{"filter-lang": "cql-text", "filter-crs": CRS84}) == expected


def test_unpublished_rows_stay_out_whatever_the_filter(client, rows):
    assert ids(client, "support_count = 99 OR title = 'SECRET'") == set()


def test_two_properties_compare_with_each_other(client, rows):
    assert ids(client, "support_count > comment_count") == pks(
        rows, lambda s: s.support_count > s.comment_count
    )
    assert ids(client, "comment_count >= support_count AND support_count >= 4") == pks(
        rows, lambda s: 4 <= s.support_count <= s.comment_count
    )
    assert ids(client, "updated_at >= created_at") == pks(rows, lambda s: True)
    assert ids(client, "answered_at > created_at") == pks(
        rows, lambda s: s.answered_at is not None and s.answered_at > s.created_at
    )


def test_accenti_ignores_accents_and_with_casei_case_too(client, rows):
    assert ids(client, "ACCENTI(title) LIKE ACCENTI('Ladesaule%')") == pks(
        rows, lambda s: s.title.startswith("Ladesäule")
    )
    assert ids(client, "CASEI(ACCENTI(title)) = 'radbugel 3'") == pks(rows, lambda s: s.title == "Radbügel 3")
    assert ids(client, "ACCENTI(title) LIKE 'Radbugel%'") == pks(
        rows, lambda s: s.title.startswith("Radbügel")
    )
    assert ids(client, "title LIKE 'Radbugel%'") == set()


def test_quotes_inside_a_text_are_doubled_or_escaped(client, rows, point_category):
    karls = SuggestionFactory(category=point_category, title="Karl's Ladepunkt")
    SuggestionFactory(category=point_category, title="Karls Ladepunkt")

    assert ids(client, "title = 'Karl''s Ladepunkt'") == {karls.pk}
    assert ids(client, "title LIKE 'Karl\\'s%'") == {karls.pk}


# ------------------------------------------------------------------------------------- bad filters
BAD_FILTERS = [
    ("support_count >", "not valid CQL2 text"),
    ("support_count > 3 AND", "not valid CQL2 text"),
    ("nonsense = 1", "Unknown property"),
    ("author = 'x'", "Unknown property"),
    ("support_count > 'many'", "whole number"),
    ("title = 3", "text"),
    ("answered_at > 'yesterday'", "date"),
    ("planning_status = 'done'", "received, under_review"),
    ("category = 'parking'", "charging-station"),
    ("title = 'x'; DROP TABLE participation_suggestion", "not valid CQL2 text"),
    ("title = 'x' -- comment", "not valid CQL2 text"),
    ("title = 'x' /* comment */", "not valid CQL2 text"),
    ("title = 'it''s", "not valid CQL2 text"),
    ("title = ''; DELETE FROM participation_suggestion; --'", "not valid CQL2 text"),
    ('"support_count; DROP TABLE x" > 1', "Unknown property"),
    ("support_count = 1 + 2", "does not support"),
    ("S_CONTAINS(geometry, POINT(8.3 49))", "does not support"),
    ("created_at T_MEETS DATE('2026-01-01')", "does not support"),
    ("ACCENTI(support_count) = 'a'", "ACCENTI()"),
    ("CASEI(CASEI(title)) = 'a'", "CASEI()"),
    ("title LIKE text", "LIKE compares"),
    ("support_count = title", "different types"),
    ("answered_at > support_count", "different types"),
    ("S_INTERSECTS(geometry, geometry)", "S_INTERSECTS"),
    ("created_at > DATE('2026-02-31')", "does not exist"),
    ("S_INTERSECTS(geometry, POINT(200 49))", "-180 to 180"),
    ("S_INTERSECTS(geometry, POLYGON((8 48, 9 49, 9 48, 8 49, 8 48)))", "not valid"),
    ("S_INTERSECTS(geometry, SRID=3857;POINT(1 2))", "filter-crs"),
    ("S_INTERSECTS(geometry, LINESTRING(" + ", ".join(f"8.{i:04d} 49" for i in range(1001)) + "))", "longer"),
    ("S_INTERSECTS(geometry, MULTIPOINT(" + ", ".join(f"8 {i % 90}" for i in range(501)) + "))", "vertices"),
    ("id = 1 AND " * 100 + "id = 1", "nested too deeply"),
    ("support_count > 1 AND " * 600 + "support_count > 1", "longer"),
    ("x" * 10_000, "longer"),
    ("   ", "empty"),
    ("support_count = TRUE", "whole number"),
    ("S_INTERSECTS(geometry, support_count)", "S_INTERSECTS"),
    ("3 = 4", "property on at least one side"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILTERS)
def test_bad_filters_are_400_with_a_message_and_change_nothing(client, rows, text, message):
    before = Suggestion.objects.count()

    body = get_json(client, f"{POINTS}/items", status=400, filter=text)

    assert body["code"] == "InvalidParameterValue"
    assert message in body["description"], body["description"]
    assert Suggestion.objects.count() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('participation_suggestion') IS NOT NULL")
        assert cursor.fetchone()[0]


def test_deep_nesting_is_400(client, rows):
    text = "NOT (" * 45 + "support_count > 1" + ")" * 45

    # pygeofilter's grammar allows NOT only before a predicate: a syntax error, never a 5xx.
    assert get_json(client, f"{POINTS}/items", status=400, filter=text)["code"] == "InvalidParameterValue"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("filter-lang", "cql2-json", "cql2-text"),
        ("filter-lang", "ecql", "cql2-text"),
        # Part 2's CRSs are understood (tests/geo/test_ogcapi_crs.py), others not.
        ("filter-crs", "http://www.opengis.net/def/crs/EPSG/0/31467", "CRS84"),
    ],
)
def test_other_languages_and_crs_are_400_saying_what_is_supported(client, rows, name, value, message):
    body = get_json(client, f"{POINTS}/items", status=400, filter="support_count > 1", **{name: value})

    assert message in body["description"]


def test_errors_are_in_german_for_german_clients(client, rows):
    response = client.get(f"{POINTS}/items", {"filter": "nonsense = 1"}, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    assert "Unbekannte Eigenschaft" in json.loads(response.content)["description"]


# --------------------------------------------------------------------------------- queryables, conformance
def test_queryables_are_a_json_schema_of_every_public_property_and_the_geometry(client, rows):
    response = client.get(f"{POINTS}/queryables")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    body = json.loads(response.content)
    assert body["$schema"] == "https://json-schema.org/draft/2019-09/schema"
    assert body["$id"] == "http://testserver/ogcapi/collections/test-project-points/queryables"
    assert body["type"] == "object"
    properties = body["properties"]
    # Every public property but the photo links (geo/fields.py: nothing to filter on in a random key).
    assert list(properties) == [*(f.name for f in fields_in(OGCAPI) if f.queryable), "geometry"]
    assert "photo_1" not in properties
    assert properties["support_count"]["type"] == "integer"
    assert properties["answered_at"] == {**properties["answered_at"], "type": "string", "format": "date-time"}
    assert properties["planning_status"]["enum"] == list(PlanningStatus.values)
    assert properties["category"]["enum"] == ["charging-station", "sharing-point"]
    assert properties["line_drawing"]["enum"] == ["routed", "free"]
    assert properties["geometry"]["format"] == "geometry-point"
    assert {q["id"] for q in body["queryables"]} == set(properties)  # the draft's list GDAL 3.6 reads


def test_queryables_are_plain_json_for_clients_that_ask_only_for_json(client, rows):
    response = client.get(f"{LINES}/queryables", HTTP_ACCEPT="application/geo+json, application/json")

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["properties"]["geometry"]["format"] == "geometry-linestring"


def test_queryables_have_an_html_page_and_the_collection_links_them(client, rows):
    page = client.get(f"{POINTS}/queryables?f=html")
    collection = get_json(client, POINTS)

    assert page.status_code == 200
    assert "support_count" in page.content.decode()
    rels = {x["rel"]: x["href"] for x in collection["links"]}
    assert (
        rels["http://www.opengis.net/def/rel/ogc/1.0/queryables"] == f"http://testserver{POINTS}/queryables"
    )
    assert rels["queryables"] == f"http://testserver{POINTS}/queryables"


def test_context_layers_have_no_queryables_and_take_no_filter(client, rows, point_category):
    layer = FacilityLayerFactory(category=point_category)
    collection = f"{BASE}/collections/test-project-layer-{layer.pk}"

    assert client.get(collection).status_code == 200
    assert client.get(f"{collection}/queryables").status_code == 404
    assert client.get(f"{collection}/items", {"filter": "id > 1"}).status_code == 400


def test_conformance_lists_exactly_the_implemented_classes(client):
    body = get_json(client, f"{BASE}/conformance")

    part3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
    cql2_conf = "http://www.opengis.net/spec/cql2/1.0/conf/"
    # Part 1's, Part 2's (test_ogcapi_crs.py) and Tiles' classes have their own tests.
    others = ("features-1", "features-2", "ogcapi-tiles")
    assert {c for c in body["conformsTo"] if not any(other in c for other in others)} == {
        f"{part3}queryables",
        f"{part3}filter",
        f"{part3}features-filter",
        f"{cql2_conf}cql2-text",
        f"{cql2_conf}basic-cql2",
        f"{cql2_conf}advanced-comparison-operators",
        f"{cql2_conf}case-insensitive-comparison",
        f"{cql2_conf}accent-insensitive-comparison",
        f"{cql2_conf}property-property",
        f"{cql2_conf}basic-spatial-functions",
    }


def test_the_openapi_document_offers_cql_text_as_gdal_looks_for_it(client):
    document = get_json(client, f"{BASE}/api")

    lang = document["components"]["parameters"]["filter-lang"]
    assert {"cql2-text", "cql-text"} == set(lang["schema"]["enum"])
    assert "400" in document["paths"]["/collections/{collectionId}/items"]["get"]["responses"]


# ------------------------------------------------------------------------------------------ translator
QUERYABLES = cql2.queryables(category_keys=["charging-station", "sharing-point"])
CATEGORY_IDS = {"charging-station": 7, "sharing-point": 8}


def translate(text: str) -> cql2.SqlFilter:
    return cql2.translate(text, queryables=QUERYABLES, category_ids=CATEGORY_IDS)


@pytest.mark.parametrize(
    ("text", "sql", "params"),
    [
        ("support_count = 3", "(s.support_count = %(cql0)s)", [3]),
        ("support_count <> 3", "(s.support_count <> %(cql0)s)", [3]),
        ("support_count < 3", "(s.support_count < %(cql0)s)", [3]),
        ("support_count <= 3", "(s.support_count <= %(cql0)s)", [3]),
        ("support_count > 3", "(s.support_count > %(cql0)s)", [3]),
        ("support_count >= 3.5", "(s.support_count >= %(cql0)s)", [3.5]),
        ("3 < support_count", "(s.support_count > %(cql0)s)", [3]),
        ("title LIKE 'Rad%'", "(s.title LIKE %(cql0)s)", ["Rad%"]),
        ("title = 'Karl''s'", "(s.title = %(cql0)s)", ["Karl's"]),
        (r"title = 'Karl\'s'", "(s.title = %(cql0)s)", ["Karl's"]),
        (r"title LIKE '100\%'", "(s.title LIKE %(cql0)s)", ["100\\%"]),
        ("title NOT LIKE 'Rad%'", "(NOT coalesce((s.title LIKE %(cql0)s), false))", ["Rad%"]),
        ("CASEI(title) = CASEI('Rad')", "(lower(s.title) = lower(%(cql0)s))", ["Rad"]),
        ("ACCENTI(title) = ACCENTI('Straße')", "(unaccent(s.title) = unaccent(%(cql0)s))", ["Straße"]),
        ("CASEI(ACCENTI(title)) LIKE 'st%'", "(lower(unaccent(s.title)) LIKE %(cql0)s)", ["st%"]),
        ("support_count > comment_count", "(s.support_count > s.comment_count)", []),
        ("support_count <= 2.5", "(s.support_count <= %(cql0)s)", [2.5]),
        ("id IN (1, 2)", "((s.id = %(cql0)s) OR (s.id = %(cql1)s))", [1, 2]),
        ("id NOT IN (1)", "(NOT coalesce(((s.id = %(cql0)s)), false))", [1]),
        (
            "comment_count BETWEEN 1 AND 2",
            "((s.comment_count >= %(cql0)s) AND (s.comment_count <= %(cql1)s))",
            [1, 2],
        ),
        ("text IS NULL", "(nullif(s.text, '') IS NULL)", []),
        ("answered_at IS NOT NULL", "(s.answered_at IS NOT NULL)", []),
        ("category = 'sharing-point'", "(s.category_id = %(cql0)s)", [8]),
        (
            "planning_status = 'planned' OR NOT id = 1",
            "((s.planning_status = %(cql0)s) OR (NOT coalesce((s.id = %(cql1)s), false)))",
            ["planned", 1],
        ),
    ],
)
def test_each_operator_becomes_sql_with_bound_values(text, sql, params):
    found = translate(text)

    assert found.sql == sql
    assert list(found.params.values()) == params


def test_a_date_stands_for_its_whole_day_in_the_sites_zone():
    first, last = OCT_1, OCT_1 + timedelta(days=1) - timedelta(microseconds=1)

    assert translate("answered_at > '2026-10-01'").params == {"cql0": last}
    assert translate("answered_at >= DATE('2026-10-01')").params == {"cql0": first}
    assert translate("answered_at = '2026-10-01'").params == {"cql0": first, "cql1": last}
    assert translate("answered_at T_BEFORE DATE('2026-10-01')").sql == "(s.answered_at < %(cql0)s)"
    assert translate("created_at T_DURING INTERVAL('2026-10-01T00:00:00Z','2026-10-02T00:00:00Z')").sql == (
        "(s.created_at BETWEEN %(cql0)s AND %(cql1)s)"
    )


def test_s_intersects_binds_the_geometry_as_text():
    found = translate("S_INTERSECTS(geometry, POINT(8.4 49))")

    assert found.sql == "ST_Intersects(s.geom, ST_GeomFromText(%(cql0)s, 4326))"
    assert found.params == {"cql0": "POINT (8.4 49)"}


@pytest.mark.parametrize(("text", "message"), BAD_FILTERS)
def test_the_translator_refuses_what_the_api_refuses(text, message):
    with pytest.raises(InvalidParameter, match=r"\w"):
        translate(text)
