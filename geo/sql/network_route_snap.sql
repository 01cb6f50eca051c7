-- Each tapped point's nearest edge open to bicycles in the project's network, and where along it the point
-- falls: the place the route starts, passes or ends. One row per point, in the order given (seq from 1), with
-- the network's id (looked up here, not in a query of its own: a page asks at every drag of a point); no row
-- when the project has no network whose import finished; edge_id NULL when it has no bicycle edge at all.
--
-- A point on a crossing lies at the very end of an edge (fraction 0 or 1), where pgr_withPoints finds no route
-- from it: the fraction stays a hair inside the edge (`inset`, well under a millimetre on a city's edges).
--
-- A street of the connected network within reach (`snap_m`) goes before a nearer edge of a small part cut off
-- from it (`stranded`, network_stranded.sql: from there no route would be found); with none within reach, the
-- nearest edge of any part.
--
-- The KNN order (<-> on geom_3857, the GiST index) is Web Mercator's; a few candidates of each kind are then
-- measured on the ellipsoid, since the Mercator order of nearly equal distances can differ from the true one.
WITH network AS MATERIALIZED (
    SELECT id FROM geo_street_network WHERE project_id = %(project)s AND imported_at IS NOT NULL
),
tapped AS (
    SELECT t.seq, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t(lon, lat, seq)
)
SELECT
    t.seq,
    n.id AS network_id,
    nearest.id AS edge_id,
    least(greatest(ST_LineLocatePoint(nearest.geom, t.geom), %(inset)s), 1 - %(inset)s) AS fraction,
    nearest.distance_m,
    -- Where on the street the point lies (where the page moves its marker to).
    round(ST_X(ST_ClosestPoint(nearest.geom, t.geom))::numeric, 7)::float8 AS lon,
    round(ST_Y(ST_ClosestPoint(nearest.geom, t.geom))::numeric, 7)::float8 AS lat
FROM tapped AS t
CROSS JOIN network AS n
LEFT JOIN LATERAL (
    SELECT c.id, c.geom, c.distance_m
    FROM (
        SELECT k.id, k.geom, k.stranded, ST_Distance(k.geom::geography, t.geom::geography) AS distance_m
        FROM (
            (
                SELECT e.id, e.geom, e.stranded
                FROM geo_network_edge AS e
                WHERE e.network_id = n.id AND e.bicycle
                ORDER BY e.geom_3857 <-> ST_Transform(t.geom, 3857)
                LIMIT %(candidates)s
            )
            UNION
            (
                SELECT e.id, e.geom, e.stranded
                FROM geo_network_edge AS e
                WHERE e.network_id = n.id AND e.bicycle AND NOT e.stranded
                ORDER BY e.geom_3857 <-> ST_Transform(t.geom, 3857)
                LIMIT %(candidates)s
            )
        ) AS k
    ) AS c
    ORDER BY c.stranded OR c.distance_m > %(snap_m)s, c.distance_m, c.id
    LIMIT 1
) AS nearest ON true
ORDER BY t.seq
