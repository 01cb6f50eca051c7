-- The network's tables for this import's writes (what its DELETE and INSERTs take anyway, taken first), waiting
-- at most 50 ms: only a schema change or a table-wide lock can hold them, and a map read that comes meanwhile
-- must not queue behind a waiting import. The import tries again in a fresh savepoint after a timeout.
SET LOCAL lock_timeout = '50ms';
LOCK TABLE geo_street_network, geo_network_vertex, geo_network_edge IN ROW EXCLUSIVE MODE;
SET LOCAL lock_timeout = DEFAULT
