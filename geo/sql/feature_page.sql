-- One keyset page of suggestions as the features of an RFC 7946 FeatureCollection, written by PostGIS: the
-- frame both feature channels share, the API's suggestion list (suggestion_features.sql with
-- suggestion_feature_properties.sql) and the OGC API's items (ogcapi_items.sql with
-- ogcapi_item_properties.sql). geo.core.sql composes it with a channel's two files, in place of its markers:
-- * rows: the candidates, ids above `after` in ascending order, at most `limit` + 1 of them, with
--   at least `id`, `geom` and the columns the properties read. The one row past the page tells whether a
--   next page exists without counting.
-- * properties: a json_build_object over those columns, the feature's properties;
-- * geometry: feature_geometry.sql, the geometry in the CRS asked for (`crs_srid`, `crs_flip`, `crs_decimals`).
-- Every feature carries the suggestion's id and its geometry.
WITH candidate AS (
    /* rows */
),
page AS (
    SELECT * FROM candidate ORDER BY id LIMIT %(limit)s
)
SELECT
    (SELECT count(*) FROM candidate) > %(limit)s AS has_more,
    (SELECT max(id) FROM page) AS last_id,
    (SELECT count(*) FROM page) AS returned,
    coalesce(
        (SELECT json_agg(
                    json_build_object(
                        'type', 'Feature',
                        'id', id,
                        'geometry', /* geometry */,
                        'properties', /* properties */
                    ) ORDER BY id)
         FROM page),
        '[]'::json
    )::text AS features
