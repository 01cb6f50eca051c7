-- The API's suggestion list (feature_page.sql frames it): one keyset page of a project's published
-- suggestions, read as the candidates of a page. Only published suggestions are read (the partial index
-- suggestion_published_by_id serves this), and only public fields leave the database: no author, no
-- e-mail, no moderation data.
SELECT s.id, s.geom, c.key AS category, s.title, s.text, s.planning_status,
       s.support_count, s.comment_count, s.created_at
FROM participation_suggestion AS s
JOIN participation_category AS c ON c.id = s.category_id
WHERE s.project_id = %(project_id)s
  AND s.moderation_state = 'published'
  AND s.id > %(after)s
  AND (%(category_ids)s::bigint[] IS NULL OR s.category_id = ANY (%(category_ids)s::bigint[]))
  AND (%(has_bbox)s IS FALSE OR (
        s.geom && ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)
        AND ST_Intersects(s.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326))))
ORDER BY s.id
LIMIT %(limit)s + 1
