-- How far the staged coordinates reach from 0°/0°. Beyond ±180°/±90° they are not longitude/latitude:
-- metres read as degrees (a source without its coordinate system), and the import refuses before it
-- computes anything else (EPSG:3857 could not even be computed).
SELECT
    greatest(abs(ST_XMin(e)), abs(ST_XMax(e))) AS reach_x,
    greatest(abs(ST_YMin(e)), abs(ST_YMax(e))) AS reach_y
FROM (SELECT ST_Extent(geom) AS e FROM pg_temp.context_layer_staging) AS extent
