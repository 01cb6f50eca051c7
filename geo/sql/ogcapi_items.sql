-- One keyset page of an OGC API collection: a project's published suggestions in the collection's categories
-- (those of one geometry kind), as the features of a GeoJSON FeatureCollection written by PostGIS.
--
-- Only published suggestions are read, and only public fields leave the database: no author, no public name,
-- no e-mail, no address hash, no moderation data. The caller resolves the project (public only) and the
-- category ids; `category_labels` maps those ids to their labels in the request's language.
--
-- Paging is keyset: ids above `after`, ascending, `limit` + 1 rows read to learn whether a next page exists
-- without counting. Whatever the depth, PostgreSQL starts at `after` in an id-ordered index
-- (suggestion_published_by_id or the primary key) and stops after limit + 1 matches; for a rare category,
-- a small bbox or a narrow time window the planner takes the category, spatial or created_at index and sorts
-- only what matches. `feature_id` (optional) narrows the page to one feature, for the single-item resource.
WITH candidate AS (
    SELECT s.id, s.geom, s.category_id, s.title, s.text, s.planning_status, s.official_answer,
           s.support_count, s.comment_count, s.created_at, s.updated_at, s.answered_at
    FROM participation_suggestion AS s
    WHERE s.project_id = %(project_id)s
      AND s.moderation_state = 'published'
      AND s.category_id = ANY (%(category_ids)s::bigint[])
      AND s.id > %(after)s
      AND (%(feature_id)s::bigint IS NULL OR s.id = %(feature_id)s::bigint)
      AND (%(has_bbox)s IS FALSE OR (
            s.geom && ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)
            AND ST_Intersects(s.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326))))
      AND (%(created_from)s::timestamptz IS NULL OR s.created_at >= %(created_from)s::timestamptz)
      AND (%(created_before)s::timestamptz IS NULL OR s.created_at < %(created_before)s::timestamptz)
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
                        -- Every feature has every property (null when empty): GDAL and QGIS take a layer's
                        -- fields from the first page, and a field missing there is lost for all pages.
                        -- The names and meanings are geo/fields.py's, as in the exports and tiles.
                        'properties', json_build_object(
                            'id', id,
                            'category', %(category_labels)s::jsonb -> category_id::text -> 'key',
                            'category_label', %(category_labels)s::jsonb -> category_id::text -> 'label',
                            'title', title,
                            'text', nullif(text, ''),
                            'planning_status', planning_status,
                            'official_answer', nullif(official_answer, ''),
                            'support_count', support_count,
                            'comment_count', comment_count,
                            -- RFC 3339 to the second (the precision `datetime` filters at), with the offset
                            -- of the site's zone, as in the exports.
                            'created_at', pm_iso_local(created_at, %(time_zone)s),
                            'updated_at', pm_iso_local(updated_at, %(time_zone)s),
                            'answered_at', pm_iso_local(answered_at, %(time_zone)s)
                        )
                    ) ORDER BY id)
         FROM page),
        '[]'::json
    )::text AS features
