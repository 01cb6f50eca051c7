-- Street names of one network's edges open to bicycles matching what a person types, for the form "along
-- <street> from … to …": names starting with the text first, then names containing it, then similar names
-- (pg_trgm, for small typos); case, accents and ß/ss folded by unaccent. `like` is the text with LIKE's
-- wildcards escaped, so they match only themselves.
WITH typed AS (
    SELECT lower(unaccent(%(q)s)) AS q, lower(unaccent(%(like)s)) AS pattern
),
names AS (
    SELECT DISTINCT e.name
    FROM geo_network_edge AS e
    WHERE e.network_id = %(network)s AND e.bicycle AND e.name <> ''
),
scored AS (
    SELECT n.name,
           f.folded LIKE typed.pattern || '%%' AS starts,
           f.folded LIKE '%%' || typed.pattern || '%%' AS contains,
           word_similarity(typed.q, f.folded) AS likeness
    FROM names AS n
    CROSS JOIN typed
    CROSS JOIN LATERAL (SELECT lower(unaccent(replace(n.name, '.', ' '))) AS folded) AS f
)
SELECT s.name
FROM scored AS s
WHERE s.starts OR s.contains OR s.likeness >= 0.5
ORDER BY s.starts DESC, s.contains DESC, s.likeness DESC, s.name
LIMIT %(limit)s
