-- The KML document: every kind in one folder (KML mixes geometry types freely), written by GDAL's LIBKML
-- driver, which does the XML escaping. The fields are geo/fields.py's; `title` is the placemark's `name` and
-- `text` its `description` (the label and balloon text in Google Earth and QGIS).
-- Viewers render name, description and ExtendedData values as HTML in the balloon, so every text a person
-- typed (or an administrator named) is HTML-escaped: markup shows as typed and never runs.
-- `created_at` becomes the placemark's TimeStamp (ogr2ogr gets LIBKML_TIMESTAMP_FIELD=created_at and a
-- session in the site's zone, so `<when>` carries its offset); the other times are ISO 8601 text with the
-- offset, as KML's ExtendedData has no date type. KML has no 64-bit integers: ids as integers. The coverage
-- analysis's columns (export_rows.sql) and `place` come last; names and addresses come from imported data:
-- HTML-escaped too.
-- A suggestion's published photos show in the balloon as thumbnails (the small rendition) after its text, each
-- a link to the full photo and with its description as alt text, escaped like every text; the links follow
-- as photo_1 … photo_3 (geo/fields.py). Their descriptions are looked up by key (the photo table's unique
-- index) for the suggestions that have photos only: KML is for small selections.
SELECT pm_html_text(r.title) AS name,
       CASE WHEN cardinality(r.photo_keys) > 0 THEN
                concat(pm_html_text(r.text),
                       (SELECT string_agg(
                                   '<p><a href="' || pm_html_text(%(photo_url)s::text || p.key || %(photo_full)s::text)
                                   || '"><img src="' || pm_html_text(%(photo_url)s::text || p.key || %(photo_small)s::text)
                                   || '" alt="' || pm_html_text(p.alt_text) || '"></a></p>', '' ORDER BY k.position)
                        FROM unnest(r.photo_keys) WITH ORDINALITY AS k(key, position)
                        JOIN participation_photo AS p ON p.key = k.key))
            ELSE pm_html_text(r.text)
       END AS description,
       r.id::integer AS id,
       r.category,
       pm_html_text(r.category_label) AS category_label,
       r.moderation_state,
       r.planning_status,
       pm_html_text(r.official_answer) AS official_answer,
       r.support_count,
       r.comment_count,
       date_trunc('second', r.created_at) AS created_at,
       pm_iso_local(r.updated_at, %(time_zone)s) AS updated_at,
       pm_iso_local(r.answered_at, %(time_zone)s) AS answered_at,
       r.line_drawing,  -- routed or free (a CHECK constraint's closed list): nothing to escape
       pm_html_text(r.nearest_facility) AS nearest_facility,
       r.facility_distance_m,
       pm_html_text(r.district) AS district,
       r.network_share_percent,
       pm_html_text(r.place) AS place,
       CASE WHEN cardinality(r.photo_keys) > 0 THEN pm_html_text(%(photo_url)s::text || r.photo_keys[1] || %(photo_full)s::text) END AS photo_1,
       CASE WHEN cardinality(r.photo_keys) > 1 THEN pm_html_text(%(photo_url)s::text || r.photo_keys[2] || %(photo_full)s::text) END AS photo_2,
       CASE WHEN cardinality(r.photo_keys) > 2 THEN pm_html_text(%(photo_url)s::text || r.photo_keys[3] || %(photo_full)s::text) END AS photo_3,
       r.geom
FROM (/* rows */) AS r
