-- One keyset page of an OGC API district-figures collection (feature_page.sql frames it,
-- ogcapi_district_item_properties.sql gives the properties): the districts of one project with their
-- figures (analysis_district_rows.sql in place of the marker), as the candidates of a page.
SELECT d.*
FROM (
    /* districts */
) AS d
WHERE d.id > %(after)s
  AND (%(feature_id)s::bigint IS NULL OR d.id = %(feature_id)s::bigint)
  AND (%(has_bbox)s IS FALSE OR ST_Intersects(
        d.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)))
ORDER BY d.id
LIMIT %(limit)s + 1
