"""The export pieces PostgreSQL stores with every suggestion and category (geo/sql/export_fragments.sql).

After every kind of write they must be what the export wrote when it formatted each row anew: the Feature
PostgreSQL's own JSON functions build from the row, and the line its COPY … (FORMAT csv) writes for
export_table.sql.
"""

import csv
import json

import pytest
from django.db import connection
from django.db.models import F

from geo.exports import streams
from geo.exports.filters import ExportFilter
from geo.sql import SQL
from participation import services
from participation.models import ModerationState, Suggestion
from participation.participants import Participant
from tests.factories import CitizenFactory, SuggestionFactory
from tests.geo.test_export_streams import AWKWARD

pytestmark = pytest.mark.django_db

ALL_STATES = ExportFilter(states=tuple(ModerationState.values))

# The Feature as json_build_object writes it from the row: independent of the stored pieces.
REFERENCE_FEATURE = """
SELECT json_build_object(
    'type', 'Feature', 'id', s.id, 'geometry', ST_AsGeoJSON(s.geom, 7)::json,
    'properties', json_build_object(
        'id', s.id, 'category', c.key, 'category_label', c.label, 'title', s.title, 'text', s.text,
        'moderation_state', s.moderation_state, 'planning_status', s.planning_status,
        'official_answer', s.official_answer, 'support_count', s.support_count,
        'comment_count', s.comment_count, 'created_at', pm_iso_local(s.created_at, 'Europe/Berlin'),
        'updated_at', pm_iso_local(s.updated_at, 'Europe/Berlin'),
        'answered_at', pm_iso_local(s.answered_at, 'Europe/Berlin'),
        'line_drawing', nullif(s.line_drawing, '')))::text,
    s.geojson_head || c.geojson_fragment || s.geojson_tail
FROM participation_suggestion AS s JOIN participation_category AS c ON c.id = s.category_id
WHERE s.id = %s
"""


def csv_line_by_copy(suggestion: Suggestion) -> bytes:
    """The line PostgreSQL's CSV writer makes of export_table.sql for this one suggestion."""
    params = ALL_STATES.sql_params(
        project_id=suggestion.project_id, id_after=suggestion.pk - 1, id_until=suggestion.pk
    )
    query = SQL.compose("export_table", rows="export_rows")
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)", params) as copy,
    ):
        return b"".join(bytes(data) for data in copy)


def stored_csv_line(suggestion: Suggestion) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id::text || ',' || c.csv_fragment || s.csv_tail || E'\\n' "
            "FROM participation_suggestion AS s JOIN participation_category AS c ON c.id = s.category_id "
            "WHERE s.id = %s",
            [suggestion.pk],
        )
        return cursor.fetchone()[0].encode()


def assert_pieces_exact(suggestion: Suggestion) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE_FEATURE, [suggestion.pk])
        reference, stored = cursor.fetchone()
    feature = json.loads(stored)
    assert feature == json.loads(reference)
    assert list(feature["properties"]) == list(json.loads(reference)["properties"])  # the same order
    assert stored_csv_line(suggestion) == csv_line_by_copy(suggestion)
    return feature


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mara", profile__display_name="Mara (Moderation)", moderator_of=project)


@pytest.mark.parametrize(
    "title",
    [
        AWKWARD[:120],
        '=HYPERLINK("http://example.org")',  # a formula: inert in the CSV, as typed in the GeoJSON
        '"Kommas, Anführungszeichen" und ""doppelte""',
        "\t\r=1+1",
        "-",
        "Nur Text",
    ],
)
def test_awkward_texts_are_stored_as_json_and_the_csv_writer_write_them(point_category, title):
    suggestion = SuggestionFactory(category=point_category, title=title, text=AWKWARD, official_answer="")

    feature = assert_pieces_exact(suggestion)

    assert feature["properties"]["title"] == title
    assert feature["properties"]["answered_at"] is None


@pytest.mark.parametrize(("drawing", "written"), [("routed", "routed"), ("free", "free"), ("", None)])
def test_a_line_and_an_empty_text_keep_their_pieces_exact(line_category, drawing, written):
    # A line's WKT holds commas (a quoted cell) and it has no lon/lat; an empty text is a quoted empty cell,
    # an empty drawing (a line sent before it was recorded) NULL: an unquoted empty cell.
    suggestion = SuggestionFactory(category=line_category, text="", official_answer="", line_drawing=drawing)

    assert assert_pieces_exact(suggestion)["properties"]["line_drawing"] == written


