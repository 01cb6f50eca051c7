-- The network's old edges and vertices out, the import's new ones in (pg_temp.network_vertices and
-- network_edges), in one statement. Costs are metres for a bicycle along the edge (cost) and against it
-- (reverse_cost), -1 where a bicycle may not ride that way: pgRouting's convention (negative: no edge).
-- The answer is the count of edges inserted. Parameters: network (the StreetNetwork's id).
WITH old_edges AS (
    DELETE FROM geo_network_edge WHERE network_id = %(network)s
),
old_vertices AS (
    DELETE FROM geo_network_vertex WHERE network_id = %(network)s
),
new_vertices AS (
    INSERT INTO geo_network_vertex (id, network_id, geom)
    SELECT id, %(network)s, ST_SetSRID(ST_MakePoint(x, y), 4326)
    FROM pg_temp.network_vertices
),
new_edges AS (
    INSERT INTO geo_network_edge (
        network_id, source, target, cost, reverse_cost, length_m, bicycle, name, highway, osm_way_id, geom
    )
    SELECT
        %(network)s,
        source,
        target,
        CASE WHEN bicycle AND direction >= 0 THEN length_m ELSE -1 END,
        CASE WHEN bicycle AND direction <= 0 THEN length_m ELSE -1 END,
        length_m,
        bicycle,
        COALESCE(left(name, 200), ''),
        COALESCE(left(highway, 40), ''),
        osm_way_id,
        geom
    FROM pg_temp.network_edges
    -- In the geometries' own order (a space-filling curve): a route's corridor then reads a few neighbouring
    -- pages, not a third of the table (an OSM file lists its ways by id, i.e. by age).
    ORDER BY geom
    RETURNING 1
)
SELECT count(*) FROM new_edges
