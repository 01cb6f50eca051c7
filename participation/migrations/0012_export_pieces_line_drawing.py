"""How a path was drawn (`line_drawing`, participation 0011) in the stored export pieces: the GeoJSON tail
gains the property `line_drawing` and the CSV tail its cell before `geometry_type` (geo/fields.py).

The functions' text is frozen here (geo/sql/export_fragments.sql and export_functions.sql as they were; only
pm_geojson_tail and pm_csv_tail changed, each with one more argument, hence new functions beside the old
ones). As in 0008, the two generated columns are dropped, then added again by one ALTER TABLE, so PostgreSQL
computes them anew for every existing row in one rewrite of the table, under an exclusive lock (0007, which
added three such columns, took 28–36 s at 1.1 M suggestions): run it in a maintenance window. No row is
read or written by Python.
"""

from django.db import migrations, models

ZONE = "Europe/Berlin"
OLD_ROW_ARGS = (
    '"title", "text", "moderation_state", "planning_status", "official_answer", "support_count", '
    '"comment_count", "created_at", "updated_at", "answered_at"'
)
ROW_ARGS = OLD_ROW_ARGS + ', "line_drawing"'
ROW_FIELDS = (
    "title",
    "text",
    "moderation_state",
    "planning_status",
    "official_answer",
    "support_count",
    "comment_count",
    "created_at",
    "updated_at",
    "answered_at",
    "line_drawing",
)

# geo/sql/export_functions.sql as it was when this migration was written (unchanged since 0008; carried
# again because tests hold the file to the latest migration of the pieces).
EXPORT_FUNCTIONS_SQL = r"""
-- Functions the exports' SQL uses. Everything is CREATE OR REPLACE: running the file again changes nothing.

-- A text cell that a spreadsheet would run as a formula (it starts with = + - @, possibly after tabs and
-- carriage returns) gets a leading apostrophe, so Excel and LibreOffice show it as typed.
-- config/spreadsheet_safety.py states the same rule for the Python writers; tests hold both to one list.
-- Not STRICT, although NULL gives NULL all the same: PostgreSQL inlines a SQL function into the query only
-- when it is not STRICT or its body provably is, and a CASE is not. Called per row instead, it cost 1.2 s
-- per column of a 1 M row CSV export (geo/migrations/0006_export_speed.py).
-- The first character is looked at before the regular expression runs: almost no cell starts with one of
-- the six (tab, carriage return, + - = @), and ascii() costs a fraction of a regex match.
CREATE OR REPLACE FUNCTION pm_spreadsheet_safe(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN ascii(value) IN (9, 13, 43, 45, 61, 64) AND value ~ '^[\t\r]*[=+@-]'
                THEN '''' || value ELSE value END
$$;

-- A timestamp as ISO 8601 in UTC ("2026-11-23T09:15:02Z"), whatever the session's DateStyle and TimeZone.
CREATE OR REPLACE FUNCTION pm_iso_utc(value timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT to_char(value AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- A timestamp as ISO 8601 in the zone `zone` with its offset ("2026-07-01T12:00:00+02:00"), whatever the
-- session's DateStyle and TimeZone: the text the stored export pieces hold (pm_iso_local_fixed in
-- export_fragments.sql), for the OGC API, the Shapefile and KML. A SQL function and not STRICT (its CASE
-- would keep a STRICT one from being inlined, see pm_spreadsheet_safe), so PostgreSQL inlines it; NULL
-- still gives NULL, as every piece it concatenates does.
CREATE OR REPLACE FUNCTION pm_iso_local(value timestamptz, zone text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT to_char(value AT TIME ZONE zone, 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN value AT TIME ZONE zone < value AT TIME ZONE 'UTC' THEN '-' ELSE '+' END
        || to_char(abs(extract(epoch FROM (value AT TIME ZONE zone) - (value AT TIME ZONE 'UTC'))::integer)
                   / 3600, 'FM00')
        || ':'
        || to_char(abs(extract(epoch FROM (value AT TIME ZONE zone) - (value AT TIME ZONE 'UTC'))::integer)
                   / 60 % 60, 'FM00')
$$;

-- A text for a place that viewers render as HTML (KML balloons): & < > " ' as character references, so
-- markup someone typed shows as typed. A SQL function, so PostgreSQL inlines it.
CREATE OR REPLACE FUNCTION pm_html_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT replace(replace(replace(replace(replace(value, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   '"', '&quot;'), '''', '&#39;')
$$;
"""

