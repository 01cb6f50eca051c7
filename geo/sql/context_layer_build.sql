-- The layer's new partition, empty, and pg_temp.context_layer_incoming onto it (context_layer_partitions.sql).
SELECT geo_context_layer_build(%(layer)s)
