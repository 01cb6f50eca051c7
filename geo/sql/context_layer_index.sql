-- The new partition's indexes, built once its rows are in (context_layer_partitions.sql).
SELECT geo_context_layer_index(%(layer)s)
