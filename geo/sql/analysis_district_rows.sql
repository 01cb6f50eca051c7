-- The districts of a project with their figures (one category, or all when %(category_id)s is NULL) and
-- their outline: the rows the coverage page (analysis_districts.sql) and the OGC API's district collection
-- (ogcapi_district_items.sql) put in place of their /* districts */ marker. A district that holds others
-- adds its children's figures to its own: each suggestion is stored in its smallest district only
-- (geo_suggestion_analysis), so the sum over the parts never counts one twice.
WITH RECURSIVE own AS (
    SELECT d.feature_id, d.name, d.area_km2, d.nested_in, d.is_leaf,
           coalesce(sum(g.suggestions), 0) AS suggestions, coalesce(sum(g.supports), 0) AS supports,
           coalesce(sum(g.covered), 0) AS covered, coalesce(sum(g.facilities), 0) AS facilities
    FROM geo_district AS d
    LEFT JOIN geo_district_figure AS g
        ON g.project_id = d.project_id AND g.district_id = d.feature_id
       AND (%(category_id)s::bigint IS NULL OR g.category_id = %(category_id)s::bigint)
    WHERE d.project_id = %(project_id)s
    GROUP BY d.feature_id
),
-- Every district with each of its ancestors (itself included), to roll the figures up.
lineage AS (
    SELECT feature_id AS district, feature_id AS ancestor, nested_in FROM own
    UNION ALL
    SELECT l.district, o.feature_id, o.nested_in
    FROM lineage AS l JOIN own AS o ON o.feature_id = l.nested_in
),
rolled AS (
    SELECT l.ancestor AS feature_id, sum(o.suggestions) AS suggestions, sum(o.supports) AS supports,
           sum(o.covered) AS covered, sum(o.facilities) AS facilities
    FROM lineage AS l JOIN own AS o ON o.feature_id = l.district
    GROUP BY l.ancestor
)
SELECT o.feature_id AS id, o.name, o.area_km2, o.nested_in, o.is_leaf,
       r.suggestions, r.supports, r.covered, r.facilities, f.geom
FROM own AS o
JOIN rolled AS r ON r.feature_id = o.feature_id
JOIN geo_context_feature AS f ON f.id = o.feature_id
