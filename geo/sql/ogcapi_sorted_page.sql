-- One sorted keyset page of an OGC API suggestion collection (`sortby`) as the features of a GeoJSON
-- FeatureCollection: feature_page.sql's frame, ordered by the sort instead of the id. geo/ogcapi/selectors.py
-- puts ogcapi_items.sql (with the sort's keyset and order) at "rows", the properties at "properties", and
-- the sort's own fixed pieces (geo/ogcapi/sorting.py) at "sort order" (the keys with ASC/DESC, then id) and
-- "sort keys" (the keys as a JSON array: the last row's become the next page's cursor), and
-- feature_geometry.sql at "geometry", as in feature_page.sql.
WITH candidate AS (
    /* rows */
),
page AS (
    SELECT *, row_number() OVER (ORDER BY /* sort order */) AS pm_rank
    FROM candidate
    ORDER BY pm_rank
    LIMIT %(limit)s
)
SELECT
    (SELECT count(*) FROM candidate) > %(limit)s AS has_more,
    (SELECT /* sort keys */ FROM page ORDER BY pm_rank DESC LIMIT 1)::text AS last_keys,
    (SELECT count(*) FROM page) AS returned,
    coalesce(
        (SELECT json_agg(
                    json_build_object(
                        'type', 'Feature',
                        'id', id,
                        'geometry', /* geometry */,
                        'properties', /* properties */
                    ) ORDER BY pm_rank)
         FROM page),
        '[]'::json
    )::text AS features
