"""numberMatched on the suggestion collections (geo/ogcapi/count_selectors.py): given whenever it is quick to
know, exactly the number of features the pages hold, never counting what the public must not see; left out
(never guessed) where only a long read would answer."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from geo.ogcapi import count_selectors, cql2
from geo.ogcapi.params import items_query
from geo.ogcapi.selectors import collection_find
from participation.models import ModerationState, PlanningStatus, Suggestion
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

POINTS = "/ogcapi/collections/test-project-points"
STATUSES = list(PlanningStatus.values)
DAY = datetime(2026, 5, 1, tzinfo=UTC)


def get_json(client, url: str, status: int = 200, **params) -> dict:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.content
    return json.loads(response.content)


def all_pages(client, **params) -> tuple[int | None, list[dict]]:
    """numberMatched of the first page and the features of every page, following the next links."""
    body = get_json(client, f"{POINTS}/items", **params)
    matched = body.get("numberMatched")
    features = body["features"]
    while nxt := [link["href"] for link in body["links"] if link["rel"] == "next"]:
        body = json.loads(client.get(nxt[0], HTTP_ACCEPT_LANGUAGE="en").content)
        features += body["features"]
    return matched, features


@pytest.fixture
def rows(point_category, line_category):
    """30 published points in two categories with every status, supports 0-9, three days, two places; and
    what no count may include: pending, rejected and hidden points, a line, another project's point."""
    sharing = CategoryFactory(project=point_category.project, key="sharing-point", geometry_kind="point")
    points = [
        SuggestionFactory(
            category=sharing if i % 3 == 0 else point_category,
            geom=Point(8.40 + (0.001 if i % 2 else 0.05), 49.0, srid=4326),
            planning_status=STATUSES[i % len(STATUSES)],
            support_count=i % 10,
            created_at=DAY + timedelta(days=i % 3, hours=1),
        )
        for i in range(30)
    ]
    for state in (ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN):
        SuggestionFactory(
            category=point_category, moderation_state=state, planning_status="planned", support_count=9
        )
    SuggestionFactory(category=line_category, planning_status="planned", support_count=9)
    other = CategoryFactory(project=ProjectFactory(slug="other"), key="charging-station")
    SuggestionFactory(category=other, planning_status="planned", support_count=9)
    return {"points": points, "sharing": sharing}


@pytest.mark.parametrize(
    ("params", "predicate"),
    [
        ({}, lambda s: True),
        ({"category": "sharing-point"}, lambda s: s.category.key == "sharing-point"),
        (
            {"filter": "planning_status = 'planned' AND support_count >= 2"},
            lambda s: s.planning_status == "planned" and s.support_count >= 2,
        ),
        (
            {"filter": "planning_status IN ('planned', 'received') AND support_count > 2 AND text <> ''"},
            lambda s: s.planning_status in ("planned", "received") and s.support_count > 2,
        ),
        ({"bbox": "8.399,48.99,8.402,49.01"}, lambda s: s.geom.x < 8.41),
        ({"datetime": "2026-05-02/2026-05-02"}, lambda s: s.created_at.date().day == 2),
        (
            {"filter": "category = 'sharing-point' AND title LIKE 'Vorschlag%'"},
            lambda s: s.category.key == "sharing-point",
        ),
        # No index narrows these: the collection is small enough to read.
        ({"filter": "support_count > 6"}, lambda s: s.support_count > 6),
        ({"filter": "NOT planning_status = 'planned'"}, lambda s: s.planning_status != "planned"),
    ],
)
def test_number_matched_is_the_number_of_features_the_pages_hold(client, rows, params, predicate):
    matched, features = all_pages(client, limit=4, **params)

    expected = {s.pk for s in rows["points"] if predicate(s)}
    assert len(expected) > 4  # more than a page: the count is not the page's own
    assert {f["id"] for f in features} == expected
    assert matched == len(expected)


def test_a_first_page_that_is_also_the_last_counts_itself(client, rows):
    with CaptureQueriesContext(connection) as queries:
        body = get_json(client, f"{POINTS}/items", limit=100, filter="answered_at IS NULL")

    assert body["numberMatched"] == body["numberReturned"] == 30
    assert not [q for q in queries.captured_queries if "AS matched" in q["sql"]]


