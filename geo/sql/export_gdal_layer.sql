-- One GeoPackage layer (one geometry kind): the fields of geo/fields.py, each with its own type; the times
-- are GeoPackage DateTime values (the format stores them in UTC; QGIS shows them in local time). Then the
-- coverage analysis (export_rows.sql): names as text, distance and percentage as real numbers; and where
-- it is in words (`place`, the stored geo_suggestion_place). Then the photo links (geo/fields.py photo_1 …
-- photo_3, geo/photo_links.py); the GeoPackage's `photos` table (export_photos.sql) holds their thumbnails.
SELECT r.id, r.category, r.category_label, r.title, r.text, r.moderation_state, r.planning_status,
       r.official_answer, r.support_count, r.comment_count,
       -- To the second, like every other channel.
       date_trunc('second', r.created_at) AS created_at, date_trunc('second', r.updated_at) AS updated_at,
       date_trunc('second', r.answered_at) AS answered_at, r.line_drawing,
       r.nearest_facility, r.facility_distance_m, r.district, r.network_share_percent, r.place,
       CASE WHEN cardinality(r.photo_keys) > 0 THEN %(photo_url)s::text || r.photo_keys[1] || %(photo_full)s::text END AS photo_1,
       CASE WHEN cardinality(r.photo_keys) > 1 THEN %(photo_url)s::text || r.photo_keys[2] || %(photo_full)s::text END AS photo_2,
       CASE WHEN cardinality(r.photo_keys) > 2 THEN %(photo_url)s::text || r.photo_keys[3] || %(photo_full)s::text END AS photo_3,
       r.geom
FROM (/* rows */) AS r
