-- Each tapped point's nearest edge open to bicycles in one network, and where along it the point falls:
-- the place the route starts, passes or ends. One row per point, in the order given (seq from 1); edge_id
-- is NULL when the network has no bicycle edge at all.
--
-- A point on a crossing lies at the very end of an edge (fraction 0 or 1), where pgr_withPoints finds no route
-- from it: the fraction stays a hair inside the edge (`inset`, well under a millimetre on a city's edges).
--
-- The KNN order (<-> on geom_3857, the GiST index) is Web Mercator's; a few candidates are then measured on
-- the ellipsoid, since the Mercator order of nearly equal distances can differ from the true one.
WITH tapped AS (
    SELECT t.seq, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t(lon, lat, seq)
)
SELECT
    t.seq,
    nearest.id AS edge_id,
    least(greatest(ST_LineLocatePoint(nearest.geom, t.geom), %(inset)s), 1 - %(inset)s) AS fraction,
    nearest.distance_m,
    -- Where on the street the point lies (where the page moves its marker to).
    round(ST_X(ST_ClosestPoint(nearest.geom, t.geom))::numeric, 7)::float8 AS lon,
    round(ST_Y(ST_ClosestPoint(nearest.geom, t.geom))::numeric, 7)::float8 AS lat
FROM tapped AS t
LEFT JOIN LATERAL (
    SELECT c.id, c.geom, ST_Distance(c.geom::geography, t.geom::geography) AS distance_m
    FROM (
        SELECT e.id, e.geom
        FROM geo_network_edge AS e
        WHERE e.network_id = %(network)s AND e.bicycle
        ORDER BY e.geom_3857 <-> ST_Transform(t.geom, 3857)
        LIMIT %(candidates)s
    ) AS c
    ORDER BY distance_m, c.id
    LIMIT 1
) AS nearest ON true
ORDER BY t.seq
