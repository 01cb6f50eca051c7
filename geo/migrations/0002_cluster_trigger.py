"""The trigger that keeps geo_cluster_cell exact, and a first rebuild for suggestions that already exist.

What this migration runs is frozen: the trigger's text is migration 0003's (the trigger as 0003 left it; the
first version was not kept, and 0003 installs the same), the rebuild's is below. geo/sql/ holds the readable
copies the app runs; editing them later changes nothing here.
"""

from importlib import import_module

from django.db import migrations

CLUSTER_TRIGGER_SQL = import_module("geo.migrations.0003_cluster_cells_in_key_order").CLUSTER_TRIGGER_SQL

# geo/sql/cluster_rebuild.sql as it was when this migration was written (the rebuild of every project).
CLUSTER_REBUILD_SQL = r"""
-- Recompute geo_cluster_cell from the suggestions, for one project or (project_id NULL) for all: repair
-- after a restore or a bug, and bulk loads that ran with the trigger disabled.
-- Same rules as the trigger (geo/sql/cluster_trigger.sql): published suggestions only, the same anchor and
-- grid functions, so a rebuild reproduces exactly what the trigger maintains.
--
-- Run inside a transaction. The lock lets map reads go on (they see the old cells until commit) but makes
-- the trigger of any concurrent writer wait: a change whose trigger ran before the lock was taken has
-- committed before the snapshot below (the lock waits for it), a change whose trigger runs later applies
-- its delta on top of the rebuilt rows. Nothing is lost or counted twice.
LOCK TABLE geo_cluster_cell IN SHARE ROW EXCLUSIVE MODE;

DELETE FROM geo_cluster_cell
WHERE %(project_id)s::bigint IS NULL OR project_id = %(project_id)s::bigint;

INSERT INTO geo_cluster_cell (project_id, zoom, cell_x, cell_y, category_id, count, sum_x, sum_y)
SELECT s.project_id, c.zoom, c.cell_x, c.cell_y, s.category_id, count(*), sum(c.x), sum(c.y)
FROM participation_suggestion AS s
CROSS JOIN LATERAL geo_cluster_cells(geo_suggestion_anchor(s.geom_3857)) AS c
WHERE s.moderation_state = 'published'
  AND (%(project_id)s::bigint IS NULL OR s.project_id = %(project_id)s::bigint)
GROUP BY s.project_id, c.zoom, c.cell_x, c.cell_y, s.category_id;
"""

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
        migrations.RunSQL(sql=[CLUSTER_TRIGGER_SQL], reverse_sql=[REVERSE]),
        migrations.RunSQL(
            sql=[(CLUSTER_REBUILD_SQL, {"project_id": None})], reverse_sql=migrations.RunSQL.noop
        ),
    ]
