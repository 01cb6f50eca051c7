-- Keep a freshly built tile of a context layer, unless an import of the layer committed (or is still open)
-- since the snapshot it was built from. Run on the primary, in its own short transaction.
--
-- Exact for the reasons tile_cache_store.sql gives: an import first adds 1 to the layer's generation (its row
-- stays locked until the import commits) and only then, in a later statement, deletes the layer's cached
-- tiles (context_tile_generation_bump.sql, context_tile_cache_forget.sql). FOR SHARE SKIP LOCKED finds no row
-- while an import is open, a different generation after one committed, and an import that bumps after this
-- statement took its lock waits for this commit, so its delete sees this row. A layer never imported has no
-- row, and nothing is stored for it.
WITH guard AS (
    SELECT generation FROM geo_context_tile_generation WHERE layer_id = %(layer_id)s FOR SHARE SKIP LOCKED
)
INSERT INTO geo_context_tile_cache (layer_id, z, x, y, etag, mvt)
SELECT %(layer_id)s, %(z)s, %(x)s, %(y)s, %(etag)s, %(mvt)s
FROM guard
WHERE guard.generation = %(generation)s
ON CONFLICT DO NOTHING;
