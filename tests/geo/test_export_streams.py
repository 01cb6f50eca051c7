"""The streamed exports (GeoJSON, CSV) at the level of their SQL and their streams: what a planner's file
holds for awkward titles, empty and one-row exports, and the database functions staying cheap at 1 M rows."""

import csv
import io
import json
import threading
from urllib.parse import urlencode

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.urls import reverse

from geo.analysis.models import SuggestionAnalysis
from geo.analysis.services import analysis_rebuild
from geo.exports import streams
from geo.exports.filters import ExportFilter
from geo.exports.provenance import Provenance
from geo.layers.models import ContextFeature, ContextLayer
from geo.sql import SQL
from participation.models import ModerationState, Suggestion
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def test_the_export_functions_are_inlined_into_the_query_and_keep_null():
    # Called per row instead of inlined, pm_spreadsheet_safe cost over a second per CSV column at 1 M rows.
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN VERBOSE SELECT pm_spreadsheet_safe(title), pm_iso_utc(created_at), "
            "pm_iso_local(created_at, 'Europe/Berlin'), pm_html_text(title) FROM participation_suggestion"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT pm_spreadsheet_safe(NULL), pm_iso_utc(NULL), pm_iso_local(NULL, 'Europe/Berlin'), "
            "pm_html_text(NULL)"
        )
        nulls = cursor.fetchone()
    for function in ("pm_spreadsheet_safe", "pm_iso_utc", "pm_iso_local", "pm_html_text"):
        assert function not in plan
    assert "CASE WHEN" in plan
    assert "to_char" in plan
    assert nulls == (None, None, None, None)


# Every character class that JSON must escape or that a naive writer gets wrong: quotes, backslashes, line
# breaks, other control characters, the two line separators JavaScript once refused, and text beyond ASCII.
AWKWARD = 'Er sagte "Hallo" \\ C:\\Pfad\n2. Zeile\r\tTab \x01\x08\x0c\x1f Ende \u2028\u2029 Öl 🚲 مرحبا'


def export_url(project, fmt: str, **query) -> str:
    url = reverse("api:project-export", kwargs={"slug": project.slug, "export_format": fmt})
    return url + ("?" + urlencode(query) if query else "")


def download(client, url: str) -> bytes:
    response = client.post(url)  # exports start with POST
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def features(client, project, **query) -> list[dict]:
    return json.loads(download(client, export_url(project, "geojson", **query)))["features"]


def csv_rows(client, project, **query) -> list[dict]:
    content = download(client, export_url(project, "csv", **query)).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


@pytest.fixture
def split_always(monkeypatch):
    """Every export with more than one row goes through two connections; the calls are counted."""
    monkeypatch.setattr(streams, "SPLIT_MIN_IDS", 0)
    calls = []
    two_ranges = streams._copy_two_ranges

    def counted(*args, **kwargs):
        calls.append(args[-1])  # the middle id
        return two_ranges(*args, **kwargs)

    monkeypatch.setattr(streams, "_copy_two_ranges", counted)
    return calls


def test_a_title_with_quotes_line_breaks_control_characters_and_unicode_stays_as_typed(
    client_factory, planner, point_category
):
    suggestion = SuggestionFactory(
        category=point_category, title=AWKWARD[:120], text=AWKWARD * 3, official_answer=AWKWARD
    )
    client = client_factory(planner)

    (feature,) = features(client, point_category.project)
    assert feature["id"] == suggestion.pk
    assert feature["properties"]["title"] == AWKWARD[:120]
    assert feature["properties"]["text"] == AWKWARD * 3
    assert feature["properties"]["official_answer"] == AWKWARD
    (row,) = csv_rows(client, point_category.project)
    # CSV keeps line breaks inside quoted cells; only a leading formula character would be neutralised.
    assert row["title"] == AWKWARD[:120]
    assert row["text"] == AWKWARD * 3


