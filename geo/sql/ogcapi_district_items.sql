-- One keyset page of an OGC API district-figures collection (feature_page.sql frames it,
-- ogcapi_district_item_properties.sql gives the properties): the districts of one project with their
-- figures (analysis_district_rows.sql in place of the marker), as the candidates of a page.
-- The bbox is in the SRID `bbox_srid` (`bbox-crs`, geo/ogcapi/crs.py; 4326 for CRS84), in its x/y order; its
-- envelope is turned into WGS84 once per query (constant arguments: folded by the planner), so the spatial
-- index on the stored geometries serves it. Its edges are first cut into pieces of `bbox_step` (a 64th of
-- the box; none for degrees): a straight edge in metres is a curve in degrees, 2 m off the straight line
-- in the middle of a 10 km edge near Karlsruhe, under 1 mm when cut in 64.
SELECT d.*
FROM (
    /* districts */
) AS d
WHERE d.id > %(after)s
  AND (%(feature_id)s::bigint IS NULL OR d.id = %(feature_id)s::bigint)
  AND (%(has_bbox)s IS FALSE OR ST_Intersects(
        d.geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326)))
ORDER BY d.id
LIMIT %(limit)s + 1
