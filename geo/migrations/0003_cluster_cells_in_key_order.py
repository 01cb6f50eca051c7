"""Run the cluster trigger's SQL again: geo_cluster_cell_apply now visits cells one by one in key order.

Its first version (applied by 0002 in earlier checkouts) added to cells in one statement and subtracted in
a second, so two concurrent writers could lock the same cells in opposite orders and deadlock. Everything in
the text is CREATE OR REPLACE, so running it again on a database that 0002 just created changes nothing.
"""

from django.db import migrations

# geo/sql/cluster_trigger.sql as this migration installs it, frozen here: a migration runs the same SQL
# forever (0002 runs this text too; tests/test_migrations.py holds the file to it while this is the latest
# migration of the trigger).
CLUSTER_TRIGGER_SQL = r"""
-- The cluster aggregate geo_cluster_cell, kept exact by PostgreSQL itself.
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- CLUSTER_TRIGGER_SQL (geo 0003) holds this very text, and tests/test_migrations.py compares them: a change
-- here needs a new migration carrying the new text (everything below is CREATE OR REPLACE, so it runs whole).
--
-- Why a trigger and not a service call or a signal: the aggregate must never drift from the suggestions,
-- whether a row changes through a service, the Django admin, a moderation action, QuerySet.update() or bulk
-- SQL. The trigger sees every one of them and runs in the same transaction as the change, so a rolled-back
-- change leaves no trace and a committed one is counted exactly once. TRUNCATE skips other triggers, hence
-- the TRUNCATE trigger at the end.
--
-- Why statement triggers with transition tables and not a row trigger: a row trigger updates the same few
-- low-zoom cells once per row, and PostgreSQL cannot prune the row versions a still-open transaction made,
-- so every further update walks a longer chain. Measured here: one UPDATE hiding 1,000 suggestions took
-- 2.9 s, 8,000 took 100 s (quadratic), and deleting a project with 100,000 would not finish. A statement
-- trigger nets the changes of a whole statement per cell first and touches each cell once: the same 8,000
-- take 0.7 s, inserting 100,000 in one statement ~7 s; a single-row change costs ~1-2 ms more.
--
-- Only published suggestions count. A suggestion counts at one anchor point (its EPSG:3857 coordinates),
-- once per zoom 0..16 (geo.core.grid.CLUSTER_MAX_ZOOM), in the 64-px cell around that point.
-- Installed by migrations geo 0002 and 0003 (the same text); re-runnable (CREATE OR REPLACE).

-- Where a suggestion sits in the clusters: points as they are, the middle of a line along its length, a
-- point guaranteed inside a polygon (a centroid can fall outside). IMMUTABLE: the same geometry always has
-- the same anchor, which is what makes subtracting an old row exact.
CREATE OR REPLACE FUNCTION geo_suggestion_anchor(geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE ST_GeometryType(geom)
        WHEN 'ST_Point' THEN geom
        WHEN 'ST_LineString' THEN ST_LineInterpolatePoint(geom, 0.5)
        ELSE ST_PointOnSurface(geom)
    END
$$;

-- The grid: at zoom z the EPSG:3857 square (side 2 * 20037508.342789244 m) has 4 * 2^z cells per side,
-- 64 px each. Columns count from the west, rows from the north (like tile rows). Clamped to the grid so a
-- point on the antimeridian or beyond Web Mercator's latitude limit still lands in an edge cell.
-- The map's viewport query uses these same two functions, so its cell range always matches stored cells.
CREATE OR REPLACE FUNCTION geo_cluster_cell_x(x double precision, zoom integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT least(greatest(floor((x + 20037508.342789244) / (2 * 20037508.342789244 / (4 * 2 ^ zoom))), 0),
                 4 * 2 ^ zoom - 1)::integer
$$;

CREATE OR REPLACE FUNCTION geo_cluster_cell_y(y double precision, zoom integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT least(greatest(floor((20037508.342789244 - y) / (2 * 20037508.342789244 / (4 * 2 ^ zoom))), 0),
                 4 * 2 ^ zoom - 1)::integer
$$;

-- The 17 cells (zoom 0..16) an anchor point falls in, with its coordinates for the sums.
-- Not STRICT, so that PostgreSQL can inline it into the rebuild's INSERT … SELECT.
CREATE OR REPLACE FUNCTION geo_cluster_cells(anchor geometry)
RETURNS TABLE (zoom smallint, cell_x integer, cell_y integer, x double precision, y double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT z::smallint, geo_cluster_cell_x(ST_X(anchor), z), geo_cluster_cell_y(ST_Y(anchor), z),
           ST_X(anchor), ST_Y(anchor)
    FROM generate_series(0, 16) AS z
$$;

-- The net change per cell of a set of suggestion changes: +1 for each (project, category, geometry) that
-- starts counting, -1 for each that stops. A suggestion moved inside a cell nets count 0 there, but its sums
-- still change.
CREATE OR REPLACE FUNCTION geo_cluster_cell_deltas(
    project_ids bigint[], category_ids bigint[], geoms geometry[], signs integer[]
)
RETURNS TABLE (project_id bigint, zoom smallint, cell_x integer, cell_y integer, category_id bigint,
               count bigint, sum_x double precision, sum_y double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT d.project_id, c.zoom, c.cell_x, c.cell_y, d.category_id,
           sum(d.sign), sum(d.sign * c.x), sum(d.sign * c.y)
    FROM unnest(project_ids, category_ids, geoms, signs) AS d (project_id, category_id, geom, sign)
    CROSS JOIN LATERAL geo_cluster_cells(geo_suggestion_anchor(d.geom)) AS c
    GROUP BY d.project_id, c.zoom, c.cell_x, c.cell_y, d.category_id
$$;

-- Apply those changes, one cell at a time in key order. One order for every writer means two concurrent
-- statements never wait for each other's cells in a cycle, so they cannot deadlock here (locks a transaction
-- took in its earlier statements are its own business).
-- * A cell that gains suggestions: INSERT … ON CONFLICT makes "insert or add" atomic under concurrent
--   publishes into the same, possibly new, cell.
-- * A cell that loses suggestions or only changes its sums: MERGE updates it, or deletes it when its count
--   reaches 0 (count > 0 is a constraint). MERGE, not "DELETE if count = 1, else UPDATE": under READ
--   COMMITTED it re-evaluates its WHEN conditions on the row version it finally locks, so concurrent
--   subtractions cannot leave a stale count behind. A missing cell is no error: when Django deletes a
--   project it may delete the cells before the suggestions. A count below 0 could only come from an
--   aggregate that already drifted; the cell goes rather than failing the citizen's write (rebuild repairs).
CREATE OR REPLACE FUNCTION geo_cluster_cell_apply(
    project_ids bigint[], category_ids bigint[], geoms geometry[], signs integer[]
)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN
        SELECT * FROM geo_cluster_cell_deltas(project_ids, category_ids, geoms, signs) AS c
        ORDER BY c.project_id, c.zoom, c.cell_x, c.cell_y, c.category_id
    LOOP
        IF d.count > 0 THEN
            INSERT INTO geo_cluster_cell AS g
                (project_id, zoom, cell_x, cell_y, category_id, count, sum_x, sum_y)
            VALUES (d.project_id, d.zoom, d.cell_x, d.cell_y, d.category_id, d.count, d.sum_x, d.sum_y)
            ON CONFLICT (project_id, zoom, cell_x, cell_y, category_id) DO UPDATE
            SET count = g.count + excluded.count, sum_x = g.sum_x + excluded.sum_x,
                sum_y = g.sum_y + excluded.sum_y;
        ELSE
            MERGE INTO geo_cluster_cell AS g
            USING (SELECT) AS this_cell
            ON g.project_id = d.project_id AND g.zoom = d.zoom AND g.cell_x = d.cell_x
               AND g.cell_y = d.cell_y AND g.category_id = d.category_id
            WHEN MATCHED AND g.count + d.count <= 0 THEN DELETE
            WHEN MATCHED THEN UPDATE
                SET count = g.count + d.count, sum_x = g.sum_x + d.sum_x, sum_y = g.sum_y + d.sum_y;
        END IF;
    END LOOP;
END
$$;

-- One function for the three statement triggers below; old_rows and new_rows are their transition tables.
-- An UPDATE counts as "old row out, new row in" only for rows whose moderation state, project, category or
-- geometry changed (a new title or support count changes no cell). The FULL JOIN on id also covers an id
-- changed by hand: the old row goes out, the new one comes in.
-- geom_3857 is generated from geom; the transition tables hold its new value.
CREATE OR REPLACE FUNCTION geo_cluster_cell_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    project_ids bigint[];
    category_ids bigint[];
    geoms geometry[];
    signs integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.project_id), array_agg(n.category_id), array_agg(n.geom_3857), array_agg(1)
        INTO project_ids, category_ids, geoms, signs
        FROM new_rows AS n
        WHERE n.moderation_state = 'published';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.project_id), array_agg(o.category_id), array_agg(o.geom_3857), array_agg(-1)
        INTO project_ids, category_ids, geoms, signs
        FROM old_rows AS o
        WHERE o.moderation_state = 'published';
    ELSE
        WITH changed AS (
            SELECT o.project_id AS old_project_id, o.category_id AS old_category_id,
                   o.geom_3857 AS old_geom, o.moderation_state = 'published' AS old_counts,
                   n.project_id AS new_project_id, n.category_id AS new_category_id,
                   n.geom_3857 AS new_geom, n.moderation_state = 'published' AS new_counts
            FROM old_rows AS o
            FULL JOIN new_rows AS n ON n.id = o.id
            WHERE o.id IS NULL OR n.id IS NULL
               OR o.moderation_state IS DISTINCT FROM n.moderation_state
               OR o.project_id IS DISTINCT FROM n.project_id
               OR o.category_id IS DISTINCT FROM n.category_id
               OR NOT o.geom_3857 = n.geom_3857  -- PostGIS 3: exact equality of coordinates
        ),
        delta AS (
            SELECT old_project_id AS project_id, old_category_id AS category_id, old_geom AS geom, -1 AS sign
            FROM changed WHERE old_counts
            UNION ALL
            SELECT new_project_id, new_category_id, new_geom, 1
            FROM changed WHERE new_counts
        )
        SELECT array_agg(project_id), array_agg(category_id), array_agg(geom), array_agg(sign)
        INTO project_ids, category_ids, geoms, signs
        FROM delta;
    END IF;
    IF project_ids IS NOT NULL THEN
        PERFORM geo_cluster_cell_apply(project_ids, category_ids, geoms, signs);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_cluster_cells_insert
AFTER INSERT ON participation_suggestion
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_cluster_cell_sync();

-- No column list ("UPDATE OF …"): PostgreSQL does not allow one with transition tables. Updates that change
-- no relevant column cost one join of their rows and end there.
CREATE OR REPLACE TRIGGER suggestion_cluster_cells_update
AFTER UPDATE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_cluster_cell_sync();

CREATE OR REPLACE TRIGGER suggestion_cluster_cells_delete
AFTER DELETE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_cluster_cell_sync();

-- TRUNCATE removes every suggestion of every project without firing the triggers above.
CREATE OR REPLACE FUNCTION geo_cluster_cell_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM geo_cluster_cell;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_cluster_cells_truncate
AFTER TRUNCATE ON participation_suggestion
FOR EACH STATEMENT EXECUTE FUNCTION geo_cluster_cell_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0002_cluster_trigger"),
    ]

    operations = [
        migrations.RunSQL(sql=[CLUSTER_TRIGGER_SQL], reverse_sql=migrations.RunSQL.noop),
    ]
