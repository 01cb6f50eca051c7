-- A private staging table for one context-layer import: one GeoJSON Feature (a line of ogr2ogr's
-- GeoJSONSeq) per row, numbered in file order, and its geometry, parsed as the line arrives (EPSG:4326, as
-- GeoJSON is; NULL for a feature without one). Temporary, so no other session sees it; dropped by the
-- import in `finally` (and by PostgreSQL at the end of the transaction in any case).
CREATE TEMPORARY TABLE context_layer_staging (
    n bigint GENERATED ALWAYS AS IDENTITY,
    doc jsonb NOT NULL,
    geom geometry GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(doc -> 'geometry') = 'object' THEN ST_Force2D(ST_GeomFromGeoJSON(doc -> 'geometry')) END
    ) STORED
) ON COMMIT DROP
