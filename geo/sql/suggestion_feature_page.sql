-- One keyset page of a project's published suggestions as the features of an RFC 7946 FeatureCollection.
-- Only published suggestions are read (the partial index suggestion_published_by_id serves this), and only
-- public fields leave the database: no author, no e-mail, no moderation data.
-- Reads limit + 1 rows to learn whether a next page exists without counting.
WITH candidate AS (
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
),
page AS (
    SELECT * FROM candidate ORDER BY id LIMIT %(limit)s
)
SELECT
    (SELECT count(*) FROM candidate) > %(limit)s AS has_more,
    (SELECT max(id) FROM page) AS last_id,
    (SELECT count(*) FROM page) AS returned,
    coalesce(
        (SELECT json_agg(
                    json_build_object(
                        'type', 'Feature',
                        'id', id,
                        'geometry', ST_AsGeoJSON(geom, 7)::json,
                        'properties', json_build_object(
                            'id', id,
                            'category', category,
                            'title', title,
                            'text', text,
                            'planning_status', planning_status,
                            'support_count', support_count,
                            'comment_count', comment_count,
                            'created', created_at
                        )
                    ) ORDER BY id)
         FROM page),
        '[]'::json
    )::text AS features
