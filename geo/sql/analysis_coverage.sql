-- Demand against existing facilities per category of a project, from the figures the triggers keep
-- (geo_district_figure; district 0 holds what lies in no district, so the rows add up to all the demand).
-- Only categories with a facilities layer: for the others there is nothing to be covered by.
SELECT cat.id,
       (SELECT count(*) FROM geo_context_feature AS f WHERE f.layer_id IN (
            SELECT l.id FROM geo_context_layer AS l
            WHERE l.project_id = %(project_id)s AND l.role = 'facilities' AND l.category_id = cat.id)
       ) AS facilities,
       coalesce(sum(g.suggestions), 0) AS suggestions, coalesce(sum(g.supports), 0) AS supports,
       coalesce(sum(g.covered), 0) AS covered, coalesce(sum(g.covered_supports), 0) AS covered_supports
FROM participation_category AS cat
LEFT JOIN geo_district_figure AS g ON g.project_id = %(project_id)s AND g.category_id = cat.id
WHERE cat.project_id = %(project_id)s
  AND EXISTS (
      SELECT FROM geo_context_layer AS l
      WHERE l.project_id = %(project_id)s AND l.role = 'facilities' AND l.category_id = cat.id
  )
GROUP BY cat.id
ORDER BY cat.position, cat.key
