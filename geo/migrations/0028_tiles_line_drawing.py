"""Vector tiles carry how a path was drawn (`line_drawing`, geo/fields.py): a change of it forgets the cached
tiles over the suggestion, as a new title does, and every tile cached before this migration is forgotten
(it was built without the field; the generations move on, so no tile built meanwhile is stored).

Only geo_tile_cache_sync changed; everything in the text is CREATE OR REPLACE. Going back puts geo 0005's
function back (it must not read the column, which participation 0011 drops on its way back).
"""

from django.db import migrations

# geo/sql/tile_cache_trigger.sql as this migration installs it, frozen here: a migration runs the same SQL
# forever (tests/test_migrations.py holds the file to it while this is the latest migration of the trigger).
TILE_CACHE_TRIGGER_SQL = r"""
-- The vector tile cache geo_tile_cache, kept exact by PostgreSQL itself, like the cluster cells
-- (cluster_trigger.sql, whose reasons for statement triggers with transition tables apply here too).
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- TILE_CACHE_TRIGGER_SQL (geo 0028) holds this very text, and tests/test_migrations.py compares them: a
-- change here needs a new migration carrying the new text.
--
-- What a tile shows (geo/sql/tile_mvt.sql): published suggestions with their category key, title, planning
-- status, support and comment counts and how a path was drawn, or the cluster cells of published
-- suggestions. So a change touches
-- the cached tiles over its old and new geometry when a suggestion starts or stops being published, or a
-- published one changes its geometry, project, category or one of those fields. For each such geometry the
-- trigger deletes, at every zoom 0..22, the cached tiles whose buffered envelope meets its bounding box:
-- that covers the features (clipped with a buffer), the cluster cells (the anchor lies inside the bounding
-- box and a cell lies inside its tile) and the clusters-or-features choice (made from those cells). A change
-- of fields that clusters do not show (title, status, counts, drawing) leaves cluster tiles alone.
-- Tiles elsewhere keep their rows, hence their ETags.
--
-- Each such statement also adds 1 to its projects' row in geo_tile_generation, BEFORE deleting: the row
-- lock it takes is held to commit, and it is what makes the cache race-free (see tile_cache_store.sql).
--
-- Lock order: the triggers are named suggestion_cache_tiles_* so that PostgreSQL (which fires triggers of
-- one event in name order) runs them before suggestion_cluster_cells_*. Every writer that will lock cluster
-- cells has then first locked its project's generation row, so two transactions of one project cannot wait
-- for each other's cells in a cycle however many statements they run. The price: writes that touch a
-- project's tiles (publishing, moving, supporting …) queue on that row until the holder commits; they are
-- short transactions, and the cells at zoom 0 already made geometry changes of one category queue.

-- The tiles of every zoom 0..22 whose envelope, widened by the tile buffer (1/64 of a tile, the 64 of 4096
-- units of tile_mvt.sql), meets the box of `geom`. A hair wider than exact: a tile too many is only rebuilt.
CREATE OR REPLACE FUNCTION geo_tile_ranges(geom geometry)
RETURNS TABLE (z smallint, x0 integer, x1 integer, y0 integer, y1 integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT z::smallint,
           greatest(floor((ST_XMin(geom) + 20037508.342789244 - margin) / size), 0)::integer,
           least(floor((ST_XMax(geom) + 20037508.342789244 + margin) / size), 2 ^ z - 1)::integer,
           greatest(floor((20037508.342789244 - ST_YMax(geom) - margin) / size), 0)::integer,
           least(floor((20037508.342789244 - ST_YMin(geom) + margin) / size), 2 ^ z - 1)::integer
    FROM generate_series(0, 22) AS z,
         LATERAL (SELECT 2 * 20037508.342789244 / 2 ^ z AS size) AS s,
         LATERAL (SELECT size / 64 * 1.001 AS margin) AS m
$$;

-- Forget the cached tiles over these geometries. all_layers false: only tiles that show suggestions (or
-- nothing) go, cluster tiles stay. Generations first; `= ANY` walks the primary key in ascending order, so
-- every writer locks several projects' rows in one order.
-- The rows are updated, never inserted here: a project gets its row when it is created (below), and loses
-- it with its deletion, which Django may carry out before it deletes the project's suggestions. A project
-- without a row (impossible but for hand-made SQL) simply has no tile stored (tile_cache_store.sql).
CREATE OR REPLACE FUNCTION geo_tile_cache_forget(project_ids bigint[], geoms geometry[], all_layers boolean[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE geo_tile_generation SET generation = generation + 1 WHERE project_id = ANY (project_ids);

    DELETE FROM geo_tile_cache AS t
    USING (
        SELECT d.project_id, r.z, r.x0, r.x1, r.y0, r.y1, bool_or(d.all_layers) AS all_layers
        FROM unnest(project_ids, geoms, all_layers) AS d (project_id, geom, all_layers)
        CROSS JOIN LATERAL geo_tile_ranges(d.geom) AS r
        GROUP BY d.project_id, r.z, r.x0, r.x1, r.y0, r.y1
    ) AS r
    WHERE t.project_id = r.project_id AND t.z = r.z
      AND t.x BETWEEN r.x0 AND r.x1 AND t.y BETWEEN r.y0 AND r.y1
      AND (r.all_layers OR t.layer <> 'clusters');
END
$$;

-- The three statement triggers' function; old_rows and new_rows are their transition tables.
CREATE OR REPLACE FUNCTION geo_tile_cache_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    project_ids bigint[];
    geoms geometry[];
    all_layers boolean[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.project_id), array_agg(n.geom_3857), array_agg(true)
        INTO project_ids, geoms, all_layers
        FROM new_rows AS n
        WHERE n.moderation_state = 'published';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.project_id), array_agg(o.geom_3857), array_agg(true)
        INTO project_ids, geoms, all_layers
        FROM old_rows AS o
        WHERE o.moderation_state = 'published';
    ELSE
        WITH changed AS (
            SELECT o.project_id AS old_project_id, o.geom_3857 AS old_geom,
                   coalesce(o.moderation_state = 'published', false) AS old_shown,
                   n.project_id AS new_project_id, n.geom_3857 AS new_geom,
                   coalesce(n.moderation_state = 'published', false) AS new_shown,
                   -- What clusters show too: whether and where a suggestion counts, in which category.
                   (o.id IS NULL OR n.id IS NULL
                    OR o.moderation_state IS DISTINCT FROM n.moderation_state
                    OR o.project_id IS DISTINCT FROM n.project_id
                    OR o.category_id IS DISTINCT FROM n.category_id
                    OR NOT o.geom_3857 = n.geom_3857) AS clusters_change,
                   -- What only the suggestions layer shows.
                   (o.title IS DISTINCT FROM n.title
                    OR o.planning_status IS DISTINCT FROM n.planning_status
                    OR o.support_count IS DISTINCT FROM n.support_count
                    OR o.comment_count IS DISTINCT FROM n.comment_count
                    OR o.line_drawing IS DISTINCT FROM n.line_drawing) AS fields_change
            FROM old_rows AS o
            FULL JOIN new_rows AS n ON n.id = o.id
        ),
        shown AS (
            SELECT old_project_id AS project_id, old_geom AS geom, clusters_change AS all_layers
            FROM changed WHERE old_shown AND (clusters_change OR fields_change)
            UNION ALL
            SELECT new_project_id, new_geom, clusters_change
            FROM changed WHERE new_shown AND (clusters_change OR fields_change)
        )
        SELECT array_agg(s.project_id), array_agg(s.geom), array_agg(s.all_layers)
        INTO project_ids, geoms, all_layers
        FROM shown AS s;
    END IF;
    IF project_ids IS NOT NULL THEN
        PERFORM geo_tile_cache_forget(project_ids, geoms, all_layers);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_cache_tiles_insert
AFTER INSERT ON participation_suggestion
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_tile_cache_sync();

CREATE OR REPLACE TRIGGER suggestion_cache_tiles_update
AFTER UPDATE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_tile_cache_sync();

CREATE OR REPLACE TRIGGER suggestion_cache_tiles_delete
AFTER DELETE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_tile_cache_sync();

-- Forget every cached tile of the given projects (NULL: all projects): TRUNCATE of the suggestions, a
-- renamed category key, a rebuild of the cluster cells.
CREATE OR REPLACE FUNCTION geo_tile_cache_forget_projects(project_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF project_ids IS NULL THEN
        UPDATE geo_tile_generation SET generation = generation + 1;
        DELETE FROM geo_tile_cache;
    ELSE
        UPDATE geo_tile_generation SET generation = generation + 1 WHERE project_id = ANY (project_ids);
        DELETE FROM geo_tile_cache WHERE project_id = ANY (project_ids);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION geo_tile_cache_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM geo_tile_cache_forget_projects(NULL);
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_cache_tiles_truncate
AFTER TRUNCATE ON participation_suggestion
FOR EACH STATEMENT EXECUTE FUNCTION geo_tile_cache_truncate();

-- Cluster tiles carry category keys as attribute names, suggestion tiles as values: a renamed key (rare, in
-- the admin) forgets the project's tiles.
CREATE OR REPLACE FUNCTION geo_tile_cache_category_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key IS DISTINCT FROM OLD.key OR NEW.project_id IS DISTINCT FROM OLD.project_id THEN
        PERFORM geo_tile_cache_forget_projects(ARRAY[OLD.project_id, NEW.project_id]);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER category_tile_cache_update
AFTER UPDATE OF key, project_id ON participation_category
FOR EACH ROW EXECUTE FUNCTION geo_tile_cache_category_renamed();

-- Every project has its generation row from the start (existing ones get it from migration geo 0005).
CREATE OR REPLACE FUNCTION geo_tile_generation_create() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO geo_tile_generation (project_id, generation) VALUES (NEW.id, 0) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER project_tile_generation_insert
AFTER INSERT ON participation_project
FOR EACH ROW EXECUTE FUNCTION geo_tile_generation_create();
"""

