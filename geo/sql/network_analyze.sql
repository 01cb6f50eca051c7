-- Statistics of the import's temporary tables (autovacuum never analyses them): the edges' joins are then
-- planned as hash joins, not as nested loops over a table thought to be empty.
ANALYZE pg_temp.network_ways, pg_temp.network_points, pg_temp.network_vertices
