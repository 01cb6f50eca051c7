-- The properties of a staff collection's feature (ogcapi_staff_items.sql): the public feature's properties
-- (ogcapi_item_properties.sql, in place of the marker "public properties"), then the internal ones of
-- geo/fields.py's staff_fields(), in that order. Both objects are json_build_object's text, `{…}` with at
-- least one key: the public one without its closing brace, then the internal one without its opening brace
-- is one object whose keys keep their order (jsonb's || would sort them, and GDAL and QGIS take the
-- order of the fields from the first feature). Every feature has every property, null when empty.
(left((/* public properties */)::text, -1) || ', ' || right(json_build_object(
    'moderation_state', moderation_state,
    'report_count', report_count,
    'nearest_facility', nearest_facility,
    'facility_distance_m', facility_distance_m,
    'district', district,
    'network_share_percent', network_share_percent,
    'place', place
)::text, -1))::json
