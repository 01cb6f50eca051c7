-- Suggested paths (lines of a category with existing lines, e.g. the cycle network) and the share of their
-- length along what exists, most supported first; with the count and the length-weighted share of all.
WITH paths AS (
    SELECT s.id, s.title, s.support_count, s.category_id, a.network_share,
           ST_Length(s.geom::geography) AS length_m
    FROM geo_suggestion_analysis AS a
    JOIN participation_suggestion AS s ON s.id = a.suggestion_id
    WHERE a.project_id = %(project_id)s AND s.moderation_state = 'published' AND a.network_share IS NOT NULL
)
SELECT p.id, p.title, p.support_count, p.category_id, p.network_share, p.length_m,
       count(*) OVER () AS total,
       sum(p.network_share * p.length_m) OVER () / nullif(sum(p.length_m) OVER (), 0) AS overall_share
FROM paths AS p
ORDER BY p.support_count DESC, p.id
LIMIT %(limit)s
