-- One keyset page of an OGC API context-layer collection (feature_page.sql frames it,
-- ogcapi_layer_item_properties.sql gives the properties): the features of one layer, read as the candidates
-- of a page. The caller resolves the layer: public, of a public project (geo/ogcapi/layer_selectors.py).
--
-- Paging is keyset, as for the suggestions (ogcapi_items.sql): ids above `after`, ascending, `limit` + 1 rows
-- read to learn whether a next page exists without counting. `feature_id` (optional) narrows the page to one
-- feature, for the single-item resource; the bbox filter uses geom's GiST index.
SELECT f.id, f.geom, f.properties
FROM geo_context_feature AS f
WHERE f.layer_id = %(layer_id)s
  AND f.id > %(after)s
  AND (%(feature_id)s::bigint IS NULL OR f.id = %(feature_id)s::bigint)
  AND (%(has_bbox)s IS FALSE OR (
        f.geom && ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)
        AND ST_Intersects(f.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326))))
ORDER BY f.id
LIMIT %(limit)s + 1