def test_no_filter_is_counted_from_the_cluster_cells_and_follows_moderation(client, rows):
    with CaptureQueriesContext(connection) as queries:
        assert get_json(client, f"{POINTS}/items", limit=2)["numberMatched"] == 30
    assert [q for q in queries.captured_queries if "geo_cluster_cell" in q["sql"]]
    assert not [q for q in queries.captured_queries if "AS matched" in q["sql"]]

    Suggestion.objects.filter(pk=rows["points"][0].pk).update(moderation_state=ModerationState.HIDDEN)

    assert get_json(client, f"{POINTS}/items", limit=2)["numberMatched"] == 29


def test_sorted_first_pages_give_the_same_count_and_later_pages_count_only_from_the_cells(client, rows):
    first = get_json(client, f"{POINTS}/items", limit=4, filter="support_count >= 5")
    by_supports = get_json(
        client, f"{POINTS}/items", limit=4, sortby="-support_count", filter="support_count >= 5"
    )
    unfiltered = get_json(client, f"{POINTS}/items", limit=4)

    assert first["numberMatched"] == by_supports["numberMatched"] == 15
    # The bounded count is made for a first page only (clients read it there); the cells' count is free.
    for page in (first, by_supports):
        with CaptureQueriesContext(connection) as queries:
            later = json.loads(
                client.get(next(x["href"] for x in page["links"] if x["rel"] == "next")).content
            )
        assert "numberMatched" not in later
        assert later["numberReturned"] == 4
        assert not [q for q in queries.captured_queries if "AS matched" in q["sql"]]
    second = json.loads(
        client.get(next(x["href"] for x in unfiltered["links"] if x["rel"] == "next")).content
    )
    assert second["numberMatched"] == unfiltered["numberMatched"] == 30


def test_a_count_that_would_read_too_much_is_left_out(client, rows, monkeypatch):
    # Pages of 4 may read 5 table rows, or 8 entries of the status index.
    monkeypatch.setattr(count_selectors, "ROWS_PER_FEATURE", 1)
    monkeypatch.setattr(count_selectors, "MIN_ROWS", 5)
    monkeypatch.setattr(count_selectors, "INDEX_ENTRIES_PER_FEATURE", 2)
    monkeypatch.setattr(count_selectors, "MIN_INDEX_ENTRIES", 8)

    # 30 points, more than 5 rows: a filter no index narrows is not even counted.
    with CaptureQueriesContext(connection) as queries:
        body = get_json(client, f"{POINTS}/items", limit=4, filter="support_count > 0")
    assert "numberMatched" not in body
    assert not [q for q in queries.captured_queries if "AS matched" in q["sql"]]
    # The index narrows to 10 rows: more than 5 table rows, or 8 index entries.
    assert "numberMatched" not in get_json(client, f"{POINTS}/items", limit=4, datetime="2026-05-02")
    assert "numberMatched" not in get_json(
        client, f"{POINTS}/items", limit=4, filter="planning_status IN ('planned', 'received', 'declined')"
    )
    # Within the bounds it is still given; without filters always.
    assert (
        get_json(client, f"{POINTS}/items", limit=4, filter="planning_status = 'planned'")["numberMatched"]
        == 6
    )
    assert get_json(client, f"{POINTS}/items", limit=4)["numberMatched"] == 30


