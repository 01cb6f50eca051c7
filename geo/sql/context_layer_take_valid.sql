-- The common case first: every staged feature with a geometry that is neither empty nor a collection goes
-- straight into the layer's new partition (pg_temp.context_layer_incoming), checked once, by the table's
-- own CHECK (ST_IsValid). One invalid geometry among them fails the statement; the import then rolls it back
-- and runs context_layer_replace.sql over all staged features. The answer is the taken features per type.
-- Parameters: layer (the layer's id).
WITH inserted AS (
    INSERT INTO pg_temp.context_layer_incoming (layer_id, geom, properties, source_id)
    SELECT %(layer)s, geom, COALESCE(doc -> 'properties', '{}'::jsonb), left(COALESCE(doc ->> 'id', ''), 100)
    FROM pg_temp.context_layer_staging
    WHERE geom IS NOT NULL AND ST_GeometryType(geom) <> 'ST_GeometryCollection' AND NOT ST_IsEmpty(geom)
    RETURNING ST_GeometryType(geom) AS kind
)
SELECT COALESCE(jsonb_object_agg(kind, k), '{}') AS taken
FROM (SELECT substr(kind, 4) AS kind, count(*) AS k FROM inserted GROUP BY 1) AS t
