-- What the OGC API says of its context-layer collections, per layer in `layer_ids`: the extent of its
-- features (the collection's spatial extent, CRS84), how many there are, and every attribute name any of
-- them has, sorted (the properties every item carries, ogcapi_layer_item_properties.sql). A layer without
-- features has no row.
SELECT
    e.layer_id,
    ST_XMin(e.extent) AS minlon,
    ST_YMin(e.extent) AS minlat,
    ST_XMax(e.extent) AS maxlon,
    ST_YMax(e.extent) AS maxlat,
    e.features,
    coalesce(names.attributes, '{}') AS attributes
FROM (
    SELECT f.layer_id, ST_Extent(f.geom) AS extent, count(*) AS features
    FROM geo_context_feature AS f
    WHERE f.layer_id = ANY (%(layer_ids)s::bigint[])
    GROUP BY f.layer_id
) AS e
CROSS JOIN LATERAL (
    SELECT array_agg(DISTINCT k.name ORDER BY k.name) AS attributes
    FROM geo_context_feature AS f
    CROSS JOIN LATERAL jsonb_object_keys(f.properties) AS k(name)
    WHERE f.layer_id = e.layer_id AND jsonb_typeof(f.properties) = 'object'
) AS names
