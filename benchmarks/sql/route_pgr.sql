-- pgRouting alone, for the routing rows' reference figures (benchmarks/route_scenario.py): a bicycle's
-- shortest path between the network's crossings nearest two points (pgr_dijkstra, directed: negative costs
-- are not ridden), its length and its line as GeoJSON. The edges pgRouting reads are the whole network, or
-- with `corridor_m` only those within that many metres of the straight line between the two points (the GiST
-- index on geom_3857 finds them). Parameters: network_id, from_lon, from_lat, to_lon, to_lat, corridor_m (or
-- NULL).
WITH ends AS (
    SELECT (SELECT v.id FROM geo_network_vertex AS v WHERE v.network_id = %(network_id)s
            ORDER BY v.geom <-> ST_SetSRID(ST_MakePoint(%(from_lon)s, %(from_lat)s), 4326) LIMIT 1) AS source,
           (SELECT v.id FROM geo_network_vertex AS v WHERE v.network_id = %(network_id)s
            ORDER BY v.geom <-> ST_SetSRID(ST_MakePoint(%(to_lon)s, %(to_lat)s), 4326) LIMIT 1) AS target
),
edges_sql AS (
    SELECT format(
        'SELECT id, source, target, cost, reverse_cost FROM geo_network_edge WHERE network_id = %%s',
        %(network_id)s::bigint
    ) || CASE WHEN %(corridor_m)s::float8 IS NULL THEN '' ELSE format(
        -- Web Mercator metres are real metres / cos(latitude)
        ' AND ST_DWithin(geom_3857, ST_Transform(ST_MakeLine(ST_SetSRID(ST_MakePoint(%%s, %%s), 4326), '
        'ST_SetSRID(ST_MakePoint(%%s, %%s), 4326)), 3857), %%s)',
        %(from_lon)s::float8, %(from_lat)s::float8, %(to_lon)s::float8, %(to_lat)s::float8,
        %(corridor_m)s::float8 / cos(radians((%(from_lat)s::float8 + %(to_lat)s::float8) / 2))
    ) END AS text
),
path AS (
    SELECT r.seq, r.edge
    FROM ends, edges_sql, pgr_dijkstra(edges_sql.text, ends.source, ends.target, true) AS r
    WHERE r.edge > 0
)
SELECT count(*) AS edges, coalesce(sum(e.length_m), 0) AS length_m,
       ST_AsGeoJSON(ST_LineMerge(ST_Collect(e.geom ORDER BY p.seq)), 6) AS geojson
FROM path AS p
JOIN geo_network_edge AS e ON e.id = p.edge;
