-- One RFC 7946 Feature per line, each led by a comma, for the body of a FeatureCollection that Python frames
-- (it drops the very first comma). The pieces are the suggestion's and its category's stored export pieces
-- (export_fragments.sql), so a row costs three concatenations. Binary COPY sends each line unchanged
-- (text and CSV formats look at every byte for characters to escape); Python drops the format's framing.
COPY (
    SELECT ',' || r.geojson_head || r.category_geojson || r.geojson_tail || E'\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