def test_an_empty_export_is_an_empty_collection_and_a_header_line(client_factory, planner, point_category):
    SuggestionFactory(category=point_category, moderation_state=ModerationState.PENDING)
    client = client_factory(planner)

    collection = json.loads(download(client, export_url(point_category.project, "geojson")))
    assert collection["type"] == "FeatureCollection"
    assert collection["features"] == []
    content = download(client, export_url(point_category.project, "csv")).decode("utf-8-sig")
    assert content.splitlines()[0].startswith("id,category,category_label,title")
    assert len(content.splitlines()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_large_export_read_by_two_connections_holds_every_row_once_in_id_order(
    client_factory, planner, point_category, line_category, split_always
):
    made = [
        SuggestionFactory(
            category=line_category if i % 3 == 0 else point_category,
            title=f'Nr. {i} "{"x" * i}"',
            moderation_state=ModerationState.PENDING if i % 5 == 0 else ModerationState.PUBLISHED,
        )
        for i in range(40)
    ]
    published = [s.pk for s in made if s.moderation_state == ModerationState.PUBLISHED]
    client = client_factory(planner)
    project = point_category.project

    assert [f["id"] for f in features(client, project)] == published
    rows = csv_rows(client, project)
    assert [int(r["id"]) for r in rows] == published  # the header once, as the first line
    assert [f["properties"]["title"] for f in features(client, project)] == [
        s.title for s in made if s.pk in published
    ]
    # Filters apply to both ranges.
    lines = [s.pk for s in made if s.pk in published and s.category == line_category]
    assert [f["id"] for f in features(client, project, category="bike-path")] == lines
    everything = [s.pk for s in made]
    assert [int(r["id"]) for r in csv_rows(client, project, state="published,pending")] == everything
    assert len(split_always) == 5
    assert min(published) <= split_always[0] < max(published)


@pytest.mark.django_db(transaction=True)
def test_one_row_read_by_two_connections(client_factory, planner, point_category, split_always):
    suggestion = SuggestionFactory(category=point_category)
    client = client_factory(planner)

    assert [f["id"] for f in features(client, point_category.project)] == [suggestion.pk]
    assert [int(r["id"]) for r in csv_rows(client, point_category.project)] == [suggestion.pk]
    assert split_always == [suggestion.pk, suggestion.pk]  # the second range is empty


@pytest.mark.django_db(transaction=True)
def test_the_two_connections_read_one_snapshot_taken_when_the_export_began(
    point_category, split_always, monkeypatch
):
    made = SuggestionFactory.create_batch(6, category=point_category, title="vorher")
    # The second connection starts only after the change below: it must still see the rows as they were.
    go = threading.Event()
    fill = streams._Spool.fill

    def late_fill(*args, **kwargs):
        go.wait(10)
        return fill(*args, **kwargs)

    monkeypatch.setattr(streams._Spool, "fill", late_fill)
    last = made[-1]
    export_filter = ExportFilter(states=(ModerationState.PUBLISHED,))
    lines = f"SELECT r.id || E'\\t' || r.title || E'\\n' FROM ({SQL.load('export_rows')}) AS r"  # noqa: S608
    statement = f"COPY ({lines}) TO STDOUT (FORMAT binary)"
    chunks = streams.copy_out(
        statement, export_filter.sql_params(project_id=point_category.project_id), rest_sql=statement
    )

    first = next(chunks)  # the snapshot is taken, both ranges are being read
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("UPDATE participation_suggestion SET title = 'nachher' WHERE id = %s", [last.pk])
            cursor.execute("DELETE FROM participation_suggestion WHERE id = %s", [made[0].pk])
    finally:
        other.close()
    go.set()
    lines = (first + b"".join(chunks)).decode().splitlines()

    assert split_always
    assert lines == [f"{s.pk}\tvorher" for s in made]
    assert Suggestion.objects.get(pk=last.pk).title == "nachher"


@pytest.mark.django_db(transaction=True)
def test_a_download_given_up_half_way_stops_the_second_connection(point_category, split_always):
    SuggestionFactory.create_batch(6, category=point_category)
    export_filter = ExportFilter(states=(ModerationState.PUBLISHED,))
    chunks = streams.geojson_stream(
        project_id=point_category.project_id,
        export_filter=export_filter,
        provenance=Provenance.build(
            project=point_category.project,
            export_filter=export_filter,
            source_url="http://testserver/",
            open_data=False,
        ),
    )
    next(chunks)  # the head
    next(chunks)  # the first range: the second connection is at work
    chunks.close()  # as Django does when the client goes away

    assert split_always
    assert not [t for t in threading.enumerate() if t.name == "export-second-range"]
    with connection.cursor() as cursor:  # the request's connection is free again
        cursor.execute("SELECT count(*) FROM participation_suggestion")
        assert cursor.fetchone() == (6,)


# ---------------------------------------------------------------------------------- the coverage analysis


@pytest.fixture
def awkward_facility(point_category):
    """Existing chargers whose names need quoting in CSV, escaping in JSON and defusing in spreadsheets."""
    layer = ContextLayer.objects.create(
        project=point_category.project, name='=Lade,säulen "alt"', role="facilities", category=point_category
    )
    ContextFeature.objects.create(
        layer=layer, geom=Point(8.40, 49.00, srid=4326), properties={"name": AWKWARD}
    )
    return layer


def test_the_csv_analysis_cells_are_those_the_csv_writer_writes(point_category, awkward_facility):
    near = SuggestionFactory(category=point_category, geom=Point(8.4003, 49.0001, srid=4326))
    analysis_rebuild(project_id=point_category.project_id)
    export_filter = ExportFilter(states=(ModerationState.PUBLISHED,))
    params = export_filter.sql_params(project_id=point_category.project_id)

    stream = streams.csv_stream(project_id=near.project_id, export_filter=export_filter, analysis=True)
    streamed = b"".join(stream)
    # The reference: PostgreSQL's own CSV writer over the columns as the worksheet has them.
    reference = f"""
        SELECT t.*, x.nearest_facility, x.facility_distance_m, x.district, x.network_share_percent,
               x.photo_1, x.photo_2, x.photo_3
        FROM ({SQL.compose("export_table", rows="export_rows")}) AS t
        JOIN (SELECT r.id, pm_spreadsheet_safe(r.nearest_facility) AS nearest_facility, r.facility_distance_m,
                     pm_spreadsheet_safe(r.district) AS district, r.network_share_percent,
                     %(photo_url)s || r.photo_keys[1] || %(photo_full)s AS photo_1,
                     %(photo_url)s || r.photo_keys[2] || %(photo_full)s AS photo_2,
                     %(photo_url)s || r.photo_keys[3] || %(photo_full)s AS photo_3
              FROM ({SQL.load("export_rows")}) AS r) AS x ON x.id = t.id
    """  # noqa: S608
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({reference}) TO STDOUT (FORMAT csv, HEADER)", params) as copy,
    ):
        written = b"".join(bytes(data) for data in copy)

    assert streamed == streams.UTF8_BOM + written
    (row,) = csv.DictReader(io.StringIO(streamed.decode("utf-8-sig")))
    assert row["nearest_facility"] == f'\'=Lade,säulen "alt": {AWKWARD}'  # inert, and whole
    assert float(row["facility_distance_m"]) == 25  # 0.0003° east and 0.0001° north at 49° N
    (feature,) = features_of(near, export_filter)
    assert feature["properties"]["nearest_facility"] == f'=Lade,säulen "alt": {AWKWARD}'  # JSON: as typed


