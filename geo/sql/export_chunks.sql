-- Where a GDAL layer is cut into parts: the id ending each part of chunk_rows rows. ogr2ogr cannot
-- report progress on a query, so the worker writes a large layer part by part and counts the parts.
SELECT numbered.id
FROM (SELECT r.id, row_number() OVER () AS n FROM (/* rows */) AS r) AS numbered
WHERE mod(numbered.n, %(chunk_rows)s) = 0
ORDER BY numbered.id
