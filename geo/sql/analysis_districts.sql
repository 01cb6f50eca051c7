-- The coverage page's districts (analysis_district_rows.sql), with their outline simplified to about 5 m
-- for the choropleth: the ones holding others first (drawn under their parts), then by demand.
SELECT d.id, d.name, d.area_km2, d.nested_in, d.is_leaf, d.suggestions, d.supports, d.covered, d.facilities,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, 0.00005), 5) AS geometry
FROM (
    /* districts */
) AS d
ORDER BY d.is_leaf, d.suggestions DESC, d.name
