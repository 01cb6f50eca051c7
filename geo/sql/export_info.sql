-- The GeoPackage's `export_info` table: the provenance as key/value rows.
SELECT key, value FROM unnest(%(keys)s::text[], %(values)s::text[]) AS info(key, value)
