"""The trigger that keeps geo_cluster_cell exact, and a first rebuild for suggestions that already exist.

The SQL lives in geo/sql/ so it is read and reviewed as SQL. Loading it here means this migration runs the
file's current text: the file only ever grows by CREATE OR REPLACE, and a change to it comes with a new
migration that runs it again.
"""

from django.db import migrations

from geo.core.sql import load_sql

REVERSE = """
DROP TRIGGER IF EXISTS suggestion_cluster_cells_truncate ON participation_suggestion;
DROP TRIGGER IF EXISTS suggestion_cluster_cells_delete ON participation_suggestion;
DROP TRIGGER IF EXISTS suggestion_cluster_cells_update ON participation_suggestion;
DROP TRIGGER IF EXISTS suggestion_cluster_cells_insert ON participation_suggestion;
DROP FUNCTION IF EXISTS geo_cluster_cell_truncate();
DROP FUNCTION IF EXISTS geo_cluster_cell_sync();
DROP FUNCTION IF EXISTS geo_cluster_cell_apply(bigint[], bigint[], geometry[], integer[]);
DROP FUNCTION IF EXISTS geo_cluster_cell_deltas(bigint[], bigint[], geometry[], integer[]);
DROP FUNCTION IF EXISTS geo_cluster_cells(geometry);
DROP FUNCTION IF EXISTS geo_cluster_cell_y(double precision, integer);
DROP FUNCTION IF EXISTS geo_cluster_cell_x(double precision, integer);
DROP FUNCTION IF EXISTS geo_suggestion_anchor(geometry);
DELETE FROM geo_cluster_cell;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
    ]

    operations = [
        # One string, not split into statements: the PL/pgSQL bodies contain semicolons.
        # The trigger as migration 0003 left it (the first version was not kept; 0003 installs the same).
        migrations.RunSQL(sql=[load_sql("cluster_trigger_0003")], reverse_sql=[REVERSE]),
        migrations.RunSQL(
            sql=[(load_sql("cluster_rebuild"), {"project_id": None})], reverse_sql=migrations.RunSQL.noop
        ),
    ]
