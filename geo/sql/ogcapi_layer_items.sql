-- One keyset page of an OGC API context-layer collection (feature_page.sql frames it,
-- ogcapi_layer_item_properties.sql gives the properties): the features of one layer, read as the candidates
-- of a page. The caller resolves the layer: public, of a public project (geo/ogcapi/layer_selectors.py).
--
-- Paging is keyset, as for the suggestions (ogcapi_items.sql): ids above `after`, ascending, `limit` + 1 rows
-- read to learn whether a next page exists without counting. `feature_id` (optional) narrows the page to one
-- feature, for the single-item resource; the bbox filter uses geom's GiST index.
-- The bbox is in the SRID `bbox_srid` (`bbox-crs`, geo/ogcapi/crs.py; 4326 for CRS84), in its x/y order; its
-- envelope is turned into WGS84 once per query (constant arguments: folded by the planner), so the spatial
-- index on the stored geometries serves it. Its edges are first cut into pieces of `bbox_step` (a 64th of
-- the box; none for degrees): a straight edge in metres is a curve in degrees, 2 m off the straight line
-- in the middle of a 10 km edge near Karlsruhe, under 1 mm when cut in 64.
SELECT f.id, f.geom, f.properties
FROM geo_context_feature AS f
WHERE f.layer_id = %(layer_id)s
  AND f.id > %(after)s
  AND (%(feature_id)s::bigint IS NULL OR f.id = %(feature_id)s::bigint)
  AND (%(has_bbox)s IS FALSE OR (
        f.geom && ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326)
        AND ST_Intersects(f.geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326))))
ORDER BY f.id
LIMIT %(limit)s + 1
