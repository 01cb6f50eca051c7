-- The existing facilities nearest to a drawn geometry, nearest first, at most %(limit)s, within
-- %(radius_m)s metres on the ground. For a line the distance is from its nearest point.
-- The caller chooses the layers (%(layer_ids)s: the project's public facilities layers of the category);
-- this query never widens that choice.
-- The KNN operator `<->` walks the GiST index of geom_3857 nearest first. Web Mercator stretches distances
-- by 1/cos(latitude), so the search radius is scaled at the drawn geometry's latitude (a hundredth more for
-- a long line spanning latitudes); the candidates are then measured on the ellipsoid (geography) and only
-- those truly within the radius are kept, in the order of their true distance.
-- Attributes are a source's text: a name only when it is a string (in the request's language if the source
-- has one, OSM's name:<lang>), cut to 100 characters; a capacity only when it is a whole positive number
-- ("40", " 40 ", "40.0"), never "ca. 40", "10-20" or "yes".
WITH input AS (
    SELECT g,
           ST_Transform(g, 3857) AS g3857,
           1 / cos(radians(ST_Y(ST_Centroid(g)))) AS scale
    FROM (SELECT ST_SetSRID(ST_GeomFromWKB(%(geom)s), 4326) AS g) AS given
),
candidate AS (
    SELECT c.id, c.layer_id, c.properties,
           ST_Distance(c.geom::geography, i.g::geography) AS distance_m,
           ST_ClosestPoint(c.geom, i.g) AS at
    FROM input AS i
    CROSS JOIN LATERAL (
        SELECT f.id, f.layer_id, f.properties, f.geom
        FROM geo_context_feature AS f
        WHERE f.layer_id = ANY(%(layer_ids)s)
          AND ST_DWithin(f.geom_3857, i.g3857, %(radius_m)s * i.scale * 1.01)
        ORDER BY f.geom_3857 <-> i.g3857
        LIMIT %(candidates)s
    ) AS c
),
found AS (
    SELECT id, layer_id, distance_m, at,
           CASE WHEN jsonb_typeof(properties -> ('name:' || %(language)s)) = 'string'
                THEN properties ->> ('name:' || %(language)s)
                WHEN jsonb_typeof(properties -> 'name') = 'string'
                THEN properties ->> 'name' END AS name,
           btrim(properties ->> 'capacity') AS capacity
    FROM candidate
    WHERE distance_m <= %(radius_m)s
    ORDER BY distance_m, id
    LIMIT %(limit)s
)
SELECT coalesce(json_agg(json_build_object(
    'type', 'Feature',
    'id', id,
    'geometry', ST_AsGeoJSON(at, 7)::json,
    'properties', json_build_object(
        'layer', layer_id,
        'name', nullif(left(btrim(name), 100), ''),
        'capacity', CASE WHEN capacity ~ '^0*[1-9][0-9]{0,5}(\.0+)?$' THEN capacity::numeric::integer END,
        'distance_m', round(distance_m::numeric, 1),
        -- 10 m steps; 0 says "less than 10 m".
        'distance_rounded_m', CASE WHEN distance_m < 10 THEN 0
                                   ELSE (round(distance_m::numeric / 10) * 10)::integer END
    )) ORDER BY distance_m, id), '[]'::json)::text
FROM found
