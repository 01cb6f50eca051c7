-- A planner's CSV lines: those of export_csv.sql (the stored pieces), then the coverage analysis's four
-- cells (export_rows.sql), quoted as COPY … (FORMAT csv) quotes them; an empty cell where the project has no
-- such layer. Names come from imported layers, so they are made inert for spreadsheets like every other text.
-- Each name is written as its cell once per query, in a map of the project's facilities or districts (an
-- InitPlan), and each line only looks its two cells up (measured with 97,020 lines against 3,163 facilities:
-- 0.43 s for the whole export instead of 0.60 s with joins and the cells formatted on every line).
-- The marker `place` takes the place's cell (export_place_csv.sql) or nothing (export_place_none.sql).
COPY (
    SELECT r.id::text || ',' || r.category_csv || r.csv_tail
        || ',' || coalesce((
               SELECT jsonb_object_agg(f.id::text, pm_csv_cell(pm_spreadsheet_safe(
                   l.name || ': ' || coalesce(nullif(f.properties ->> 'name', ''), nullif(f.source_id, ''),
                                              f.id::text))))
               FROM geo_context_feature AS f
               JOIN geo_context_layer AS l ON l.id = f.layer_id
               WHERE l.project_id = %(project_id)s AND l.role = 'facilities'
           ) ->> r.facility_id::text, '')
        -- Whole metres as an integer's digits (a float's text turns a million into 1e+06).
        || ',' || coalesce(r.facility_distance_m::bigint::text, '')
        || ',' || coalesce((
               SELECT jsonb_object_agg(d.feature_id::text, pm_csv_cell(pm_spreadsheet_safe(d.name)))
               FROM geo_district AS d
               WHERE d.project_id = %(project_id)s
           ) ->> r.district_id::text, '')
        || ',' || coalesce(r.network_share_percent::text, '')
        /* place */
        -- The photo links, the last three cells, as export_csv.sql writes them.
        || CASE WHEN cardinality(r.photo_keys) > 0
             THEN ',' || coalesce(%(photo_csv_url)s::text || r.photo_keys[1] || %(photo_csv_full)s::text, '')
                  || ',' || coalesce(%(photo_csv_url)s::text || r.photo_keys[2] || %(photo_csv_full)s::text, '')
                  || ',' || coalesce(%(photo_csv_url)s::text || r.photo_keys[3] || %(photo_csv_full)s::text, '')
             ELSE ',,,' END
        || E'\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
