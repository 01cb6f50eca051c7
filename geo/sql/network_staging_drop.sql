-- The import's temporary tables (besides context_layer_staging): gone with the transaction anyway, dropped
-- early when the import ran in a caller's transaction (a savepoint), so a second import there can make them.
DROP TABLE IF EXISTS pg_temp.network_edges, pg_temp.network_vertices, pg_temp.network_points, pg_temp.network_ways
