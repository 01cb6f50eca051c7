-- Forget every cached tile of a layer whose features are being replaced. A statement of its own after
-- context_tile_generation_bump.sql: its later snapshot sees a tile stored just before the bump took its lock.
DELETE FROM geo_context_tile_cache WHERE layer_id = %(layer_id)s;
