-- One batch of the GeoPackage's `photos` table as ogr2ogr reads it from PostgreSQL: the values are in the
-- query itself (geo/exports/photos.py binds them, the thumbnails' JPEG bytes as hexadecimal texts: twice their
-- size, where a bytea array literal writes most bytes as four-character escapes), so no table is
-- written for them and the query runs on a read-only replica too. A batch holds a few megabytes of thumbnails
-- at most; ogr2ogr appends the batches one after the other. `thumbnail` is NULL where the storage has lost
-- the file (the site cannot serve that photo either); the row and its link stay.
SELECT photo.suggestion_id, photo.position, photo.alt_text, photo.url, decode(photo.thumbnail, 'hex') AS thumbnail
FROM unnest(%(suggestion_ids)s::bigint[], %(positions)s::integer[], %(alt_texts)s::text[], %(urls)s::text[],
            %(thumbnails)s::text[])
    AS photo(suggestion_id, position, alt_text, url, thumbnail)
