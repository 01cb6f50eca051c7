-- The suggestions one export holds, one row each, in id order. Every value is a bound parameter; the outer
-- queries (export_geojson.sql, export_table.sql, the GDAL layers) wrap this file and shape the columns.
--
-- Only fields anyone may see on the suggestion's public page leave the database: no author, no public name,
-- no e-mail, no address hash, no reports. `moderation_state` is part of planners' exports, whose states come
-- from a closed list (published, pending, rejected); the open-data export asks for published only. Hidden,
-- merged and withdrawn suggestions are never in the list, so never in an export.
--
-- The coverage analysis (geo/sql/analysis_trigger.sql keeps geo_suggestion_analysis exact) gives the last
-- four columns, for planners' exports only: the nearest existing facility as "<layer>: <name>" (or its id in
-- the source), its distance in whole metres, the district and, for a line, the percentage of its length along
-- the existing network (and the ids of the facility and district). NULL where the project has no such layer.
-- Both joins are left and on a primary key, so PostgreSQL drops them (and the map below) from the plan of an
-- outer query that reads none of these columns (open data, counts, chunk bounds).
--
-- `place` is where the suggestion is in words, for planners' exports only: "Kaiserstraße 12, Innenstadt-West"
-- (its nearest address within 40 m, else its nearest street within 200 m, and its district), read from
-- geo_suggestion_place, which place_label_trigger.sql keeps exact; NULL where the project has no gazetteer
-- or nothing is near. The same text the map's popups show (map_features.sql). Also a left join on a primary
-- key: dropped from every plan that does not read it.
SELECT s.id,
       c.key AS category,
       c.label AS category_label,
       -- The layer a row goes to follows its geometry itself: a GeoPackage or Shapefile layer holds one type.
       CASE GeometryType(s.geom) WHEN 'POINT' THEN 'point' WHEN 'LINESTRING' THEN 'line' ELSE 'polygon' END
           AS geometry_kind,
       s.title,
       s.text,
       s.moderation_state,
       s.planning_status,
       s.official_answer,
       s.support_count,
       s.comment_count,
       s.created_at,
       s.updated_at,
       s.answered_at,
       -- How a path was drawn (routed, free); NULL for points and areas (an empty cell in CSV and XLSX).
       nullif(s.line_drawing, '') AS line_drawing,
       -- The keys of its published photos in their order (kept by a trigger), for the photo links
       -- (geo/photo_links.py): a published suggestion's only. One published, then rejected, keeps its published
       -- photos' keys, but their links open for its moderators only. NULL otherwise, like an empty array for the
       -- outer queries' `cardinality(photo_keys) > 0`.
       CASE WHEN s.moderation_state = 'published' THEN s.photo_keys END AS photo_keys,
       s.geom,
       -- The stored pieces of the streamed exports (export_fragments.sql); other formats leave them unread.
       s.geojson_head,
       c.geojson_fragment AS category_geojson,
       s.geojson_tail,
       c.csv_fragment AS category_csv,
       s.csv_tail,
       -- The facility's name is looked up in a map of the project's facilities, built once per query (an
       -- InitPlan), rather than by joining the feature and its layer and building the name on every row.
       (SELECT jsonb_object_agg(f.id::text, l.name || ': ' || coalesce(nullif(f.properties ->> 'name', ''),
                                                                      nullif(f.source_id, ''), f.id::text))
        FROM geo_context_feature AS f
        JOIN geo_context_layer AS l ON l.id = f.layer_id
        WHERE l.project_id = %(project_id)s AND l.role = 'facilities') ->> a.facility_id::text
           AS nearest_facility,
       round(a.facility_distance_m) AS facility_distance_m,
       -- The streamed formats look the names up themselves, already written as their cells
       -- (export_csv_analysis.sql, export_geojson_analysis.sql).
       a.facility_id,
       a.district_id,
       district.name AS district,
       round((a.network_share * 100)::numeric, 1)::double precision AS network_share_percent,
       -- Plain CASE and || rather than concat_ws and nullif: measured cheaper per row.
       CASE WHEN place.address <> '' OR place.street <> '' THEN
                CASE WHEN place.address <> '' THEN place.address ELSE place.street END
                || CASE WHEN place.district <> '' THEN ', ' || place.district ELSE '' END
            WHEN place.district <> '' THEN place.district
       END AS place,
       -- The same as the streamed formats write it, stored with the label (export_place_geojson.sql).
       place.geojson_place,
       place.csv_place
FROM participation_suggestion AS s
JOIN participation_category AS c ON c.id = s.category_id
LEFT JOIN geo_suggestion_analysis AS a ON a.suggestion_id = s.id
LEFT JOIN geo_district AS district ON district.feature_id = a.district_id
LEFT JOIN geo_suggestion_place AS place ON place.suggestion_id = s.id
WHERE s.project_id = %(project_id)s
  AND s.moderation_state = ANY (%(states)s::text[])
  AND (%(geometry_type)s::text IS NULL OR GeometryType(s.geom) = %(geometry_type)s::text)
  AND (%(category_ids)s::bigint[] IS NULL OR s.category_id = ANY (%(category_ids)s::bigint[]))
  AND (%(statuses)s::text[] IS NULL OR s.planning_status = ANY (%(statuses)s::text[]))
  AND (%(created_from)s::timestamptz IS NULL OR s.created_at >= %(created_from)s::timestamptz)
  AND (%(created_before)s::timestamptz IS NULL OR s.created_at < %(created_before)s::timestamptz)
  AND (%(area)s::text IS NULL OR ST_Intersects(s.geom, ST_GeomFromText(%(area)s::text, 4326)))
  -- A slice of ids, for GDAL exports written in parts (their progress is counted by parts).
  AND (%(id_after)s::bigint IS NULL OR s.id > %(id_after)s::bigint)
  AND (%(id_until)s::bigint IS NULL OR s.id <= %(id_until)s::bigint)
ORDER BY s.id
