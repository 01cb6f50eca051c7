-- A project's categories as one JSON array, in position, key order: a subquery of the query that reads
-- the project (participation_project is the outer query's table), so both come in one round trip.
SELECT coalesce(jsonb_agg(c ORDER BY c.position, c.key), '[]'::jsonb)
FROM participation_category AS c
WHERE c.project_id = participation_project.id
