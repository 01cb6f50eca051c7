-- The floor of the per-district figures: computed straight from the suggestions, as a page view would without
-- a kept result. Every published suggestion of the project joined to the districts that hold its anchor (the
-- GiST index on the districts' geometries), the smallest of them kept (nested districts count once), then
-- the suggestions and supports per district with its name; 0 for what lies in no district.
WITH district AS (
    SELECT f.id, coalesce(nullif(f.properties ->> 'name', ''), f.id::text) AS name,
           ST_Area(f.geom::geography) AS area
    FROM geo_context_feature AS f
    WHERE f.layer_id = geo_districts_layer(%(project_id)s)
),
placed AS (
    SELECT DISTINCT ON (s.id) s.id, s.support_count, d.id AS district_id
    FROM participation_suggestion AS s
    LEFT JOIN geo_context_feature AS f
        ON f.layer_id = geo_districts_layer(%(project_id)s)
       AND ST_Intersects(f.geom, geo_suggestion_anchor(s.geom))
    LEFT JOIN district AS d ON d.id = f.id
    WHERE s.project_id = %(project_id)s AND s.moderation_state = 'published'
    ORDER BY s.id, d.area, d.id
)
SELECT coalesce(p.district_id, 0) AS district_id, coalesce(d.name, '') AS name, count(*) AS suggestions,
       sum(p.support_count) AS supports
FROM placed AS p
LEFT JOIN district AS d ON d.id = p.district_id
GROUP BY 1, 2
ORDER BY 2, 1;
