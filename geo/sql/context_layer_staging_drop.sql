DROP TABLE IF EXISTS pg_temp.context_layer_staging
