-- A feature's geometry as GeoJSON, the piece both page frames (feature_page.sql, ogcapi_sorted_page.sql) put
-- at their marker "geometry": in the SRID `crs_srid` (4326: as stored) to `crs_decimals` decimals (about
-- 1 cm: 7 of a degree, 2 of a metre), latitude first when `crs_flip` (EPSG:4326's axis order);
-- geo/ogcapi/crs.py chooses them from its allow-list, the API's list always asks for CRS84. Options 0: no
-- GeoJSON 2008 `crs` member in the geometry (the response says the CRS).
ST_AsGeoJSON(
    CASE WHEN %(crs_srid)s::int <> 4326 THEN ST_Transform(geom, %(crs_srid)s::int)
         WHEN %(crs_flip)s THEN ST_FlipCoordinates(geom)
         ELSE geom END,
    %(crs_decimals)s::int, 0)::json
