-- The per-district figures as the dashboard reads them: from geo_district_figure, kept up to date by the
-- triggers, per district summed over the categories, with the district's name and size; 0 for what lies in
-- no district.
SELECT f.district_id, coalesce(d.name, '') AS name, d.area_km2, d.nested_in,
       sum(f.suggestions) AS suggestions, sum(f.supports) AS supports, sum(f.covered) AS covered,
       sum(f.covered_supports) AS covered_supports, sum(f.facilities) AS facilities
FROM geo_district_figure AS f
LEFT JOIN geo_district AS d ON d.feature_id = f.district_id
WHERE f.project_id = %(project_id)s
GROUP BY f.district_id, d.name, d.area_km2, d.nested_in
ORDER BY 2, 1;
