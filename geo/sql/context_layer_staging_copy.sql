-- The GeoJSONSeq lines as they are. CSV with quote and delimiter bytes that JSON text never holds unescaped
-- (control characters are \u-escaped in JSON strings): each line is one value, no byte of it interpreted.
COPY pg_temp.context_layer_staging (doc) FROM STDIN (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
