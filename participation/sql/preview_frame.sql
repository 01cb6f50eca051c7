-- A link preview's picture (selectors/previews.py): the project's area, one published suggestion (or none,
-- for the project's own picture) and the other published suggestions near it, in the picture's pixels.
-- Web Mercator (the shape people know from maps), framed on the area's extent (with the suggestion's, in
-- case the area was redrawn since) and scaled to fit %(width)s x %(height)s pixels less %(margin)s on every
-- side, centred; y grows downwards as in an image. Simplified to about a pixel; 1 decimal is enough.
-- Only published suggestions of a public project ever reach this query's answer: with %(suggestion)s
-- anything else gives no row at all. %(neighbours)s nearest others (the GiST index on geom_3857 answers it),
-- each with its category's colour, as the map draws them.
-- Parameters: project (id), suggestion (id or NULL), width, height, margin, neighbours.
WITH project AS (
    SELECT p.id, ST_Transform(p.area, 3857) AS area
    FROM participation_project AS p
    WHERE p.id = %(project)s AND p.is_public
), chosen AS (
    SELECT s.id, s.geom_3857 AS geom
    FROM participation_suggestion AS s
    JOIN project ON project.id = s.project_id
    WHERE s.id = %(suggestion)s AND s.moderation_state = 'published'
), frame AS (
    SELECT project.area,
           box.xmin, box.ymax,
           LEAST((%(width)s - 2 * %(margin)s) / GREATEST(box.xmax - box.xmin, 1.0),
                 (%(height)s - 2 * %(margin)s) / GREATEST(box.ymax - box.ymin, 1.0)) AS scale,
           box.xmax - box.xmin AS span_x, box.ymax - box.ymin AS span_y,
           ST_Centroid(coalesce((SELECT geom FROM chosen), project.area)) AS focus
    FROM project
    CROSS JOIN LATERAL (
        SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
        FROM (SELECT ST_Extent(g)::geometry AS e
              FROM (SELECT project.area AS g UNION ALL SELECT geom FROM chosen) AS parts) AS extent
    ) AS box
    WHERE %(suggestion)s::bigint IS NULL OR EXISTS (SELECT FROM chosen)
), pixels AS (
    -- The affine map from metres to pixels: x' = offset_x + (x - xmin) * scale, y' = offset_y + (ymax - y) * scale.
    SELECT frame.*,
           (%(width)s - frame.span_x * frame.scale) / 2.0 AS offset_x,
           (%(height)s - frame.span_y * frame.scale) / 2.0 AS offset_y
    FROM frame
)
SELECT ST_AsGeoJSON(
           ST_Affine(ST_SimplifyPreserveTopology(pixels.area, 1.0 / pixels.scale),
                     pixels.scale, 0, 0, -pixels.scale,
                     pixels.offset_x - pixels.xmin * pixels.scale, pixels.offset_y + pixels.ymax * pixels.scale),
           1) AS area,
       (SELECT ST_AsGeoJSON(
                   ST_Affine(ST_SimplifyPreserveTopology(chosen.geom, 1.0 / pixels.scale),
                             pixels.scale, 0, 0, -pixels.scale,
                             pixels.offset_x - pixels.xmin * pixels.scale,
                             pixels.offset_y + pixels.ymax * pixels.scale),
                   1)
        FROM chosen) AS suggestion,
       (SELECT coalesce(json_agg(json_build_object(
                   'geometry', ST_AsGeoJSON(
                       ST_Affine(ST_SimplifyPreserveTopology(near.geom_3857, 1.0 / pixels.scale),
                                 pixels.scale, 0, 0, -pixels.scale,
                                 pixels.offset_x - pixels.xmin * pixels.scale,
                                 pixels.offset_y + pixels.ymax * pixels.scale),
                       1)::json,
                   'colour', c.colour)
                   -- The farthest first, so the nearest are drawn on top of them.
                   ORDER BY near.distance DESC, near.id), '[]'::json)
        FROM (SELECT s.id, s.category_id, s.geom_3857, s.geom_3857 <-> pixels.focus AS distance
              FROM participation_suggestion AS s
              WHERE s.project_id = %(project)s AND s.moderation_state = 'published'
                AND s.id IS DISTINCT FROM %(suggestion)s
              ORDER BY s.geom_3857 <-> pixels.focus
              LIMIT %(neighbours)s) AS near
        JOIN participation_category AS c ON c.id = near.category_id) AS neighbours
FROM pixels
