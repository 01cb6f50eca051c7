-- Keep a freshly built tile, unless a change to the project's data committed (or is still open) since the
-- snapshot it was built from. Run on the primary, in its own short transaction.
--
-- Why this is exact (the race every read-through cache has): a writer's trigger adds 1 to the project's
-- generation and only then deletes the cached tiles it touches (tile_cache_trigger.sql), holding the
-- generation row locked until it commits. The tile was built together with the generation it saw
-- (tile_mvt.sql). Here FOR SHARE SKIP LOCKED reads that row:
-- * a writer still open (the row is locked): no row, nothing is stored;
-- * a writer committed after the build's snapshot: the generation differs, nothing is stored;
-- * a writer whose trigger runs after this statement took its lock: its UPDATE of the generation waits
--   for this transaction's commit, so its DELETE, a later statement with a later snapshot, sees this row
--   and deletes it.
-- A tile built on a replica that lags behind sees an older generation, so it is not stored either.
-- Two readers storing the same tile built from the same generation store the same bytes: the first wins.
WITH guard AS (
    SELECT generation FROM geo_tile_generation WHERE project_id = %(project_id)s FOR SHARE SKIP LOCKED
)
INSERT INTO geo_tile_cache (project_id, z, x, y, layer, etag, mvt)
SELECT %(project_id)s, %(z)s, %(x)s, %(y)s, %(layer)s, %(etag)s, %(mvt)s
FROM guard
WHERE guard.generation = %(generation)s
ON CONFLICT DO NOTHING;