def test_the_html_page_says_how_many_match(client, rows):
    response = client.get(f"{POINTS}/items", {"f": "html", "limit": 4}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "30 features match in all." in response.content.decode()
    german = client.get(f"{POINTS}/items", {"f": "html", "limit": 4}, HTTP_ACCEPT_LANGUAGE="de")
    assert "30 Objekte passen insgesamt." in german.content.decode()


@pytest.mark.parametrize(
    ("text", "indexed"),
    [
        ("planning_status = 'planned' AND support_count >= 5", [True, True]),
        ("support_count >= 5", [False]),
        ("support_count >= 5 AND planning_status IN ('planned', 'declined')", [True, True]),
        ("planning_status <> 'planned' AND support_count >= 5", [False, False]),
        ("category = 'a' AND answered_at > DATE('2026-10-01')", [True, False]),
        ("created_at T_AFTER DATE('2026-10-01') AND CASEI(title) LIKE '%x%'", [True, False]),
        ("S_INTERSECTS(geometry, BBOX(8, 49, 9, 50)) AND id > 5", [True, True]),
        ("planning_status = 'planned' OR support_count >= 5", [False]),
        ("NOT planning_status = 'planned'", [False]),
    ],
)
def test_only_terms_an_index_reads_narrow_the_count(text, indexed):
    terms = cql2.and_terms(cql2.parse(text))

    assert count_selectors.indexed_terms(terms) == indexed


def _copies(cursor, suggestion_id: int, count: int) -> None:
    """`count` copies of a published suggestion with every status and supports 0-13, analysed: a table
    whose statistics make the planner choose as on a real one."""
    cursor.execute(
        "INSERT INTO participation_suggestion (project_id, category_id, geom, title, text, display_name, "
        "moderation_state, planning_status, official_answer, support_count, comment_count, language, "
        "source_address, created_at, updated_at) "
        "SELECT project_id, category_id, geom, title, text, display_name, moderation_state, "
        "(ARRAY['received', 'under_review', 'planned', 'implemented', 'declined'])[1 + g %% 5], "
        "official_answer, g %% 14, 0, language, source_address, created_at, updated_at "
        "FROM participation_suggestion, generate_series(1, %s) AS g WHERE id = %s",
        [count, suggestion_id],
    )
    cursor.execute("ANALYZE participation_suggestion")


def test_the_status_and_supports_count_is_a_range_of_its_index(rows):
    """The bench's filter reads only the index suggestion_published_status_supports (geo 0029), on 5,000
    suggestions with the statistics of a real table."""
    with connection.cursor() as cursor:
        _copies(cursor, rows["points"][1].pk, 5000)
        cursor.execute(
            "EXPLAIN SELECT count(*) FROM participation_suggestion WHERE project_id = %s "
            "AND moderation_state = 'published' AND planning_status = 'planned' AND support_count >= 5",
            [rows["sharing"].project_id],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # An index-only scan once VACUUM has marked the pages all-visible (as on the bench); here, in the test's
    # transaction, a bitmap scan of the same range.
    assert "suggestion_published_status_supports" in plan
    assert "Index Cond: ((project_id = " in plan
    assert "AND (support_count >= 5))" in plan
    assert "Seq Scan" not in plan


def test_a_status_and_supports_page_reads_only_the_rows_it_holds(rows, client):
    """The bench's filter as a page: a walk in id order through the status's entries of
    suggestion_published_status_by_id (geo 0030), the supports checked in the index, so no table row
    failing them is read (without it: the id index, and every row read to be checked)."""
    with connection.cursor() as cursor:
        _copies(cursor, rows["points"][1].pk, 20000)
    with CaptureQueriesContext(connection) as queries:
        get_json(
            client, f"{POINTS}/items", limit=100, filter="planning_status = 'planned' AND support_count >= 12"
        )
    [page] = [q["sql"] for q in queries.captured_queries if "json_agg" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using suggestion_published_status_by_id" in plan, plan
    assert "AND (support_count >= 12))" in plan, plan


def test_the_bounds_grow_with_the_page(rows):
    """A count may read 3 table rows or 40 status-index entries per feature of the page (at least 300 and
    4,000): a page of 1,000 allows 3,000 and 40,000, a page of 10,000 ten times that."""
    collection = collection_find("test-project-points")

    def bound(params: str) -> int:
        query = items_query(QueryDict(params), category_keys=collection.category_keys)
        return count_selectors.count_query(collection=collection, query=query).limit

    assert bound("limit=1000&filter=planning_status = 'planned' AND support_count >= 5") == 40_000
    assert bound("limit=1000&bbox=8,48,9,50") == 3_000
    assert bound("limit=10000&datetime=2026-05-02") == 30_000
    assert bound("limit=10&filter=planning_status = 'planned'") == 4_000
    assert bound("filter=category = 'sharing-point'") == 300


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter": "category = 'sharing-point'"}, 10),
        (
            {"filter": "category IN ('sharing-point', 'charging-station') AND 'charging-station' = category"},
            20,
        ),
        ({"filter": "category = 'sharing-point'", "category": "charging-station"}, 0),
    ],
)
def test_a_filter_on_categories_alone_is_counted_from_the_cells(client, rows, monkeypatch, params, expected):
    monkeypatch.setattr(count_selectors, "MIN_ROWS", 1)  # no bounded count could answer
    monkeypatch.setattr(count_selectors, "ROWS_PER_FEATURE", 0)
    with CaptureQueriesContext(connection) as queries:
        body = get_json(client, f"{POINTS}/items", limit=2, **params)

    assert body.get("numberMatched") == expected
    assert not [q for q in queries.captured_queries if "AS matched" in q["sql"]]


@pytest.mark.parametrize(
    "text",
    [
        "category = 'a' AND support_count > 1",
        "NOT category = 'a'",
        "category <> 'a'",
        "CASEI(category) = 'a'",
    ],
)
def test_other_category_filters_are_not_read_as_a_choice_of_categories(text):
    assert count_selectors.category_choice(text) is None
