-- The XLSX worksheet: the columns of the CSV's table (export_table.sql), with real date-time cells. A
-- worksheet has no time zones: the times are the wall-clock time of the site's zone, as every page shows them,
-- to the second like every other channel. A planner's worksheet, so the coverage analysis's columns follow
-- (export_rows.sql) and `place`, as in the planner's CSV (export_csv_analysis.sql); names made inert like
-- every text.
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
       date_trunc('second', r.created_at AT TIME ZONE %(time_zone)s) AS created_at,
       date_trunc('second', r.updated_at AT TIME ZONE %(time_zone)s) AS updated_at,
       date_trunc('second', r.answered_at AT TIME ZONE %(time_zone)s) AS answered_at,
       r.line_drawing,
       r.geometry_kind AS geometry_type,
       round(ST_X(r.anchor)::numeric, 7) AS lon,
       round(ST_Y(r.anchor)::numeric, 7) AS lat,
       ST_AsText(r.geom, 7) AS wkt,
       pm_spreadsheet_safe(r.nearest_facility) AS nearest_facility,
       r.facility_distance_m,
       pm_spreadsheet_safe(r.district) AS district,
       r.network_share_percent,
       pm_spreadsheet_safe(r.place) AS place,
       -- The photo links last, as in the CSV (export_csv.sql): URLs of the site, nothing a spreadsheet runs.
       CASE WHEN cardinality(r.photo_keys) > 0 THEN %(photo_url)s::text || r.photo_keys[1] || %(photo_full)s::text END AS photo_1,
       CASE WHEN cardinality(r.photo_keys) > 1 THEN %(photo_url)s::text || r.photo_keys[2] || %(photo_full)s::text END AS photo_2,
       CASE WHEN cardinality(r.photo_keys) > 2 THEN %(photo_url)s::text || r.photo_keys[3] || %(photo_full)s::text END AS photo_3
FROM (SELECT rows.*, CASE WHEN GeometryType(rows.geom) = 'POINT' THEN rows.geom
                          ELSE ST_PointOnSurface(rows.geom) END AS anchor
      FROM (/* rows */) AS rows) AS r
