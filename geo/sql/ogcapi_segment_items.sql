-- One keyset page of an OGC API street-segment collection (feature_page.sql frames it,
-- ogcapi_segment_item_properties.sql gives the properties): the edges of one project's network that
-- published suggested paths follow, with their stored figures (network_match_trigger.sql keeps them), as
-- the candidates of a page. Feature ids are the edges' ids.
-- The bbox is in the SRID `bbox_srid` (`bbox-crs`, geo/ogcapi/crs.py; 4326 for CRS84), in its x/y order; its
-- envelope is turned into WGS84 once per query (constant arguments: folded by the planner), so the spatial
-- index on the stored geometries serves it. Its edges are first cut into pieces of `bbox_step` (a 64th of
-- the box; none for degrees): a straight edge in metres is a curve in degrees, 2 m off the straight line
-- in the middle of a 10 km edge near Karlsruhe, under 1 mm when cut in 64.
SELECT e.id, e.geom, e.name, e.highway, e.osm_way_id, e.length_m, d.suggestions, d.supports
FROM geo_segment_demand AS d
JOIN geo_network_edge AS e ON e.id = d.edge_id
WHERE d.project_id = %(project_id)s AND e.network_id = %(network_id)s AND d.suggestions > 0
  AND d.edge_id > %(after)s
  AND (%(feature_id)s::bigint IS NULL OR d.edge_id = %(feature_id)s::bigint)
  AND (%(has_bbox)s IS FALSE OR ST_Intersects(
        e.geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326)))
ORDER BY d.edge_id
LIMIT %(limit)s + 1
