-- Gaps: places of unmet demand, i.e. published suggestions of a category that has existing facilities but
-- none within the project's coverage distance. Grouped in squares as wide as that distance (Web Mercator
-- cells scaled by 1/cos(latitude) of the project's centre), ranked by supports, then by count.
WITH settings AS (
    SELECT p.coverage_distance_m / cos(radians(ST_Y(p.map_center))) AS cell
    FROM participation_project AS p WHERE p.id = %(project_id)s
),
unmet AS (
    SELECT s.id, s.title, s.support_count, s.category_id, a.facility_distance_m,
           ST_Transform(geo_suggestion_anchor(s.geom), 3857) AS anchor
    FROM geo_suggestion_analysis AS a
    JOIN participation_suggestion AS s ON s.id = a.suggestion_id
    JOIN participation_project AS p ON p.id = a.project_id
    WHERE a.project_id = %(project_id)s AND s.moderation_state = 'published'
      AND a.facility_distance_m > p.coverage_distance_m
),
cells AS (
    SELECT floor(ST_X(u.anchor) / settings.cell) AS cx, floor(ST_Y(u.anchor) / settings.cell) AS cy,
           u.*
    FROM unmet AS u CROSS JOIN settings
)
SELECT count(*) AS suggestions, sum(c.support_count) AS supports,
       ST_X(ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(c.anchor)), avg(ST_Y(c.anchor))), 3857), 4326)) AS lon,
       ST_Y(ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(c.anchor)), avg(ST_Y(c.anchor))), 3857), 4326)) AS lat,
       min(c.facility_distance_m) AS nearest_m,
       mode() WITHIN GROUP (ORDER BY c.category_id) AS category_id,
       (array_agg(c.id ORDER BY c.support_count DESC, c.id))[1:5] AS ids,
       (array_agg(c.title ORDER BY c.support_count DESC, c.id))[1:5] AS titles
FROM cells AS c
GROUP BY c.cx, c.cy
ORDER BY supports DESC, suggestions DESC, lat DESC, lon
LIMIT %(limit)s