# geo/sql/export_fragments.sql as it was when this migration was written (tests hold the file to this text
# while this is the latest migration of the pieces).
EXPORT_FRAGMENTS_SQL = r"""
-- The pieces of a suggestion's GeoJSON Feature and CSV line that depend on its own row only, kept by
-- PostgreSQL in stored generated columns (participation/models.py: Suggestion.geojson_head, geojson_tail,
-- csv_tail; Category.geojson_fragment, csv_fragment). A streamed export then only joins the category's piece
-- and concatenates: formatting and escaping every feature anew cost 5 of the 7 s of database CPU a 1.1 M
-- feature export took. PostgreSQL recomputes a stored generated column whenever a column it reads changes,
-- in the same statement, so the pieces are exact after any write: ORM, bulk SQL or a category rename.
--
-- IMMUTABLE is true of these functions although to_json, to_char and concat are only STABLE in general:
-- to_json of a text escapes characters by JSON's fixed rules, to_char is STABLE because of locale-dependent
-- patterns (TM…, which these formats do not use), and AT TIME ZONE names its zone, which the generated
-- column passes as a constant (the site's zone, participation.models.EXPORT_PIECES_TIME_ZONE). No setting of
-- the session changes their output; PostgreSQL requires IMMUTABLE of a generated column's expression.
-- (A change of the zone's rules in a new tzdata release would change the text of times already stored; as
-- with any past time, such a change only ever concerns times after the release, which are not yet stored.)
-- PL/pgSQL rather than SQL functions: an IMMUTABLE SQL function that calls STABLE ones is not inlined, and
-- planned again for every UPDATE statement (measured: 0.4 ms per support), while PL/pgSQL keeps its plans.
--
-- The functions a generated column calls carry the search path they were created with (SET search_path FROM
-- CURRENT; the functions they call run under it too): pg_restore loads rows with an empty search path, where
-- PostGIS's and our own functions would not be found and a restore would fail.
--
-- Changing what a function returns needs a migration that recomputes the columns (stored values are not
-- touched by CREATE OR REPLACE), with this file frozen into it (participation/migrations/0012_…: the latest
-- such migration holds this very text, a test compares them). The property names are geo/fields.py's. The exports' tests hold the pieces to the text PostgreSQL's own COPY … CSV
-- and JSON functions write.

-- A text as one CSV cell, exactly as COPY … (FORMAT csv) writes it with its default delimiter and quote:
-- quoted when it holds a comma, a quote or a line break, or is empty (an unquoted empty cell is NULL),
-- quotes doubled inside; NULL is an empty cell.
CREATE OR REPLACE FUNCTION pm_csv_cell(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF value IS NULL THEN
        RETURN '';
    ELSIF value = '' OR value ~ '[,"\r\n]' THEN
        RETURN '"' || replace(value, '"', '""') || '"';
    END IF;
    RETURN value;
END
$$;

-- A timestamp as ISO 8601 in the given zone with its offset ("2026-01-15T11:00:00+01:00"), the text
-- pm_iso_local writes (export_functions.sql), for generated columns.
CREATE OR REPLACE FUNCTION pm_iso_local_fixed(value timestamptz, zone text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    local timestamp := value AT TIME ZONE zone;
    minutes integer := extract(epoch FROM local - (value AT TIME ZONE 'UTC'))::integer / 60;
BEGIN
    RETURN to_char(local, 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN minutes < 0 THEN '-' ELSE '+' END
        || to_char(abs(minutes) / 60, 'FM00') || ':' || to_char(abs(minutes) % 60, 'FM00');
END
$$;

-- A Feature up to the value of its "category" property (the category's piece follows, then the tail).
-- Only values that cannot need escaping are written bare: the id and ST_AsGeoJSON's own JSON.
CREATE OR REPLACE FUNCTION pm_geojson_head(id bigint, geom geometry) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
    RETURN '{"type":"Feature","id":' || id::text || ',"geometry":' || ST_AsGeoJSON(geom, 7)
        || ',"properties":{"id":' || id::text || ',"category":';
END
$$;

-- The category's piece of a Feature: its key and label as JSON strings.
CREATE OR REPLACE FUNCTION pm_geojson_category(key text, label text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
    RETURN to_json(key)::text || ',"category_label":' || to_json(label)::text;
END
$$;

-- The rest of a Feature. Every text a person typed goes through to_json; the two states and how a path was
-- drawn are bare, as CHECK constraints keep them to closed lists of lower-case words (line_drawing: null
-- where it is empty, for points and areas).
CREATE OR REPLACE FUNCTION pm_geojson_tail(
    title text, body text, moderation_state text, planning_status text, official_answer text,
    support_count integer, comment_count integer,
    created_at timestamptz, updated_at timestamptz, answered_at timestamptz, line_drawing text, zone text
) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
    RETURN ',"title":' || to_json(title)::text
        || ',"text":' || to_json(body)::text
        || ',"moderation_state":"' || moderation_state
        || '","planning_status":"' || planning_status
        || '","official_answer":' || to_json(official_answer)::text
        || ',"support_count":' || support_count::text
        || ',"comment_count":' || comment_count::text
        || ',"created_at":"' || pm_iso_local_fixed(created_at, zone)
        || '","updated_at":"' || pm_iso_local_fixed(updated_at, zone)
        || '","answered_at":' || coalesce('"' || pm_iso_local_fixed(answered_at, zone) || '"', 'null')
        || ',"line_drawing":' || coalesce('"' || nullif(line_drawing, '') || '"', 'null')
        || '}}';
END
$$;

-- A geometry's kind in the words of the exports' layers and the CSV's geometry_type column.
CREATE OR REPLACE FUNCTION pm_geometry_kind(geom geometry) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
    RETURN CASE GeometryType(geom) WHEN 'POINT' THEN 'point' WHEN 'LINESTRING' THEN 'line' ELSE 'polygon' END;
END
$$;

-- The category's cells of a CSV line (export_table.sql): its key, and its label made inert for spreadsheets.
CREATE OR REPLACE FUNCTION pm_csv_category(key text, label text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
    RETURN pm_csv_cell(key) || ',' || pm_csv_cell(pm_spreadsheet_safe(label));
END
$$;

-- The cells of a CSV line after the category's, each as export_table.sql shapes it and COPY would quote it
-- (an empty line_drawing is NULL there: an empty cell, unquoted).
CREATE OR REPLACE FUNCTION pm_csv_tail(
    title text, body text, moderation_state text, planning_status text, official_answer text,
    support_count integer, comment_count integer,
    created_at timestamptz, updated_at timestamptz, answered_at timestamptz, line_drawing text,
    geom geometry, zone text
) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
    -- lon/lat of the point itself, or of a point on the line or area, so that a layer read from lon/lat
    -- (QGIS's delimited-text default when it sees them) holds every suggestion; wkt has the real shape.
    anchor geometry := CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END;
BEGIN
    RETURN ',' || pm_csv_cell(pm_spreadsheet_safe(title))
        || ',' || pm_csv_cell(pm_spreadsheet_safe(body))
        || ',' || pm_csv_cell(moderation_state)
        || ',' || pm_csv_cell(planning_status)
        || ',' || pm_csv_cell(pm_spreadsheet_safe(official_answer))
        || ',' || support_count::text
        || ',' || comment_count::text
        || ',' || pm_csv_cell(pm_iso_local_fixed(created_at, zone))
        || ',' || pm_csv_cell(pm_iso_local_fixed(updated_at, zone))
        || ',' || pm_csv_cell(pm_iso_local_fixed(answered_at, zone))
        || ',' || pm_csv_cell(nullif(line_drawing, ''))
        || ',' || pm_geometry_kind(geom)
        || ',' || round(ST_X(anchor)::numeric, 7)::text
        || ',' || round(ST_Y(anchor)::numeric, 7)::text
        || ',' || pm_csv_cell(ST_AsText(geom, 7));
END
$$;
"""

