-- One keyset page of an OGC API collection (feature_page.sql frames it, ogcapi_item_properties.sql gives the
-- properties): a project's published suggestions in the collection's categories (those of one geometry
-- kind), read as the candidates of a page.
--
-- Only published suggestions are read, and only public fields leave the database: no author, no public name,
-- no e-mail, no address hash, no moderation data. The caller resolves the project (public only) and the
-- category ids; `category_labels` maps those ids to their labels in the request's language.
--
-- Paging is keyset: ids above `after`, ascending, `limit` + 1 rows read to learn whether a next page exists
-- without counting. Whatever the depth, PostgreSQL starts at `after` in an id-ordered index
-- (suggestion_published_by_id or the primary key) and stops after limit + 1 matches; for a rare category,
-- a small bbox or a narrow time window the planner takes the category, spatial or created_at index and sorts
-- only what matches. `feature_id` (optional) narrows the page to one feature, for the single-item resource.
--
-- The marker "cql2 filter" below is the condition of a CQL2 `filter` (geo/ogcapi/cql2.py writes it from its
-- own fixed pieces, every value a bound parameter cql0, cql1, …), or TRUE without one. It joins the conditions
-- above, so the indexes they use still serve it: category = / IN (the category index), created_at
-- (suggestion_queue), id (the id-ordered indexes), S_INTERSECTS (the spatial index on geom); a condition on a
-- column without an index (planning_status, support_count, answered_at, …) is checked on the rows the keyset
-- scan reads.
-- The bbox is in the SRID `bbox_srid` (`bbox-crs`, geo/ogcapi/crs.py; 4326 for CRS84), in its x/y order; its
-- envelope is turned into WGS84 once per query (constant arguments: folded by the planner), so the spatial
-- index on the stored geometries serves it. Its edges are first cut into pieces of `bbox_step` (a 64th of
-- the box; none for degrees): a straight edge in metres is a curve in degrees, 2 m off the straight line
-- in the middle of a 10 km edge near Karlsruhe, under 1 mm when cut in 64.
--
-- The markers "keyset" and "order" are "s.id > after" and "s.id" (geo/ogcapi/selectors.py), or for a
-- `sortby` the sort's keyset and order (geo/ogcapi/sorting.py, its own fixed pieces; ogcapi_sorted_page.sql
-- frames those pages).
SELECT s.id, s.geom, s.category_id, s.title, s.text, s.planning_status, s.official_answer,
       s.support_count, s.comment_count, s.created_at, s.updated_at, s.answered_at, s.line_drawing,
       s.photo_keys
FROM participation_suggestion AS s
WHERE s.project_id = %(project_id)s
  AND s.moderation_state = 'published'
  AND s.category_id = ANY (%(category_ids)s::bigint[])
  AND /* keyset */
  AND (%(feature_id)s::bigint IS NULL OR s.id = %(feature_id)s::bigint)
  AND (%(has_bbox)s IS FALSE OR (
        s.geom && ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326)
        AND ST_Intersects(s.geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, %(bbox_srid)s), %(bbox_step)s), 4326))))
  AND (%(created_from)s::timestamptz IS NULL OR s.created_at >= %(created_from)s::timestamptz)
  AND (%(created_before)s::timestamptz IS NULL OR s.created_at < %(created_before)s::timestamptz)
  AND /* cql2 filter */
ORDER BY /* order */
LIMIT %(limit)s + 1
