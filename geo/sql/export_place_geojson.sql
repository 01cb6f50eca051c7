-- A planner's GeoJSON Feature's `place` property ("Kaiserstraße 12, Innenstadt-West", null where there is
-- none), stored with the label as the text to append (geo_place_label_fragments, place_label_trigger.sql)
-- and read by export_rows.sql; put at the marker `place` of export_geojson_analysis.sql, after the coverage
-- analysis's properties.
|| coalesce(r.geojson_place, ',"place":null')
