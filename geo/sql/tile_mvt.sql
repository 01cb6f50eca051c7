-- One Mapbox Vector Tile of a project, built in PostGIS: layer `clusters` (a point per cluster cell with its
-- count and one attribute per category key) or layer `suggestions` (the published suggestions themselves).
--
-- Invariants:
-- * Published suggestions only, public fields only (id, category key, title, planning status, support and
--   comment counts, how a path was drawn): no author, display name, text or address can reach a tile. geo_cluster_cell counts
--   published suggestions only (its trigger's rule), so clusters need no state filter.
-- * Which layer: `mode` is decided in Python from cheap numbers (the zoom) and here from the cells' counts,
--   never from the suggestions: a tile of zoom z <= 16 whose cells hold more than feature_threshold
--   suggestions gets clusters, otherwise features. The cells counted are those of cell_zoom inside the
--   tile (cell_x0..cell_x1, cell_y0..cell_y1, computed in geo/core/grid.py).
-- * Bounded: at most max_features features (by id, so a tile is stable) and at most max_bytes of estimated
--   encoded size (title bytes, vertices after clipping to the tile, a fixed overhead per feature), so that
--   no tile exceeds the cap whatever the density. Clusters are bounded by the grid: (4 * 2^k)^2 cells.
-- * `generation` is read in the same statement, hence the same snapshot, as the data: the cache stores the
--   tile only if no change to the project committed since (see tile_cache_store.sql).
-- * The one-time filters on `mode` keep the branch that is not chosen from running at all.
WITH tile AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s) AS buffered
),
cell_total AS (
    SELECT coalesce(sum(g.count), 0) AS total
    FROM geo_cluster_cell AS g
    WHERE g.project_id = %(project_id)s
      AND g.zoom = %(cell_zoom)s
      AND g.cell_x BETWEEN %(cell_x0)s AND %(cell_x1)s
      AND g.cell_y BETWEEN %(cell_y0)s AND %(cell_y1)s
),
choice AS (
    SELECT CASE WHEN %(clusters_allowed)s AND total > %(feature_threshold)s THEN 'clusters'
                ELSE 'suggestions' END AS mode
    FROM cell_total
),
cluster AS (
    -- One point per cell at the mean of its suggestions' anchors (always inside the cell, hence the tile).
    SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(sum(g.sum_x) / sum(g.count), sum(g.sum_y) / sum(g.count)), 3857),
                        tile.box, %(extent)s, 0, false) AS geom,
           sum(g.count)::integer AS count,
           jsonb_object_agg(c.key, g.count) AS categories
    FROM tile, geo_cluster_cell AS g
    JOIN participation_category AS c ON c.id = g.category_id
    WHERE (SELECT mode FROM choice) = 'clusters'
      AND g.project_id = %(project_id)s
      AND g.zoom = %(cell_zoom)s
      AND g.cell_x BETWEEN %(cell_x0)s AND %(cell_x1)s
      AND g.cell_y BETWEEN %(cell_y0)s AND %(cell_y1)s
    GROUP BY tile.box, g.cell_x, g.cell_y
),
candidate AS (
    SELECT s.id, s.category_id, s.title, s.planning_status, s.support_count, s.comment_count, s.line_drawing,
           ST_AsMVTGeom(s.geom_3857, tile.box, %(extent)s, %(buffer)s, true) AS geom
    FROM tile, participation_suggestion AS s
    WHERE (SELECT mode FROM choice) = 'suggestions'
      AND s.project_id = %(project_id)s
      AND s.moderation_state = 'published'
      AND s.geom_3857 && tile.buffered
    ORDER BY s.id
    LIMIT %(max_features)s + 1
),
sized AS (
    -- A line or area whose bounding box meets the tile but whose shape does not is clipped to nothing.
    SELECT candidate.*,
           row_number() OVER running AS rank,
           sum(octet_length(candidate.title) + 6 * ST_NPoints(candidate.geom) + %(feature_overhead)s)
               OVER running AS running_bytes
    FROM candidate
    WHERE candidate.geom IS NOT NULL
    WINDOW running AS (ORDER BY candidate.id ROWS UNBOUNDED PRECEDING)
),
kept AS (
    SELECT * FROM sized WHERE rank <= %(max_features)s AND running_bytes <= %(max_bytes)s
),
feature AS (
    SELECT s.geom, s.id AS fid, s.id, c.key AS category, s.title, s.planning_status, s.support_count,
           s.comment_count,
           -- NULL for points and areas: ST_AsMVT leaves it out of their features.
           nullif(s.line_drawing, '') AS line_drawing
    FROM kept AS s
    JOIN participation_category AS c ON c.id = s.category_id
),
answer AS MATERIALIZED (
    SELECT (SELECT mode FROM choice) AS mode,
           coalesce((SELECT generation FROM geo_tile_generation WHERE project_id = %(project_id)s), 0)
               AS generation,
           (SELECT count(*) FROM sized) > (SELECT count(*) FROM kept) AS truncated,
           CASE (SELECT mode FROM choice)
               WHEN 'clusters' THEN (
                   SELECT coalesce(ST_AsMVT(l, 'clusters', %(extent)s, 'geom'), '')
                   FROM (SELECT geom, count, categories FROM cluster) AS l)
               ELSE (
                   SELECT coalesce(ST_AsMVT(l, 'suggestions', %(extent)s, 'geom', 'fid'), '')
                   FROM (SELECT * FROM feature ORDER BY id) AS l)
           END AS mvt
)
SELECT mode, generation, truncated, md5(mvt) AS etag, mvt FROM answer;
