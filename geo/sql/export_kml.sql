-- The KML document: every kind in one folder (KML mixes geometry types freely). `name` and `description`
-- are the placemark's label and balloon text in Google Earth and QGIS; the rest becomes ExtendedData.
-- KML has no 64-bit integers or time zones: ids as integers, times as ISO 8601 text in UTC.
-- Viewers render `description` as HTML, so the text is escaped: markup a person typed shows as typed.
SELECT r.title AS name,
       replace(replace(replace(r.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') AS description, r.id::integer AS id, r.category, r.category_label,
       r.moderation_state, r.planning_status, r.official_answer, r.support_count, r.comment_count,
       pm_iso_utc(r.created_at) AS created_at, pm_iso_utc(r.updated_at) AS updated_at,
       pm_iso_utc(r.answered_at) AS answered_at, r.geom
FROM (/* rows */) AS r
