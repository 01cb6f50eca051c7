/* A planner's export without the place column (export_place_geojson.sql, export_place_csv.sql): nothing in
   place of the marker. Only the benchmark asks for it, to measure what the column costs. */
