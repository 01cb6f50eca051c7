-- How many suggestions an export holds per geometry kind: the size of each GDAL layer, for the progress and
-- for deciding whether the export is written at once or by the worker.
SELECT r.geometry_kind, count(*)
FROM (/* rows */) AS r
GROUP BY r.geometry_kind