# geo 0005's geo_tile_cache_sync, for going back.
PREVIOUS_SYNC_SQL = r"""
-- The three statement triggers' function; old_rows and new_rows are their transition tables.
CREATE OR REPLACE FUNCTION geo_tile_cache_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    project_ids bigint[];
    geoms geometry[];
    all_layers boolean[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.project_id), array_agg(n.geom_3857), array_agg(true)
        INTO project_ids, geoms, all_layers
        FROM new_rows AS n
        WHERE n.moderation_state = 'published';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.project_id), array_agg(o.geom_3857), array_agg(true)
        INTO project_ids, geoms, all_layers
        FROM old_rows AS o
        WHERE o.moderation_state = 'published';
    ELSE
        WITH changed AS (
            SELECT o.project_id AS old_project_id, o.geom_3857 AS old_geom,
                   coalesce(o.moderation_state = 'published', false) AS old_shown,
                   n.project_id AS new_project_id, n.geom_3857 AS new_geom,
                   coalesce(n.moderation_state = 'published', false) AS new_shown,
                   -- What clusters show too: whether and where a suggestion counts, in which category.
                   (o.id IS NULL OR n.id IS NULL
                    OR o.moderation_state IS DISTINCT FROM n.moderation_state
                    OR o.project_id IS DISTINCT FROM n.project_id
                    OR o.category_id IS DISTINCT FROM n.category_id
                    OR NOT o.geom_3857 = n.geom_3857) AS clusters_change,
                   -- What only the suggestions layer shows.
                   (o.title IS DISTINCT FROM n.title
                    OR o.planning_status IS DISTINCT FROM n.planning_status
                    OR o.support_count IS DISTINCT FROM n.support_count
                    OR o.comment_count IS DISTINCT FROM n.comment_count) AS fields_change
            FROM old_rows AS o
            FULL JOIN new_rows AS n ON n.id = o.id
        ),
        shown AS (
            SELECT old_project_id AS project_id, old_geom AS geom, clusters_change AS all_layers
            FROM changed WHERE old_shown AND (clusters_change OR fields_change)
            UNION ALL
            SELECT new_project_id, new_geom, clusters_change
            FROM changed WHERE new_shown AND (clusters_change OR fields_change)
        )
        SELECT array_agg(s.project_id), array_agg(s.geom), array_agg(s.all_layers)
        INTO project_ids, geoms, all_layers
        FROM shown AS s;
    END IF;
    IF project_ids IS NOT NULL THEN
        PERFORM geo_tile_cache_forget(project_ids, geoms, all_layers);
    END IF;
    RETURN NULL;
END
$$;
"""

# Every cached tile of every project: they were built without the field.
FORGET_CACHED_TILES_SQL = "SELECT geo_tile_cache_forget_projects(NULL)"


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0027_network_edge_stranded"),
        ("participation", "0011_suggestion_line_drawing"),
    ]

    operations = [
        migrations.RunSQL(
            [TILE_CACHE_TRIGGER_SQL, FORGET_CACHED_TILES_SQL],
            reverse_sql=[PREVIOUS_SYNC_SQL, FORGET_CACHED_TILES_SQL],
        ),
    ]
