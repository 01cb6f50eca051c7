-- Where suggestions are, in words, for the pages that list them to staff (the moderation queue, the planner
-- dashboard and answer page): "Kaiserstraße 12, Innenstadt-West", their nearest address within 40 m, else
-- their nearest street within 200 m, and their district. Read from geo's reverse labels
-- (geo_suggestion_place, kept exact by geo's place_label_trigger.sql), never looked up here; the same text
-- the map's popups (geo's map_features.sql) and the exports (export_rows.sql) show. A suggestion without a
-- row or with nothing near has no line. Parameter: ids (bigint[]).
SELECT g.suggestion_id,
       concat_ws(', ', nullif(coalesce(nullif(g.address, ''), g.street), ''), nullif(g.district, ''))
FROM geo_suggestion_place AS g
WHERE g.suggestion_id = ANY (%(ids)s::bigint[])
  AND (g.address <> '' OR g.street <> '' OR g.district <> '')
