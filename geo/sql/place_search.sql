-- Place search (geo.places.selectors.place_search): a project's streets, districts, places and addresses for
-- what someone typed, best first, at most %(limit)s. Parameters: slug and public (true: only a public
-- project's places; false: the project's whether public or not, once the caller has checked the person may
-- search it), q (the raw text; geo_place_key normalises it as it normalised every label), limit. The project
-- is looked up here, not in a query of its own: the search box asks at every keystroke.
--
-- Every step is an index walk of a bounded length, however many addresses the project has:
--   * names (streets, districts, places) whose key starts with the text: the partial B-tree place_name_prefix
--     in key order (text_pattern_ops; keys hold only a-z, 0-9 and spaces, so every key with the prefix lies
--     in [text, text || '{') and LIKE's wildcards never reach a pattern);
--   * names like the text, for typos: the partial trigram GiST place_name_trgm, nearest first by
--     1 - word_similarity (`<->>`), kept above a similarity of 0.5;
--   * when the text ends in a house number ("kaiserstr 12"): the numbers of the best three streets found by
--     the first two steps (those the text begins if there are any), each a range of the B-tree
--     place_address_prefix.
-- Then: addresses, prefixes, similar names; inside the project's area before outside it (nearest first);
-- an exact key first; the more similar, the shorter first.
WITH pr AS MATERIALIZED (
    SELECT id, area FROM participation_project WHERE slug = %(slug)s AND (is_public OR NOT %(public)s)
),
q AS (
    SELECT k AS key,
           coalesce(substring(k FROM '^(.*[a-z].*) [0-9]+[a-z]?$'), k) AS name_key,
           substring(k FROM '^.*[a-z].* ([0-9]+[a-z]?)$') AS number
    FROM geo_place_key(%(q)s) AS k
    WHERE k <> ''
),
prefixed AS (
    SELECT p.id, p.key, p.kind, 0 AS tier, 1.0::float8 AS score
    FROM q
    CROSS JOIN pr
    CROSS JOIN LATERAL (
        SELECT p.id, p.key, p.kind
        FROM geo_place AS p
        WHERE p.project_id = pr.id AND p.kind <> 'address'
          AND p.key ~>=~ q.name_key AND p.key ~<~ (q.name_key || '{')
        ORDER BY p.key USING ~<~
        LIMIT 40
    ) AS p
),
nearby_names AS (
    SELECT s.id, s.key, s.kind, 1 - s.distance AS score, max(1 - s.distance) OVER () AS best
    FROM q
    CROSS JOIN pr
    CROSS JOIN LATERAL (
        SELECT p.id, p.key, p.kind, p.key <->> q.name_key AS distance
        FROM geo_place AS p
        WHERE p.kind <> 'address' AND p.project_id = pr.id
        ORDER BY p.key <->> q.name_key
        LIMIT 40
    ) AS s
    -- Typos only from four characters on: a shorter text is a prefix being typed, and its few trigrams
    -- would make the nearest-first walk long.
    WHERE s.distance < 0.5 AND length(q.name_key) >= 4
),
alike AS (
    -- Streets share their endings ("strasse", "weg"), which alone make many names look half alike: a similar
    -- name counts only if it is nearly as like the text as the likest one (the street with the typo, not
    -- every other "...strasse"), and, once a name begins with the text, only if it holds the text whole
    -- ("west" in "innenstadt west") or is like it as a whole.
    SELECT n.id, n.key, n.kind, 1 AS tier, n.score
    FROM nearby_names AS n, q
    WHERE n.score >= n.best - 0.1
      AND (n.score >= 1 OR NOT EXISTS (SELECT 1 FROM prefixed) OR similarity(n.key, q.name_key) >= 0.5)
),
named AS (
    SELECT id, key, kind, min(tier) AS tier, max(score) AS score
    FROM (SELECT * FROM prefixed UNION ALL SELECT * FROM alike) AS c
    GROUP BY id, key, kind
),
streets AS (
    SELECT n.key, min(n.tier) AS tier, max(n.score) AS score
    FROM named AS n
    WHERE n.kind = 'street' AND (SELECT number FROM q) IS NOT NULL
      -- streets the text begins, if there are any; similar ones only if not
      AND n.tier = (SELECT min(tier) FROM named WHERE kind = 'street')
    GROUP BY n.key
    ORDER BY min(n.tier), max(n.score) DESC, length(n.key)
    LIMIT 3
),
addresses AS (
    SELECT a.id, s.tier AS rank, s.score
    FROM q
    CROSS JOIN pr
    JOIN streets AS s ON true
    CROSS JOIN LATERAL (
        SELECT a.id
        FROM geo_place AS a
        WHERE a.project_id = pr.id AND a.kind = 'address'
          AND a.key ~>=~ (s.key || ' ' || q.number) AND a.key ~<~ (s.key || ' ' || q.number || '{')
        ORDER BY a.key USING ~<~
        LIMIT 20
    ) AS a
),
found AS (
    SELECT id, rank, score FROM addresses
    UNION ALL
    SELECT n.id, n.tier + CASE WHEN q.number IS NULL THEN 0 ELSE 2 END, n.score FROM named AS n, q
)
SELECT p.id, p.kind, p.label, p.street, p.housenumber, p.postcode,
       round(ST_X(p.geom)::numeric, 7)::float8 AS lon, round(ST_Y(p.geom)::numeric, 7)::float8 AS lat,
       CASE WHEN p.extent IS NOT NULL THEN ARRAY[
           round(ST_XMin(p.extent)::numeric, 7)::float8, round(ST_YMin(p.extent)::numeric, 7)::float8,
           round(ST_XMax(p.extent)::numeric, 7)::float8, round(ST_YMax(p.extent)::numeric, 7)::float8
       ] END AS bbox,
       w.inside
FROM (SELECT id, min(rank) AS rank, max(score) AS score FROM found GROUP BY id) AS f
JOIN geo_place AS p ON p.id = f.id
CROSS JOIN q
CROSS JOIN pr
CROSS JOIN LATERAL (SELECT ST_Intersects(pr.area, p.geom) AS inside, ST_Distance(pr.area, p.geom) AS away) AS w
ORDER BY f.rank, w.inside DESC, w.away, (p.key = q.key) DESC, f.score DESC, length(p.key), p.label, p.id
LIMIT %(limit)s
