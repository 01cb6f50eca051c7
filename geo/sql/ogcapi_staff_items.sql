-- One keyset page of an OGC API staff collection (`<slug>-points-staff`, …): the rows of the public
-- collection's page (ogcapi_items.sql) in every moderation state the reader may see, with the internal
-- columns of geo/fields.py's staff_fields(). feature_page.sql frames it; ogcapi_staff_item_properties.sql
-- adds the internal properties to the public ones.
--
-- Read only for a project's planners and moderators (and site administrators): the caller resolved the
-- project and the reader's `states` through participation.rules (planners: published, pending, rejected;
-- moderators also hidden). Merged and withdrawn suggestions never come here. Still no personal field leaves
-- the database: no author, public name, e-mail or address hash, and of the reports only their number, never
-- a text or a reporter.
--
-- The inner SELECT names every column the properties and a CQL2 filter read (`s.<name>`), so a filter on an
-- internal field (`report_count > 0`, `moderation_state = 'pending'`, `district = 'West'`) is the same kind
-- of condition as one on a public field; PostgreSQL flattens the subquery, so the keyset, bbox, category and
-- time conditions still reach the indexes (suggestion_queue on project, state, created; the primary key).
-- The coverage analysis and the place are left joins on primary keys, as in export_rows.sql, and the report
-- count is read per row from the report table's suggestion index: cheap at the size of a staff page. The bbox
-- is ogcapi_items.sql's (in `bbox_srid`, its edges cut by `bbox_step`, turned into WGS84 once per query);
-- feature_page.sql writes the geometries in the CRS asked for.
-- The markers "keyset" and "order" are ogcapi_items.sql's (selectors.items_query): "s.id > after" and "s.id";
-- the staff collections take no `sortby`.
SELECT s.*
FROM (
    SELECT s.id, s.geom, s.category_id, s.title, s.text, s.planning_status, s.official_answer,
           s.support_count, s.comment_count, s.created_at, s.updated_at, s.answered_at, s.line_drawing,
           -- Only a published suggestion's photos are linked: one published, then hidden or rejected, keeps
           -- its published photos' keys, but their links open for its moderators only.
           CASE WHEN s.moderation_state = 'published' THEN s.photo_keys END AS photo_keys,
           s.moderation_state,
           (SELECT count(*)::integer
            FROM participation_report AS r
            WHERE r.suggestion_id = s.id AND r.comment_id IS NULL AND r.resolved_at IS NULL) AS report_count,
           facility_layer.name || ': ' || coalesce(nullif(facility.properties ->> 'name', ''),
                                                   nullif(facility.source_id, ''), facility.id::text)
               AS nearest_facility,
           round(a.facility_distance_m)::double precision AS facility_distance_m,
           district.name AS district,
           round((a.network_share * 100)::numeric, 1)::double precision AS network_share_percent,
           CASE WHEN place.address <> '' OR place.street <> '' THEN
                    CASE WHEN place.address <> '' THEN place.address ELSE place.street END
                    || CASE WHEN place.district <> '' THEN ', ' || place.district ELSE '' END
                WHEN place.district <> '' THEN place.district
           END AS place
    FROM participation_suggestion AS s
    LEFT JOIN geo_suggestion_analysis AS a ON a.suggestion_id = s.id
    LEFT JOIN geo_context_feature AS facility ON facility.id = a.facility_id
    LEFT JOIN geo_context_layer AS facility_layer ON facility_layer.id = facility.layer_id
    LEFT JOIN geo_district AS district ON district.feature_id = a.district_id
    LEFT JOIN geo_suggestion_place AS place ON place.suggestion_id = s.id
    WHERE s.project_id = %(project_id)s
      AND s.moderation_state = ANY (%(states)s::text[])
      AND s.category_id = ANY (%(category_ids)s::bigint[])
      AND /* keyset */
      AND (%(feature_id)s::bigint IS NULL OR s.id = %(feature_id)s::bigint)
      AND (%(has_bbox)s IS FALSE OR (
            s.geom && ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326)
            AND ST_Intersects(s.geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326))))
      AND (%(created_from)s::timestamptz IS NULL OR s.created_at >= %(created_from)s::timestamptz)
      AND (%(created_before)s::timestamptz IS NULL OR s.created_at < %(created_before)s::timestamptz)
) AS s
WHERE /* cql2 filter */
ORDER BY /* order */
LIMIT %(limit)s + 1
