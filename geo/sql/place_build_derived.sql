-- Streets that only addresses name (an address list without a street network, or streets beyond the
-- network's extract), one per key: the address nearest their centre to go to, their addresses as the
-- street's extent (its bounding box to show, its nearest address for a suggestion's nearest street).
-- Runs after place_build_insert.sql, so that a street of the network is never a second time. Parameter:
-- project.
INSERT INTO geo_place (project_id, kind, source, name, street, housenumber, postcode, label, geom, extent)
SELECT %(project)s, 'street', 'derived', s.street, s.street, '', '', s.street,
       ST_ClosestPoint(s.points, ST_Centroid(s.points)), s.points
FROM (
    SELECT min(a.street) AS street, ST_Collect(a.geom) AS points
    FROM geo_place AS a
    WHERE a.project_id = %(project)s AND a.kind = 'address'
    GROUP BY geo_place_key(a.street)
) AS s
WHERE NOT EXISTS (
    SELECT FROM geo_place AS p
    WHERE p.project_id = %(project)s AND p.kind <> 'address' AND p.key = geo_place_key(s.street)
      AND p.kind = 'street'
)
