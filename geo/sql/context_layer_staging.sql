-- A private staging table for one context-layer import: one GeoJSON Feature (a line of ogr2ogr's
-- GeoJSONSeq) per row, numbered in file order. Temporary, so no other session sees it; dropped by the import
-- in `finally` (and by PostgreSQL at the end of the transaction in any case).
CREATE TEMPORARY TABLE context_layer_staging (
    n bigint GENERATED ALWAYS AS IDENTITY,
    doc jsonb NOT NULL
) ON COMMIT DROP
