-- The CSV export's table: one row per suggestion, the fields of geo/fields.py and then the geometry columns.
-- Every text a person typed (or an administrator named) goes through pm_spreadsheet_safe, so no cell runs as
-- a formula. Times are ISO 8601 with the offset of the site's zone. `lon`/`lat` are the point itself or a
-- point on the line or area, so that a layer read from lon/lat holds every suggestion; `geometry_type` and
-- `wkt` give the real shape. The stored CSV pieces (export_fragments.sql) write exactly this table.
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
       pm_iso_local(r.created_at, %(time_zone)s) AS created_at,
       pm_iso_local(r.updated_at, %(time_zone)s) AS updated_at,
       pm_iso_local(r.answered_at, %(time_zone)s) AS answered_at,
       r.line_drawing,
       r.geometry_kind AS geometry_type,
       round(ST_X(r.anchor)::numeric, 7) AS lon,
       round(ST_Y(r.anchor)::numeric, 7) AS lat,
       ST_AsText(r.geom, 7) AS wkt
FROM (SELECT rows.*, CASE WHEN GeometryType(rows.geom) = 'POINT' THEN rows.geom
                          ELSE ST_PointOnSurface(rows.geom) END AS anchor
      FROM (/* rows */) AS rows) AS r