NEW_COLUMNS = [
    'ALTER TABLE "participation_suggestion" DROP COLUMN "geojson_tail", DROP COLUMN "csv_tail"',
    'ALTER TABLE "participation_suggestion" '
    f"ADD COLUMN \"geojson_tail\" text GENERATED ALWAYS AS (pm_geojson_tail({ROW_ARGS}, '{ZONE}'::text)) "
    "STORED NOT NULL, "
    f'ADD COLUMN "csv_tail" text GENERATED ALWAYS AS (pm_csv_tail({ROW_ARGS}, "geom", \'{ZONE}\'::text)) '
    "STORED NOT NULL",
]
OLD_COLUMNS = [
    'ALTER TABLE "participation_suggestion" DROP COLUMN "geojson_tail", DROP COLUMN "csv_tail"',
    'ALTER TABLE "participation_suggestion" '
    'ADD COLUMN "geojson_tail" text GENERATED ALWAYS AS '
    f"(pm_geojson_tail({OLD_ROW_ARGS}, '{ZONE}'::text)) "
    "STORED NOT NULL, "
    'ADD COLUMN "csv_tail" text GENERATED ALWAYS AS '
    f"(pm_csv_tail({OLD_ROW_ARGS}, \"geom\", '{ZONE}'::text)) "
    "STORED NOT NULL",
]


def generated(*args, function: str) -> models.GeneratedField:
    return models.GeneratedField(
        db_persist=True,
        expression=models.Func(*args, function=function, output_field=models.TextField()),
        output_field=models.TextField(),
    )


class Migration(migrations.Migration):
    dependencies = [("participation", "0011_suggestion_line_drawing")]

    operations = [
        # The older functions stay (other signatures): going back adds the old columns with them again,
        # and then drops the new ones.
        migrations.RunSQL(
            sql=[EXPORT_FUNCTIONS_SQL, EXPORT_FRAGMENTS_SQL],
            reverse_sql=[
                "DROP FUNCTION pm_csv_tail(text, text, text, text, text, integer, integer, timestamptz, "
                "timestamptz, timestamptz, text, geometry, text), pm_geojson_tail(text, text, text, text, "
                "text, integer, integer, timestamptz, timestamptz, timestamptz, text, text)"
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(sql=NEW_COLUMNS, reverse_sql=OLD_COLUMNS)],
            state_operations=[
                migrations.AlterField(
                    model_name="suggestion",
                    name="geojson_tail",
                    field=generated(*ROW_FIELDS, models.Value(ZONE), function="pm_geojson_tail"),
                ),
                migrations.AlterField(
                    model_name="suggestion",
                    name="csv_tail",
                    field=generated(*ROW_FIELDS, "geom", models.Value(ZONE), function="pm_csv_tail"),
                ),
            ],
        ),
    ]
