-- One RFC 7946 Feature per line, each led by a comma, for the body of a FeatureCollection that Python frames
-- (it drops the very first comma). The pieces are the suggestion's and its category's stored export pieces
-- (export_fragments.sql), so a row costs three concatenations. Binary COPY sends each line unchanged
-- (text and CSV formats look at every byte for characters to escape); Python drops the format's framing.
-- The photo links (geo/fields.py photo_1 … photo_3, geo/photo_links.py) go between the category's piece and
-- the tail, as the planners' columns do (export_geojson_analysis.sql): the stored pieces cannot hold them (the
-- site's address is not theirs to know), and a Feature without photos only gets a constant text.
COPY (
    SELECT ',' || r.geojson_head || r.category_geojson
        || CASE WHEN cardinality(r.photo_keys) > 0
                 THEN ',"photo_1":' || to_json(%(photo_url)s::text || r.photo_keys[1] || %(photo_full)s::text)::text
                      || ',"photo_2":' || coalesce(to_json(%(photo_url)s::text || r.photo_keys[2] || %(photo_full)s::text)::text, 'null')
                      || ',"photo_3":' || coalesce(to_json(%(photo_url)s::text || r.photo_keys[3] || %(photo_full)s::text)::text, 'null')
                 ELSE ',"photo_1":null,"photo_2":null,"photo_3":null' END
        || r.geojson_tail || E'\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
