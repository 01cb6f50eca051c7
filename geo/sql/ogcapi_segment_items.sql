-- One keyset page of an OGC API street-segment collection (feature_page.sql frames it,
-- ogcapi_segment_item_properties.sql gives the properties): the edges of one project's network that
-- published suggested paths follow, with their stored figures (network_match_trigger.sql keeps them), as
-- the candidates of a page. Feature ids are the edges' ids.
SELECT e.id, e.geom, e.name, e.highway, e.osm_way_id, e.length_m, d.suggestions, d.supports
FROM geo_segment_demand AS d
JOIN geo_network_edge AS e ON e.id = d.edge_id
WHERE d.project_id = %(project_id)s AND e.network_id = %(network_id)s AND d.suggestions > 0
  AND d.edge_id > %(after)s
  AND (%(feature_id)s::bigint IS NULL OR d.edge_id = %(feature_id)s::bigint)
  AND (%(has_bbox)s IS FALSE OR ST_Intersects(
        e.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)))
ORDER BY d.edge_id
LIMIT %(limit)s + 1
