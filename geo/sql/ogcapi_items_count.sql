-- numberMatched of an OGC API suggestion collection with bbox, datetime or a filter, counted in PostGIS with a
-- bound: "rows" is ogcapi_items.sql with the conditions an index answers (project, categories, bbox, created_at
-- window, and the filter's AND terms geo/ogcapi/count_selectors.py knows an index for), unordered and at most
-- `limit` + 1 rows; "other terms" are the filter's other terms, checked on those rows only. More than
-- `limit` rows read means the count would cost more than a page: it is left out (None), never guessed.
SELECT count(*) FILTER (WHERE /* other terms */) AS matched, count(*) AS read
FROM (
    /* rows */
) AS s
