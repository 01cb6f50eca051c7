-- Replace a context layer's features with the staged ones, in one statement (one snapshot): the old rows go,
-- the new ones come, and the answer is the import report's figures.
--
-- Geometry collections are split: each part becomes a feature with the collection's attributes. A geometry
-- that is missing or empty is dropped; an invalid one is repaired with ST_MakeValid when the repair keeps its
-- dimension (a polygon stays an area, a line a line), else it is dropped as unrepairable.
-- Parameters: layer (the layer's id).
WITH raw AS (
    SELECT
        s.n,
        COALESCE(s.doc -> 'properties', '{}'::jsonb) AS properties,
        left(COALESCE(s.doc ->> 'id', ''), 100) AS source_id,
        CASE
            WHEN jsonb_typeof(s.doc -> 'geometry') = 'object'
                THEN ST_Force2D(ST_GeomFromGeoJSON(s.doc -> 'geometry'))  -- EPSG:4326, as GeoJSON is
        END AS geom
    FROM pg_temp.context_layer_staging AS s
),
parts AS (
    SELECT n, properties, source_id, geom, false AS split
    FROM raw
    WHERE geom IS NULL OR ST_GeometryType(geom) <> 'ST_GeometryCollection' OR ST_IsEmpty(geom)
    UNION ALL
    SELECT r.n, r.properties, r.source_id, d.geom, true
    FROM raw AS r
    CROSS JOIN LATERAL ST_Dump(r.geom) AS d
    WHERE ST_GeometryType(r.geom) = 'ST_GeometryCollection' AND NOT ST_IsEmpty(r.geom)
),
checked AS (
    SELECT
        n, properties, source_id, split, geom,
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
        c.n, c.properties, c.source_id, c.split, c.state,
        CASE
            WHEN c.state = 'valid' THEN c.geom
            WHEN c.state = 'invalid' THEN ST_CollectionExtract(ST_MakeValid(c.geom), ST_Dimension(c.geom) + 1)
        END AS geom
    FROM checked AS c
),
outcome AS (
    SELECT
        n, properties, source_id, split, state, geom,
        CASE
            WHEN state IN ('no-geometry', 'empty') THEN state
            WHEN state = 'invalid' AND (geom IS NULL OR ST_IsEmpty(geom) OR NOT ST_IsValid(geom)) THEN 'unrepairable'
        END AS dropped
    FROM repaired
),
-- Beyond ±180°/±90° the coordinates are not longitude/latitude: metres read as degrees (a source without its
-- coordinate system). Then nothing is inserted (EPSG:3857 could not even be computed) and the caller refuses.
reach AS (
    SELECT
        max(greatest(abs(ST_XMin(geom)), abs(ST_XMax(geom)))) AS x,
        max(greatest(abs(ST_YMin(geom)), abs(ST_YMax(geom)))) AS y
    FROM outcome
    WHERE dropped IS NULL
),
deleted AS (
    DELETE FROM geo_context_feature WHERE layer_id = %(layer)s
),
inserted AS (
    INSERT INTO geo_context_feature (layer_id, geom, properties, source_id)
    SELECT %(layer)s, geom, properties, source_id
    FROM outcome
    WHERE dropped IS NULL AND (SELECT x <= 180 AND y <= 90 FROM reach)
    RETURNING ST_GeometryType(geom) AS kind
)
SELECT
    (SELECT count(*) FROM raw) AS read,
    (SELECT COALESCE(jsonb_object_agg(kind, k), '{}') FROM (
        SELECT substr(kind, 4) AS kind, count(*) AS k FROM inserted GROUP BY 1
    ) AS t) AS taken,
    (SELECT count(*) FROM outcome WHERE state = 'invalid' AND dropped IS NULL) AS repaired,
    (SELECT COALESCE(jsonb_object_agg(dropped, k), '{}') FROM (
        SELECT dropped, count(*) AS k FROM outcome WHERE dropped IS NOT NULL GROUP BY 1
    ) AS t) AS dropped,
    (SELECT count(DISTINCT n) FROM parts WHERE split) AS collections_split,
    (SELECT count(*) FROM parts WHERE split) AS collection_parts,
    (SELECT x FROM reach) AS reach_x,
    (SELECT y FROM reach) AS reach_y
