-- Every point of every taken way, in the way's order (i from 1 to last), by its coordinates: ogr2ogr wrote
-- them rounded to 7 decimals (1 cm), so the points of one OSM node, or of one position a town's file gives
-- twice, are equal numbers.
CREATE TEMPORARY TABLE network_points ON COMMIT DROP AS
SELECT w.n AS way, d.path[1] AS i, ST_NPoints(w.geom) AS last, ST_X(d.geom) AS x, ST_Y(d.geom) AS y
FROM pg_temp.network_ways AS w
CROSS JOIN LATERAL ST_DumpPoints(w.geom) AS d
WHERE w.skipped IS NULL
