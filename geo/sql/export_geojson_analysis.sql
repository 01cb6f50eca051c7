-- A planner's GeoJSON Features: those of export_geojson.sql (the stored pieces) with the coverage analysis's
-- four properties last (export_rows.sql), null where the project has no such layer. The stored tail ends the
-- properties and the Feature ("}}"); it is cut there and the analysis added before the same two braces. The
-- numbers keep one decimal ("73.0"), so that readers type them as real numbers, as in every other format.
COPY (
    SELECT ',' || r.geojson_head || r.category_geojson || left(r.geojson_tail, -2)
        || ',"nearest_facility":' || coalesce(to_json(r.nearest_facility)::text, 'null')
        || ',"facility_distance_m":' || coalesce(r.facility_distance_m::numeric(12, 1)::text, 'null')
        || ',"district":' || coalesce(to_json(r.district)::text, 'null')
        || ',"network_share_percent":' || coalesce(r.network_share_percent::numeric(4, 1)::text, 'null')
        || E'}}\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
