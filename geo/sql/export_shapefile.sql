-- One Shapefile (one geometry kind). dBase field names have at most 10 characters, so they are named here
-- rather than cut by GDAL; dBase has no time of day, so times are ISO 8601 text in UTC. Texts longer than
-- 254 bytes are cut by the format itself: PROVENANCE.txt says so and points to the GeoPackage.
SELECT r.id::integer AS id, r.category, r.category_label AS cat_label, r.title, r.text,
       r.moderation_state AS mod_state, r.planning_status AS status, r.official_answer AS answer,
       r.support_count AS supports, r.comment_count AS comments,
       pm_iso_utc(r.created_at) AS created, pm_iso_utc(r.updated_at) AS updated,
       pm_iso_utc(r.answered_at) AS answered, r.geom
FROM (/* rows */) AS r
