"""Cursors and date parameters from the query string are refused with a 400, never a 500.

A list cursor is base64 of JSON `[value, id]` that the client sends back; anyone can forge one. Before, a
cursor whose time had an offset of 16 hours or more (valid ISO 8601, but beyond what PostgreSQL's
timestamptz accepts) or an id beyond bigint reached the database and failed there: an HTML 500 on an API URL.
The same class of bug was looked for in the OGC API's `datetime` and the exports' date filters.
"""

import json
from base64 import urlsafe_b64encode
from datetime import datetime, timedelta, timezone

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import SuggestionFactory
from tests.fuzz import budget

LIST = "/api/v1/projects/test-project/list/"
# The client and the suggestions are shared by every example: the requests only read.
FIXTURES = [HealthCheck.function_scoped_fixture]


def cursor_of(value: object) -> str:
    return urlsafe_b64encode(json.dumps(value).encode()).decode()


def assert_invalid_cursor(response) -> None:
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "invalid_cursor"
    assert body["message"]


@pytest.fixture
def listed(point_category):
    return SuggestionFactory.create_batch(3, category=point_category)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        ["2026-05-01T12:00:00+16:00", 5],
        ["2026-05-01T12:00:00-16:00", 5],
        ["2026-05-01T12:00:00+23:59", 5],
    ],
)
def test_a_cursor_time_with_an_offset_of_16_hours_or_more_is_a_400(client: Client, listed, value):
    assert_invalid_cursor(client.get(LIST, {"sort": "newest", "cursor": cursor_of(value)}))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("newest", ["0001-01-01T00:00:00+01:00", 5]),
        ("newest", ["9999-12-31T23:59:59-01:00", 5]),
        ("newest", ["2026-05-01T12:00:00+00:00", 2**63]),
        ("supported", [2**31, 5]),
        ("supported", [3, 2**63]),
        ("supported", [10**400, 1]),
    ],
)
def test_cursors_at_the_ends_of_the_ranges_are_a_page_or_invalid_cursor(client: Client, listed, sort, value):
    response = client.get(LIST, {"sort": sort, "cursor": cursor_of(value)})

    if response.status_code != 200:
        assert_invalid_cursor(response)


@pytest.mark.django_db
def test_a_cursor_with_an_ordinary_offset_still_pages(client: Client, listed):
    newest = max(listed, key=lambda s: (s.created_at, s.pk))
    in_berlin = newest.created_at.astimezone(timezone(timedelta(hours=2))).isoformat()

    response = client.get(LIST, {"sort": "newest", "cursor": cursor_of([in_berlin, newest.pk])})

    assert response.status_code == 200
    assert newest.pk not in [s["id"] for s in response.json()["results"]]
    assert len(response.json()["results"]) == 2


offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
)
iso_times = st.builds(
    lambda moment, offset: moment.isoformat() + offset,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    offsets,
)
json_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False, allow_infinity=False)
)
cursor_values = st.lists(
    st.one_of(iso_times, json_numbers, st.text(max_size=30), st.none(), st.booleans()), min_size=0, max_size=3
)


@pytest.mark.django_db
@settings(max_examples=budget(150), deadline=None, suppress_health_check=FIXTURES)
@given(sort=st.sampled_from(["newest", "supported"]), value=cursor_values)
def test_any_forged_cursor_is_a_page_or_invalid_cursor(client: Client, listed, sort, value):
    response = client.get(LIST, {"sort": sort, "cursor": cursor_of(value)})

    if response.status_code != 200:
        assert_invalid_cursor(response)


@pytest.mark.django_db
@settings(max_examples=budget(60), deadline=None, suppress_health_check=FIXTURES)
@given(raw=st.text(min_size=1, max_size=60))
def test_any_cursor_text_is_a_page_or_invalid_cursor(client: Client, listed, raw):
    response = client.get(LIST, {"sort": "newest", "cursor": raw})

    if response.status_code != 200:
        # A NUL character is refused by the input's own check ("invalid"), anything else is the cursor's.
        assert response.status_code == 400
        assert response.json()["code"] in ("invalid_cursor", "invalid")
        assert response.json()["message"]


@pytest.mark.django_db
@settings(max_examples=budget(100), deadline=None, suppress_health_check=FIXTURES)
@given(moment=iso_times, end=st.sampled_from(["", "/..", "/9999-12-31T23:59:59.999999Z"]))
def test_ogc_datetime_of_any_offset_is_an_answer_or_its_400(client: Client, listed, moment, end):
    response = client.get(
        "/ogcapi/collections/test-project-points/items",
        {"datetime": moment + end},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.json()["code"] == "InvalidParameterValue"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"created_to": "9999-12-31"},
        {"created_from": "0001-01-01"},
        {"created_from": "9999-12-31"},
        {"created_to": "0001-01-01"},
    ],
)
def test_export_date_filters_at_the_ends_of_the_calendar_are_answers_not_500s(client: Client, listed, query):
    response = client.get("/api/v1/projects/test-project/open-data/geojson", query)

    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.json()["message"]
    else:
        b"".join(response.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize("after", [str(2**63), "9" * 40, "-1", "1e3"])
def test_a_keyset_after_beyond_bigint_is_an_answer_or_a_400(client: Client, listed, after):
    for path in (
        "/api/v1/projects/test-project/suggestions/",
        "/ogcapi/collections/test-project-points/items",
    ):
        response = client.get(path, {"after": after}, HTTP_ACCEPT="application/json")

        assert response.status_code in (200, 400), (path, after, response.status_code)
