-- The GeoPackage's `street_segments` layer: the edges of the project's network that published suggested
-- paths follow, with the demand per segment as the planners' map shows it (network_match_trigger.sql keeps
-- the figures). The figures count every published path of the project, whatever the export's filter.
SELECT e.id, e.name, e.highway, e.osm_way_id, round(e.length_m::numeric, 1)::double precision AS length_m,
       d.suggestions, d.supports, d.suggestions + d.supports AS demand, e.geom
FROM geo_segment_demand AS d
JOIN geo_network_edge AS e ON e.id = d.edge_id
WHERE d.project_id = %(project_id)s AND d.suggestions > 0
ORDER BY e.id
