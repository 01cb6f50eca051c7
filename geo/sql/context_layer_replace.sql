-- A context layer's new features from the staged ones, in one statement: they go into the layer's new
-- partition (pg_temp.context_layer_incoming, made by geo_context_layer_build in context_layer_partitions.sql
-- and swapped in afterwards), and the answer is the import report's figures.
--
-- Geometry collections are split: each part becomes a feature with the collection's attributes. A geometry
-- that is missing or empty is dropped; an invalid one is repaired with ST_MakeValid when the repair keeps its
-- dimension (a polygon stays an area, a line a line), else it is dropped as unrepairable. Only the row
-- numbers and geometries pass through the steps; the attributes are taken from the staging row at the insert.
-- Parameters: layer (the layer's id); rest (true: only the features context_layer_take_valid.sql left, those
-- without a geometry, with an empty one or a collection; false: all staged features).
WITH staged AS (
    SELECT n, geom
    FROM pg_temp.context_layer_staging
    WHERE NOT %(rest)s OR geom IS NULL OR ST_GeometryType(geom) = 'ST_GeometryCollection' OR ST_IsEmpty(geom)
),
parts AS (
    SELECT n, geom, false AS split
    FROM staged
    WHERE geom IS NULL OR ST_GeometryType(geom) <> 'ST_GeometryCollection' OR ST_IsEmpty(geom)
    UNION ALL
    SELECT s.n, d.geom, true
    FROM staged AS s
    CROSS JOIN LATERAL ST_Dump(s.geom) AS d
    WHERE ST_GeometryType(s.geom) = 'ST_GeometryCollection' AND NOT ST_IsEmpty(s.geom)
),
checked AS (
    SELECT
        n, split, geom,
        CASE
            WHEN geom IS NULL THEN 'no-geometry'
            WHEN ST_IsEmpty(geom) THEN 'empty'
            WHEN ST_IsValid(geom) THEN 'valid'
            ELSE 'invalid'
        END AS state
    FROM parts
),
repaired AS (
    SELECT
        n, split, state,
        CASE
            WHEN state = 'valid' THEN geom
            WHEN state = 'invalid' THEN ST_CollectionExtract(ST_MakeValid(geom), ST_Dimension(geom) + 1)
        END AS geom
    FROM checked
),
outcome AS (
    SELECT
        n, split, state, geom,
        CASE
            WHEN state IN ('no-geometry', 'empty') THEN state
            WHEN state = 'invalid' AND (geom IS NULL OR ST_IsEmpty(geom) OR NOT ST_IsValid(geom)) THEN 'unrepairable'
        END AS dropped
    FROM repaired
),
inserted AS (
    INSERT INTO pg_temp.context_layer_incoming (layer_id, geom, properties, source_id)
    SELECT
        %(layer)s, o.geom, COALESCE(s.doc -> 'properties', '{}'::jsonb), left(COALESCE(s.doc ->> 'id', ''), 100)
    FROM outcome AS o
    JOIN pg_temp.context_layer_staging AS s ON s.n = o.n
    WHERE o.dropped IS NULL
    RETURNING ST_GeometryType(geom) AS kind
)
SELECT
    (SELECT count(*) FROM pg_temp.context_layer_staging) AS read,
    (SELECT COALESCE(jsonb_object_agg(kind, k), '{}') FROM (
        SELECT substr(kind, 4) AS kind, count(*) AS k FROM inserted GROUP BY 1
    ) AS t) AS taken,
    (SELECT count(*) FROM outcome WHERE state = 'invalid' AND dropped IS NULL) AS repaired,
    (SELECT COALESCE(jsonb_object_agg(dropped, k), '{}') FROM (
        SELECT dropped, count(*) AS k FROM outcome WHERE dropped IS NOT NULL GROUP BY 1
    ) AS t) AS dropped,
    (SELECT count(DISTINCT n) FROM parts WHERE split) AS collections_split,
    (SELECT count(*) FROM parts WHERE split) AS collection_parts
