-- Each listed project's area as an SVG path for the small maps on the start page: Web Mercator metres
-- (the shape people know from maps), simplified to about 1/300 of its extent (finer than a thumbnail can
-- show), rounded to whole metres. ST_AsSVG writes y downwards (it negates y), so the viewBox starts at -ymax.
-- %(ids)s: the projects' ids.
WITH mercator AS (
    SELECT id, ST_Transform(area, 3857) AS geom
    FROM participation_project
    WHERE id = ANY(%(ids)s)
), simple AS (
    SELECT id,
           ST_SimplifyPreserveTopology(
               geom, GREATEST(ST_XMax(geom) - ST_XMin(geom), ST_YMax(geom) - ST_YMin(geom)) / 300.0
           ) AS geom
    FROM mercator
)
SELECT id,
       ST_AsSVG(geom, 0, 0) AS path,
       ST_XMin(geom) AS xmin,
       -ST_YMax(geom) AS ymin,
       ST_XMax(geom) - ST_XMin(geom) AS width,
       ST_YMax(geom) - ST_YMin(geom) AS height
FROM simple