def features_of(suggestion, export_filter) -> list[dict]:
    provenance = Provenance.build(
        project=suggestion.project, export_filter=export_filter, source_url="", open_data=False
    )
    chunks = streams.geojson_stream(
        project_id=suggestion.project_id, export_filter=export_filter, provenance=provenance, analysis=True
    )
    return json.loads(b"".join(chunks))["features"]


@pytest.mark.django_db(transaction=True)
def test_both_ranges_of_a_large_export_carry_the_analysis(
    client_factory, planner, point_category, awkward_facility, split_always
):
    made = [
        SuggestionFactory(category=point_category, geom=Point(8.40 + i / 10_000, 49.0, srid=4326))
        for i in range(10)
    ]
    client = client_factory(planner)

    found = {
        f["id"]: f["properties"]["facility_distance_m"] for f in features(client, point_category.project)
    }
    rows = {int(r["id"]): r["facility_distance_m"] for r in csv_rows(client, point_category.project)}

    assert len(split_always) == 2
    measured = {
        a.suggestion_id: float(round(a.facility_distance_m))
        for a in SuggestionAnalysis.objects.filter(suggestion_id__in=[s.pk for s in made])
    }
    assert found == measured
    assert {k: float(v) for k, v in rows.items()} == measured
    assert measured[made[-1].pk] == pytest.approx(9 * 7.3, abs=1)  # 0.0009° east at 49° N


def test_exports_that_read_no_analysis_column_do_not_join_the_analysis(project):
    """The open-data files, the counts and the GDAL parts' bounds never pay for the planners' columns:
    PostgreSQL drops the left joins on primary keys that nothing reads."""
    params = ExportFilter(states=(ModerationState.PUBLISHED,)).sql_params(project_id=project.pk)
    plans = {}
    with connection.cursor() as cursor:
        for outer in ("export_csv", "export_geojson", "export_counts", "export_csv_analysis"):
            query = SQL.compose(outer, rows="export_rows")
            if outer == "export_counts":
                query = f"EXPLAIN {query}"
            else:  # EXPLAIN does not take a COPY: the query inside it
                query = "EXPLAIN " + query.split("COPY (", 1)[1].rsplit(") TO STDOUT", 1)[0]
            cursor.execute(query, params)
            plans[outer] = "\n".join(row[0] for row in cursor.fetchall())

    for outer in ("export_csv", "export_geojson", "export_counts"):
        assert "geo_suggestion_analysis" not in plans[outer], plans[outer]
        assert "geo_context_feature" not in plans[outer], plans[outer]
    assert "geo_suggestion_analysis" in plans["export_csv_analysis"]
