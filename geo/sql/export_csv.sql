-- The CSV export's lines (the columns of export_table.sql, quoted as COPY … (FORMAT csv) quotes them),
-- from the suggestion's and its category's stored export pieces (export_fragments.sql). Binary COPY sends
-- each line unchanged; Python writes the header line and drops the format's framing.
COPY (
    SELECT r.id::text || ',' || r.category_csv || r.csv_tail || E'\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