def test_a_new_drawing_rewrites_the_pieces(line_category):
    suggestion = SuggestionFactory(category=line_category, line_drawing="routed")

    Suggestion.objects.filter(pk=suggestion.pk).update(line_drawing="free")

    assert assert_pieces_exact(suggestion)["properties"]["line_drawing"] == "free"
    (row,) = csv.DictReader([streams.CSV_HEADER.decode(), stored_csv_line(suggestion).decode()])
    assert row["line_drawing"] == "free"


def test_the_pieces_follow_every_kind_of_write(project, point_category, moderator, planner, citizen):
    suggestion = SuggestionFactory(category=point_category, moderation_state=ModerationState.PENDING)
    assert_pieces_exact(suggestion)

    # An edit through the model (every field written, updated_at moves).
    suggestion.title, suggestion.text = 'Neu: "Titel", =1', "Zeile 1\nZeile 2"
    suggestion.save()
    assert assert_pieces_exact(suggestion)["properties"]["title"] == 'Neu: "Titel", =1'

    # Moderation: published.
    decision = services.Decision("suggestion", suggestion.pk, ModerationState.PENDING, None)
    services.item_decide(actor=moderator, decision=decision, action="approve")
    assert assert_pieces_exact(suggestion)["properties"]["moderation_state"] == "published"

    # A moderator moves it.
    services.suggestion_move(
        actor=moderator,
        suggestion_id=suggestion.pk,
        geometry={"type": "Point", "coordinates": [8.41, 49.005]},
    )
    assert assert_pieces_exact(suggestion)["geometry"]["coordinates"] == [8.41, 49.005]

    # A support raises the counter (an UPDATE of support_count alone).
    services.support_add(actor=Participant(user=citizen), suggestion_id=suggestion.pk)
    assert assert_pieces_exact(suggestion)["properties"]["support_count"] == 1

    # The planning answer: status, answer and its date.
    services.suggestion_answer(
        actor=planner, suggestion_id=suggestion.pk, status="planned", answer='Wir bauen sie, "bald".'
    )
    properties = assert_pieces_exact(suggestion)["properties"]
    assert properties["planning_status"] == "planned"
    assert properties["answered_at"] is not None

    # Bulk SQL, as a repair script or the benchmark's seed writes.
    Suggestion.objects.filter(pk=suggestion.pk).update(comment_count=F("comment_count") + 7)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE participation_suggestion"
            " SET geom = ST_SetSRID(ST_MakePoint(8.4123456789, 49.0012345), 4326) WHERE id = %s",
            [suggestion.pk],
        )
    feature = assert_pieces_exact(suggestion)
    assert feature["properties"]["comment_count"] == 7
    assert feature["geometry"]["coordinates"] == [8.4123457, 49.0012345]

    # The category is renamed: its piece changes, and with it every suggestion's Feature and CSV line.
    # (The column the exports read; the translated labels are kept beside it.)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE participation_category SET label = %s WHERE id = %s",
            ['Laden, "schnell"', point_category.pk],
        )
    assert assert_pieces_exact(suggestion)["properties"]["category_label"] == 'Laden, "schnell"'


def test_the_csv_header_is_the_column_list_of_the_table_query(project):
    query = SQL.compose("export_table", rows="export_rows")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({query}) AS t LIMIT 0", ALL_STATES.sql_params(project_id=project.pk))  # noqa: S608
        columns = [column.name for column in cursor.description]

    assert (",".join(columns) + "\n").encode() == streams.CSV_HEADER


def test_the_latest_migration_of_the_pieces_holds_the_sql_files_as_they_are():
    """The pieces' functions are created by a migration that carries their text (a migration runs the same
    SQL forever); the files in geo/sql are the readable copy. A change to a file needs a new migration."""
    from importlib import import_module
    from pathlib import Path

    folder = Path(import_module("participation.migrations").__file__).parent
    carrying = [
        module
        for name in sorted(path.stem for path in folder.glob("[0-9]*.py"))
        if hasattr(module := import_module(f"participation.migrations.{name}"), "EXPORT_FRAGMENTS_SQL")
    ]
    latest = carrying[-1]
    assert latest.EXPORT_FRAGMENTS_SQL.strip() == SQL.load("export_fragments").strip()
    assert latest.EXPORT_FUNCTIONS_SQL.strip() == SQL.load("export_functions").strip()


def test_a_site_in_another_time_zone_is_warned_that_the_stored_pieces_keep_theirs(settings):
    from geo.checks import export_pieces_time_zone

    assert export_pieces_time_zone(None) == []
    settings.TIME_ZONE = "America/New_York"
    (warning,) = export_pieces_time_zone(None)
    assert warning.id == "geo.W002"
    assert "America/New_York" in warning.msg
    assert "Europe/Berlin" in warning.msg
