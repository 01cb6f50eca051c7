-- The suggestions the map draws for a viewport when they are few enough to send one by one.
--
-- Invariants:
-- * Only published suggestions, and only public fields: no author, no e-mail, no display name, no text
--   (the map shows a title; the detail comes from the suggestion's own endpoint).
-- * geom && box is served by the GiST index on geom; ST_Intersects keeps a line only when it really crosses
--   the viewport, not merely its bounding box.
-- * Bounded output: at most max_features, those nearest the viewport's centre, and at most max_bytes of
--   feature text (long lines and titles); `truncated` says something was left out. Nearest first because
--   the GiST index yields rows in that order within the box (an index-ordered scan that stops after
--   max_features + 1 matches), so a dense viewport costs what a sparse one does; "lowest ids" had to read
--   and sort every suggestion in the box (make bench, z17 over a hotspot of 61,000: 231 ms against 19 ms).
--   The answer is stable all the same, and the features are sent in id order.
-- * `statuses` filters by planning status (NULL: all). The cluster cells have no status dimension, so a
--   status filter is applied here only; see geo/selectors.py map_viewport for what low zooms get.
-- * Compact JSON text (see map_clusters.sql); every string passes through to_json() for escaping.
-- * `photo`: the key of the first published photo (photo_keys, kept by the database: a column read, no
--   join), absent when there is none. Its description is the popup's to fetch when it opens.
WITH candidate AS (
    SELECT s.id, s.geom, s.category_id, s.title, s.planning_status, s.support_count, s.comment_count,
           s.photo_keys[1] AS photo,
           s.geom <-> ST_Centroid(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326))
               AS distance
    FROM participation_suggestion AS s
    WHERE s.project_id = %(project_id)s
      AND s.moderation_state = 'published'
      AND (%(category_ids)s::bigint[] IS NULL OR s.category_id = ANY (%(category_ids)s::bigint[]))
      AND (%(statuses)s::text[] IS NULL OR s.planning_status = ANY (%(statuses)s::text[]))
      AND s.geom && ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)
      AND ST_Intersects(s.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326))
    ORDER BY distance
    LIMIT %(max_features)s + 1
),
head AS (
    -- Ranked by nearness for the cut below (count and bytes); sent in id order. Each feature's text but its
    -- place label, and how many bytes the features up to it take without labels.
    SELECT h.*, sum(octet_length(h.text) + 3) OVER (ORDER BY h.rank ROWS UNBOUNDED PRECEDING) AS bytes
    FROM (
        SELECT row_number() OVER (ORDER BY s.distance, s.id) AS rank, s.id,
               '{"type":"Feature","id":' || s.id
               || ',"geometry":' || ST_AsGeoJSON(s.geom, 6)
               || ',"properties":{"id":' || s.id
               || ',"category":' || to_json(c.key)::text
               || ',"title":' || to_json(s.title)::text
               || ',"planning_status":' || to_json(s.planning_status)::text
               || ',"support_count":' || s.support_count
               || ',"comment_count":' || s.comment_count
               || coalesce(',"photo":' || to_json(s.photo)::text, '') AS text
        FROM candidate AS s
        JOIN participation_category AS c ON c.id = s.category_id
    ) AS h
),
feature AS (
    -- Where it is in words (geo_suggestion_place, kept by place_label_trigger.sql), when the project has a
    -- gazetteer: "Kaiserstraße 12, Innenstadt-West". Looked up only for the features that fit without
    -- labels: a label only adds bytes, so no feature past that cut is kept with one (a dense viewport
    -- looked up 1,001 labels to send some 460).
    SELECT h.rank, h.id,
           h.text
           || coalesce(',"place":' || to_json(nullif(concat_ws(', ',
                  nullif(coalesce(nullif(g.address, ''), g.street), ''), nullif(g.district, '')), ''))::text, '')
           || '}}' AS text
    FROM head AS h
    LEFT JOIN geo_suggestion_place AS g ON g.suggestion_id = h.id
    WHERE h.rank <= %(max_features)s AND h.bytes <= %(max_bytes)s
),
kept AS (
    SELECT rank, id, text,
           sum(octet_length(text) + 1) OVER (ORDER BY rank ROWS UNBOUNDED PRECEDING) <= %(max_bytes)s AS kept
    FROM feature
)
SELECT count(*) FILTER (WHERE kept) AS returned,
       coalesce(bool_or(NOT kept), false) OR (SELECT count(*) FROM head) > count(*) AS truncated,
       '[' || coalesce(string_agg(text, ',' ORDER BY id) FILTER (WHERE kept), '') || ']' AS features
FROM kept;
