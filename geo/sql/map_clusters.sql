-- The clusters the map draws for a viewport at one zoom (0..16), read from the aggregate geo_cluster_cell,
-- never from the suggestions: the cost grows with the cells in the viewport, not with the suggestions.
--
-- Invariants:
-- * geo_cluster_cell holds published suggestions only (the trigger's rule), so nothing here filters by
--   moderation state, and a pending or hidden suggestion cannot show up even as a count.
-- * The cell range comes from the trigger's own grid functions, so it matches the stored cells exactly.
--   A cell that only touches the viewport's edge is included whole: `total` may count a few suggestions
--   just outside the viewport, never fewer than are inside.
-- * The output is bounded: at most max_cells features (largest first) and at most max_bytes of feature text;
--   `truncated` says something was left out. `total` always counts every cell in range.
-- * Features are written as compact JSON text: json_build_object pads every key with " : ", which costs a
--   fifth of the payload at this size. Keys come from to_json(), so they are escaped like any JSON string.
WITH viewport AS (
    -- Web Mercator is undefined at the poles: clamp to its latitude limit before transforming.
    SELECT ST_Transform(
               ST_MakeEnvelope(%(minlon)s, greatest(%(minlat)s, -85.0511287798066),
                               %(maxlon)s, least(%(maxlat)s, 85.0511287798066), 4326),
               3857) AS box
),
cell_range AS (
    -- Rows count from the north: the viewport's top edge has the smallest row number.
    SELECT geo_cluster_cell_x(ST_XMin(box), %(zoom)s) AS x0, geo_cluster_cell_x(ST_XMax(box), %(zoom)s) AS x1,
           geo_cluster_cell_y(ST_YMax(box), %(zoom)s) AS y0, geo_cluster_cell_y(ST_YMin(box), %(zoom)s) AS y1
    FROM viewport
),
cell AS (
    -- One row per (cell, category) in the table; here one per cell with its per-category counts.
    SELECT g.cell_x, g.cell_y, sum(g.count) AS count, sum(g.sum_x) AS sum_x, sum(g.sum_y) AS sum_y,
           string_agg(to_json(c.key)::text || ':' || g.count, ',' ORDER BY c.position, c.key) AS categories
    FROM cell_range AS r
    JOIN geo_cluster_cell AS g
      ON g.project_id = %(project_id)s
     AND g.zoom = %(zoom)s
     AND g.cell_x BETWEEN r.x0 AND r.x1
     AND g.cell_y BETWEEN r.y0 AND r.y1
    JOIN participation_category AS c ON c.id = g.category_id
    WHERE %(category_ids)s::bigint[] IS NULL OR g.category_id = ANY (%(category_ids)s::bigint[])
    GROUP BY g.cell_x, g.cell_y
),
top AS (
    -- Only the cells that may be sent get their JSON written; one more tells whether the cap cut any.
    SELECT * FROM cell ORDER BY count DESC, cell_y, cell_x LIMIT %(max_cells)s + 1
),
feature AS (
    SELECT row_number() OVER (ORDER BY count DESC, cell_y, cell_x) AS rank,
           '{"type":"Feature","geometry":'
           -- The cluster sits at the mean of its suggestions' anchors, always inside its cell.
           || ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint(sum_x / count, sum_y / count), 3857), 4326), 6)
           || ',"properties":{"count":' || count
           || ',"categories":{' || categories || '}}}' AS text
    FROM top
),
kept AS (
    -- A running byte total in rank order: once over the budget, every later (smaller) cell is left out.
    SELECT rank, text,
           rank <= %(max_cells)s
           AND sum(octet_length(text) + 1) OVER (ORDER BY rank ROWS UNBOUNDED PRECEDING) <= %(max_bytes)s
               AS kept
    FROM feature
)
SELECT (SELECT coalesce(sum(count), 0) FROM cell)::bigint AS total,
       count(*) FILTER (WHERE kept) AS returned,
       coalesce(bool_or(NOT kept), false) AS truncated,
       '[' || coalesce(string_agg(text, ',' ORDER BY rank) FILTER (WHERE kept), '') || ']' AS features
FROM kept;
