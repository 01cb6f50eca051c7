-- The properties of a street segment of the OGC API's segment collections (ogcapi_segment_items.sql): its
-- street name, kind of way and OSM way, its length, the published suggestions that follow it, their
-- supports, and demand (both together, what the planners' map colours by).
json_build_object(
    'name', name,
    'highway', highway,
    'osm_way_id', osm_way_id,
    'length_m', round(length_m::numeric, 1),
    'suggestions', suggestions,
    'supports', supports,
    'demand', suggestions + supports
)
