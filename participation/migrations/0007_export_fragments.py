"""The export pieces of suggestions and categories, stored generated columns (geo/sql/export_fragments.sql).

The three suggestion columns are added by one ALTER TABLE, so a large table is rewritten once (about 30 s
for 1.1 M suggestions on two cores, under an exclusive lock); Django's own AddField would rewrite it three
times. NOT NULL, which Django does not write for a generated field: a streamed export reads the pieces
without looking for NULL (geo/exports/streams.py). The state operations are the AddFields
`makemigrations` writes for the model.
"""

from django.db import migrations, models

from geo.sql import load_sql

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


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0006_idempotency"),
        # pm_spreadsheet_safe, which the CSV pieces call.
        ("geo", "0006_export_speed"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[load_sql("export_fragments")],
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
