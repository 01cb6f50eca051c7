-- A private staging table for one context-layer import: one GeoJSON Feature (a line of ogr2ogr's
-- GeoJSONSeq) per row, numbered in file order, and its geometry, parsed as the line arrives (EPSG:4326, as
-- GeoJSON is; NULL for a feature without one). A point is made from its two numbers directly: the same
-- geometry as ST_GeomFromGeoJSON's, without a second JSON parser (points are most facilities). Temporary,
-- so no other session sees it; dropped by the import in `finally` (and by PostgreSQL at the end of the
-- transaction in any case).
CREATE TEMPORARY TABLE context_layer_staging (
    n bigint GENERATED ALWAYS AS IDENTITY,
    doc jsonb NOT NULL,
    geom geometry GENERATED ALWAYS AS (
        CASE
            WHEN doc #>> '{geometry,type}' = 'Point' AND jsonb_array_length(doc #> '{geometry,coordinates}') = 2
                THEN ST_SetSRID(ST_MakePoint(
                    (doc #>> '{geometry,coordinates,0}')::float8, (doc #>> '{geometry,coordinates,1}')::float8
                ), 4326)
            WHEN jsonb_typeof(doc -> 'geometry') = 'object'
                THEN ST_Force2D(ST_GeomFromGeoJSON(doc -> 'geometry'))
        END
    ) STORED
) ON COMMIT DROP
