-- The public results page's map, drawn by the server as SVG (participation/selectors/results.py): the
-- project's area and its newest decided suggestions, in Web Mercator metres (the shape people know from
-- maps), without base-map tiles. ST_AsSVG writes y downwards (it negates y): points' y are negated the same
-- way, and the frame's top is -ymax.
--
-- Invariants:
-- * Published suggestions of one project only, up to %(limit)s per status in %(statuses)s (newest first, by
--   id): the page says how many of each status the map leaves out.
-- * The first row is the area (kind 'area') with the frame; then the suggestions, the statuses in the given
--   order (the template draws later ones on top). Points are x, y; lines and areas an SVG path, simplified
--   to %(tolerance_share)s of the area's larger side (finer than the printed map can show).
--
-- Cost: as results_decided.sql (one short walk of the status index per status, then those rows by primary
-- key), plus ST_AsSVG of at most len(statuses) x limit rows.
WITH area AS (
    SELECT ST_Transform(area, 3857) AS geom
    FROM participation_project
    WHERE id = %(project_id)s
), frame AS (
    SELECT geom, GREATEST(ST_XMax(geom) - ST_XMin(geom), ST_YMax(geom) - ST_YMin(geom)) AS size
    FROM area
)
SELECT 'area' AS kind, NULL::bigint AS id, NULL::text AS planning_status,
       ST_AsSVG(ST_SimplifyPreserveTopology(f.geom, f.size * %(tolerance_share)s), 0, 0) AS path,
       ST_XMin(f.geom) AS x, -ST_YMax(f.geom) AS y,
       ST_XMax(f.geom) - ST_XMin(f.geom) AS width, ST_YMax(f.geom) - ST_YMin(f.geom) AS height,
       0 AS status_order
FROM frame AS f
UNION ALL
SELECT CASE ST_GeometryType(s.geom_3857)
           WHEN 'ST_Point' THEN 'point' WHEN 'ST_LineString' THEN 'line' ELSE 'polygon'
       END,
       s.id, s.planning_status,
       CASE WHEN ST_GeometryType(s.geom_3857) <> 'ST_Point'
            THEN ST_AsSVG(ST_Simplify(s.geom_3857, f.size * %(tolerance_share)s, true), 0, 0)
       END,
       CASE WHEN ST_GeometryType(s.geom_3857) = 'ST_Point' THEN ST_X(s.geom_3857) END,
       CASE WHEN ST_GeometryType(s.geom_3857) = 'ST_Point' THEN -ST_Y(s.geom_3857) END,
       NULL, NULL,
       array_position(%(statuses)s::text[], s.planning_status)
FROM frame AS f
CROSS JOIN unnest(%(statuses)s::text[]) AS wanted(status)
CROSS JOIN LATERAL (
    -- Ids only, so that the walk is the status index's (see results_decided.sql).
    SELECT id
    FROM participation_suggestion
    WHERE project_id = %(project_id)s
      AND moderation_state = 'published'
      AND planning_status = wanted.status
    ORDER BY id DESC
    LIMIT %(limit)s
) AS newest
JOIN participation_suggestion AS s ON s.id = newest.id
ORDER BY status_order, id
