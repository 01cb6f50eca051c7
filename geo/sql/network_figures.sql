-- What an import found, for its report: lines read, ways taken, skipped ways per reason (and the highway kinds
-- of those skipped as another kind), edges, vertices, kilometres in all and open to bicycles, and how many
-- vertices the largest connected part of the network holds (all edges, either way: pgRouting's components of
-- the undirected graph).
SELECT
    (SELECT count(*) FROM pg_temp.context_layer_staging) AS read,
    (SELECT count(*) FROM pg_temp.network_ways WHERE skipped IS NULL) AS taken,
    (
        SELECT COALESCE(jsonb_object_agg(skipped, k), '{}')
        FROM (SELECT skipped, count(*) AS k FROM pg_temp.network_ways WHERE skipped IS NOT NULL GROUP BY 1) AS s
    ) AS skipped,
    (
        SELECT COALESCE(jsonb_object_agg(highway, k), '{}')
        FROM (
            SELECT left(highway, 40) AS highway, count(*) AS k
            FROM pg_temp.network_ways
            WHERE skipped IN ('other-kind', 'not-built')
            GROUP BY 1
        ) AS s
    ) AS skipped_kinds,
    (SELECT count(*) FROM pg_temp.network_edges) AS edges,
    (SELECT count(*) FROM pg_temp.network_vertices) AS vertices,
    (SELECT COALESCE(sum(length_m), 0) / 1000 FROM pg_temp.network_edges) AS km,
    (SELECT COALESCE(sum(length_m) FILTER (WHERE bicycle), 0) / 1000 FROM pg_temp.network_edges) AS km_bicycle,
    (
        SELECT COALESCE(max(n), 0)
        FROM (
            SELECT count(*) AS n
            FROM pgr_connectedComponents(
                'SELECT row_number() OVER () AS id, source, target, 1.0::float8 AS cost,'
                ' 1.0::float8 AS reverse_cost FROM pg_temp.network_edges'
            )
            GROUP BY component
        ) AS c
    ) AS largest_component
