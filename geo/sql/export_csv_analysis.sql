-- A planner's CSV lines: those of export_csv.sql (the stored pieces), then the coverage analysis's four
-- cells (export_rows.sql), quoted as COPY … (FORMAT csv) quotes them. Names come from imported layers, so
-- they are made inert for spreadsheets like every other text; an empty cell where the project has no such
-- layer. export_table_analysis.sql is the same table as columns (tests hold the two to each other).
COPY (
    SELECT r.id::text || ',' || r.category_csv || r.csv_tail
        || ',' || pm_csv_cell(pm_spreadsheet_safe(r.nearest_facility))
        || ',' || coalesce(r.facility_distance_m::text, '')
        || ',' || pm_csv_cell(pm_spreadsheet_safe(r.district))
        || ',' || coalesce(r.network_share_percent::text, '')
        || E'\n'
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT binary)
