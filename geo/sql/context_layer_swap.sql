-- The old partition out, the new one in (context_layer_partitions.sql), waiting at most lock_wait for the
-- feature table.
SELECT geo_context_layer_swap(%(layer)s, %(lock_wait)s)
