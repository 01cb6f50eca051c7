-- The published photos of a page of the exported suggestions, for the GeoPackage's `photos` table
-- (geo/exports/photos.py): at most `page_size` suggestions with photos, ids above `id_after` (export_rows.sql's
-- own slice), each photo with its position (1, 2, 3: the n of photo_n), description and key, in the
-- suggestions' and the photos' order. Only published photos of published suggestions: export_rows.sql's
-- photo_keys. Each page reads the rows on from `id_after` in id order, so the pages together read them once.
SELECT page.id, k.position::integer, p.alt_text, p.key
FROM (SELECT r.id, r.photo_keys
      FROM (/* rows */) AS r
      WHERE cardinality(r.photo_keys) > 0
      ORDER BY r.id
      LIMIT %(page_size)s) AS page
CROSS JOIN LATERAL unnest(page.photo_keys) WITH ORDINALITY AS k(key, position)
JOIN participation_photo AS p ON p.key = k.key
ORDER BY page.id, k.position
