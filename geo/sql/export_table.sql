-- The spreadsheet table (CSV through COPY, XLSX through ogr2ogr): one row per suggestion. Every text a
-- person typed (or an administrator named) goes through pm_spreadsheet_safe, so no cell runs as a formula.
-- lon/lat are filled for points; wkt holds every geometry.
SELECT r.id,
       r.category,
       pm_spreadsheet_safe(r.category_label) AS category_label,
       pm_spreadsheet_safe(r.title) AS title,
       pm_spreadsheet_safe(r.text) AS text,
       r.moderation_state,
       r.planning_status,
       pm_spreadsheet_safe(r.official_answer) AS official_answer,
       r.support_count,
       r.comment_count,
       pm_iso_utc(r.created_at) AS created_at,
       pm_iso_utc(r.updated_at) AS updated_at,
       pm_iso_utc(r.answered_at) AS answered_at,
       CASE WHEN GeometryType(r.geom) = 'POINT' THEN round(ST_X(r.geom)::numeric, 7) END AS lon,
       CASE WHEN GeometryType(r.geom) = 'POINT' THEN round(ST_Y(r.geom)::numeric, 7) END AS lat,
       ST_AsText(r.geom, 7) AS wkt
FROM (/* rows */) AS r
