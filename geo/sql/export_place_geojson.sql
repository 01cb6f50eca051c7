-- A planner's GeoJSON Feature's `place` property (export_rows.sql: "Kaiserstraße 12, Innenstadt-West", from
-- the stored geo_suggestion_place), null where there is none; put at the marker `place` of
-- export_geojson_analysis.sql, after the coverage analysis's properties.
|| ',"place":' || coalesce(to_json(r.place)::text, 'null')
