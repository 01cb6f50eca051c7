-- A planner's GeoJSON Features: those of export_geojson.sql (the stored pieces) with the coverage analysis's
-- four properties (export_rows.sql), null where the project has no such layer. They go between the category's
-- piece and the stored tail, which starts the next property: cutting the tail's closing braces instead would
-- count the characters of every tail (measured: more database time than the rest of the Feature). Each name
-- is written as a JSON string once per query, in a map of the project's facilities or districts (an
-- InitPlan); each Feature only looks it up. The numbers keep one decimal ("73.0"), so that readers type them
-- as real numbers, as in every other format. The marker `place` takes the place property
-- (export_place_geojson.sql) or nothing (export_place_none.sql).
COPY (
    SELECT ',' || r.geojson_head || r.category_geojson
        || ',"nearest_facility":' || coalesce((
               SELECT jsonb_object_agg(f.id::text, to_json(
                   l.name || ': ' || coalesce(nullif(f.properties ->> 'name', ''), nullif(f.source_id, ''),
                                              f.id::text))::text)
               FROM geo_context_feature AS f
               JOIN geo_context_layer AS l ON l.id = f.layer_id
               WHERE l.project_id = %(project_id)s AND l.role = 'facilities'
           ) ->> r.facility_id::text, 'null')
        || ',"facility_distance_m":' || coalesce(r.facility_distance_m::bigint::text || '.0', 'null')
        || ',"district":' || coalesce((
               SELECT jsonb_object_agg(d.feature_id::text, to_json(d.name)::text)
               FROM geo_district AS d
               WHERE d.project_id = %(project_id)s
           ) ->> r.district_id::text, 'null')
        || ',"network_share_percent":' || coalesce(r.network_share_percent::numeric(5, 1)::text, 'null')
        /* place */
        -- The photo links, as export_geojson.sql writes them.
        || CASE WHEN cardinality(r.photo_keys) > 0
             THEN ',"photo_1":' || to_json(%(photo_url)s::text || r.photo_keys[1] || %(photo_full)s::text)::text
                  || ',"photo_2":' || coalesce(to_json(%(photo_url)s::text || r.photo_keys[2] || %(photo_full)s::text)::text, 'null')
                  || ',"photo_3":' || coalesce(to_json(%(photo_url)s::text || r.photo_keys[3] || %(photo_full)s::text)::text, 'null')
             ELSE ',"photo_1":null,"photo_2":null,"photo_3":null' END
        || r.geojson_tail || E'\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
