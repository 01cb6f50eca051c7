"""The export pieces of suggestions and categories, stored generated columns (geo/sql/export_fragments.sql).

The three suggestion columns are added by one ALTER TABLE, so a large table is rewritten once (about 30 s
for 1.1 M suggestions on two cores, under an exclusive lock); Django's own AddField would rewrite it three
times. NOT NULL, which Django does not write for a generated field: a streamed export reads the pieces
without looking for NULL (geo/exports/streams.py). The state operations are the AddFields
`makemigrations` writes for the model.
"""

from django.db import migrations, models

ROW_ARGS = (
    '"title", "text", "moderation_state", "planning_status", "official_answer", "support_count", '
    '"comment_count", "created_at", "updated_at", "answered_at"'
)
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
)


def generated(*args: str, function: str) -> models.GeneratedField:
    return models.GeneratedField(
        db_persist=True,
        expression=models.Func(*args, function=function, output_field=models.TextField()),
        output_field=models.TextField(),
    )


# export_fragments.sql as it was when this migration was written: a migration runs the same SQL forever.
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
-- patterns (TM…, which these formats do not use), and AT TIME ZONE 'UTC' names its zone. No setting of the
-- session changes their output; PostgreSQL requires IMMUTABLE of a generated column's expression.
-- PL/pgSQL rather than SQL functions: an IMMUTABLE SQL function that calls STABLE ones is not inlined, and
-- planned again for every UPDATE statement (measured: 0.4 ms per support), while PL/pgSQL keeps its plans.
--
-- The functions a generated column calls carry the search path they were created with (SET search_path FROM
-- CURRENT; the functions they call run under it too): pg_restore loads rows with an empty search path, where
-- PostGIS's and our own functions would not be found and a restore would fail.
--
-- Changing what a function returns needs a migration that recomputes the columns (stored values are not
-- touched by CREATE OR REPLACE). The exports' tests hold the pieces to the text PostgreSQL's own COPY … CSV
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

-- A timestamp as ISO 8601 in UTC, the text pm_iso_utc writes (export_functions.sql), for generated columns.
CREATE OR REPLACE FUNCTION pm_iso_utc_fixed(value timestamptz) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
BEGIN
    RETURN to_char(value AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
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

-- The rest of a Feature. Every text a person typed goes through to_json; the two states are bare, as CHECK
-- constraints keep them to closed lists of lower-case words.
CREATE OR REPLACE FUNCTION pm_geojson_tail(
    title text, body text, moderation_state text, planning_status text, official_answer text,
    support_count integer, comment_count integer,
    created_at timestamptz, updated_at timestamptz, answered_at timestamptz
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
        || ',"created_at":"' || pm_iso_utc_fixed(created_at)
        || '","updated_at":"' || pm_iso_utc_fixed(updated_at)
        || '","answered_at":' || coalesce('"' || pm_iso_utc_fixed(answered_at) || '"', 'null')
        || '}}';
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

-- The cells of a CSV line after the category's, each as export_table.sql shapes it and COPY would quote it.
CREATE OR REPLACE FUNCTION pm_csv_tail(
    title text, body text, moderation_state text, planning_status text, official_answer text,
    support_count integer, comment_count integer,
    created_at timestamptz, updated_at timestamptz, answered_at timestamptz, geom geometry
) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
    point boolean := GeometryType(geom) = 'POINT';
BEGIN
    RETURN ',' || pm_csv_cell(pm_spreadsheet_safe(title))
        || ',' || pm_csv_cell(pm_spreadsheet_safe(body))
        || ',' || pm_csv_cell(moderation_state)
        || ',' || pm_csv_cell(planning_status)
        || ',' || pm_csv_cell(pm_spreadsheet_safe(official_answer))
        || ',' || support_count::text
        || ',' || comment_count::text
        || ',' || pm_csv_cell(pm_iso_utc_fixed(created_at))
        || ',' || pm_csv_cell(pm_iso_utc_fixed(updated_at))
        || ',' || pm_csv_cell(pm_iso_utc_fixed(answered_at))
        || ',' || CASE WHEN point THEN round(ST_X(geom)::numeric, 7)::text ELSE '' END
        || ',' || CASE WHEN point THEN round(ST_Y(geom)::numeric, 7)::text ELSE '' END
        || ',' || pm_csv_cell(ST_AsText(geom, 7));
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0006_idempotency"),
        # pm_spreadsheet_safe, which the CSV pieces call.
        ("geo", "0006_export_speed"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[EXPORT_FRAGMENTS_SQL],
            reverse_sql=[
                "DROP FUNCTION pm_csv_tail(text, text, text, text, text, integer, integer, timestamptz, "
                "timestamptz, timestamptz, geometry), pm_csv_category(text, text), "
                "pm_geojson_tail(text, text, text, text, text, integer, integer, timestamptz, timestamptz, "
                "timestamptz), pm_geojson_category(text, text), pm_geojson_head(bigint, geometry), "
                "pm_iso_utc_fixed(timestamptz), pm_csv_cell(text)"
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        'ALTER TABLE "participation_category" '
                        'ADD COLUMN "geojson_fragment" text '
                        'GENERATED ALWAYS AS (pm_geojson_category("key", "label")) STORED NOT NULL, '
                        'ADD COLUMN "csv_fragment" text '
                        'GENERATED ALWAYS AS (pm_csv_category("key", "label")) STORED NOT NULL',
                        'ALTER TABLE "participation_suggestion" '
                        'ADD COLUMN "geojson_head" text GENERATED ALWAYS AS (pm_geojson_head("id", "geom")) STORED NOT NULL, '
                        f'ADD COLUMN "geojson_tail" text GENERATED ALWAYS AS (pm_geojson_tail({ROW_ARGS})) STORED NOT NULL, '
                        f'ADD COLUMN "csv_tail" text GENERATED ALWAYS AS (pm_csv_tail({ROW_ARGS}, "geom")) STORED NOT NULL',
                    ],
                    reverse_sql=[
                        'ALTER TABLE "participation_suggestion" DROP COLUMN "geojson_head", '
                        'DROP COLUMN "geojson_tail", DROP COLUMN "csv_tail"',
                        'ALTER TABLE "participation_category" DROP COLUMN "geojson_fragment", '
                        'DROP COLUMN "csv_fragment"',
                    ],
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="category",
                    name="geojson_fragment",
                    field=generated("key", "label", function="pm_geojson_category"),
                ),
                migrations.AddField(
                    model_name="category",
                    name="csv_fragment",
                    field=generated("key", "label", function="pm_csv_category"),
                ),
                migrations.AddField(
                    model_name="suggestion",
                    name="geojson_head",
                    field=generated("id", "geom", function="pm_geojson_head"),
                ),
                migrations.AddField(
                    model_name="suggestion",
                    name="geojson_tail",
                    field=generated(*ROW_FIELDS, function="pm_geojson_tail"),
                ),
                migrations.AddField(
                    model_name="suggestion",
                    name="csv_tail",
                    field=generated(*ROW_FIELDS, "geom", function="pm_csv_tail"),
                ),
            ],
        ),
    ]
