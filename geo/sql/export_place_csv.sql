-- A planner's CSV line's last cell, `place` (export_rows.sql: "Kaiserstraße 12, Innenstadt-West", from the
-- stored geo_suggestion_place), empty where there is none; put at the marker `place` of
-- export_csv_analysis.sql. Addresses and street names are imported data: made inert for spreadsheets.
-- Always quoted (a label with its district holds a comma anyway): cheaper than asking per row whether to.
|| ',' || coalesce('"' || replace(pm_spreadsheet_safe(r.place), '"', '""') || '"', '')
