-- A planner's CSV line's last cell, `place` ("Kaiserstraße 12, Innenstadt-West", quoted and made inert for
-- spreadsheets; empty where there is none), stored with the label (geo_place_label_fragments,
-- place_label_trigger.sql) and read by export_rows.sql; put at the marker `place` of export_csv_analysis.sql.
|| coalesce(r.csv_place, ',')
