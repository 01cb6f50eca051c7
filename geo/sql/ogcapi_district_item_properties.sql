-- The properties of a district of the OGC API's district figures (ogcapi_district_items.sql): published
-- suggestions and their supports, those within the project's coverage distance of an existing facility,
-- the existing facilities (NULL when a facilities layer of the project is not public: the feed must not
-- count what it does not show), per km², the area and the district it lies in.
json_build_object(
    'name', name,
    'suggestions', suggestions,
    'supports', supports,
    'covered', covered,
    'facilities', CASE WHEN %(show_facilities)s THEN facilities END,
    'suggestions_per_km2', round((suggestions / nullif(area_km2, 0))::numeric, 2),
    'area_km2', round(area_km2::numeric, 3),
    'nested_in', nested_in,
    'holds_others', NOT is_leaf
)
