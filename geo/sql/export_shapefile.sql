-- One Shapefile (one geometry kind): the fields of geo/fields.py under their dBase names of at most 10
-- characters (named here rather than cut by GDAL). dBase has dates but no time of day: times are ISO 8601
-- text with the offset of the site's zone, as in GeoJSON and CSV. Texts longer than 254 bytes are cut by the
-- format itself: PROVENANCE.txt says so and points to the GeoPackage. The coverage analysis's columns
-- (export_rows.sql) follow under their dBase names, the distance and percentage as real numbers, then `place`,
-- then the photo links (geo/fields.py photo_1 … photo_3, names of 7 characters; a link is far below 254 bytes).
SELECT r.id::integer AS id, r.category, r.category_label AS cat_label, r.title, r.text,
       r.moderation_state AS mod_state, r.planning_status AS status, r.official_answer AS answer,
       r.support_count AS supports, r.comment_count AS comments,
       pm_iso_local(r.created_at, %(time_zone)s) AS created, pm_iso_local(r.updated_at, %(time_zone)s) AS updated,
       pm_iso_local(r.answered_at, %(time_zone)s) AS answered, r.line_drawing AS drawing,
       r.nearest_facility AS facility, r.facility_distance_m AS fac_dist_m, r.district,
       r.network_share_percent AS network_pc, r.place,
       CASE WHEN cardinality(r.photo_keys) > 0 THEN %(photo_url)s::text || r.photo_keys[1] || %(photo_full)s::text END AS photo_1,
       CASE WHEN cardinality(r.photo_keys) > 1 THEN %(photo_url)s::text || r.photo_keys[2] || %(photo_full)s::text END AS photo_2,
       CASE WHEN cardinality(r.photo_keys) > 2 THEN %(photo_url)s::text || r.photo_keys[3] || %(photo_full)s::text END AS photo_3,
       r.geom
FROM (/* rows */) AS r
