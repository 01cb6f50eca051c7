-- The CSV export's lines (the columns of export_table.sql, quoted as COPY … (FORMAT csv) quotes them),
-- from the suggestion's and its category's stored export pieces (export_fragments.sql). Binary COPY sends
-- each line unchanged; Python writes the header line and drops the format's framing.
-- The photo links (geo/fields.py photo_1 … photo_3, geo/photo_links.py) are the last three cells, after the
-- geometry columns: the stored pieces cannot hold them (the site's address is not theirs to know), and a line
-- without photos only gets three empty cells. A link's pieces come already quoted for CSV where the site's
-- address needs it (geo/photo_links.py), so no line calls pm_csv_cell for them.
COPY (
    SELECT r.id::text || ',' || r.category_csv || r.csv_tail
        || CASE WHEN cardinality(r.photo_keys) > 0
             THEN ',' || coalesce(%(photo_csv_url)s::text || r.photo_keys[1] || %(photo_csv_full)s::text, '')
                  || ',' || coalesce(%(photo_csv_url)s::text || r.photo_keys[2] || %(photo_csv_full)s::text, '')
                  || ',' || coalesce(%(photo_csv_url)s::text || r.photo_keys[3] || %(photo_csv_full)s::text, '')
             ELSE ',,,' END
        || E'\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
