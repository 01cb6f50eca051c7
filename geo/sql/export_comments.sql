-- The published comments on the exported suggestions, a table without geometry (GeoPackage only). Like the
-- suggestions, only what the public page shows: no author, no public name, no address hash.
SELECT cm.id, cm.suggestion_id, cm.parent_id, cm.text, cm.created_at
FROM participation_comment AS cm
WHERE cm.moderation_state = 'published'
  AND cm.suggestion_id IN (SELECT r.id FROM (/* rows */) AS r)
ORDER BY cm.id
