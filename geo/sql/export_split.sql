-- Where a large streamed export is cut in two id ranges, read by two connections at once: the snapshot the
-- second connection imports (so both see the very same rows) and the id bounds of the project's published
-- suggestions, two descents of the index suggestion_published_by_id, never a scan. Pending and rejected
-- rows share the id sequence, so the midpoint splits a planner's export too; an uneven cut only costs speed.
SELECT pg_export_snapshot(), min(s.id), max(s.id)
FROM participation_suggestion AS s
WHERE s.project_id = %(project_id)s AND s.moderation_state = 'published'
