-- An import is about to replace the layer's features: add 1 to its tile generation (creating the row on the
-- first import). The row stays locked until the import's transaction ends, so no tile built meanwhile is
-- stored (context_tile_cache_store.sql). Run before context_tile_cache_forget.sql, as its own statement.
INSERT INTO geo_context_tile_generation (layer_id, generation)
VALUES (%(layer_id)s, 1)
ON CONFLICT (layer_id) DO UPDATE SET generation = geo_context_tile_generation.generation + 1;
