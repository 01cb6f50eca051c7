-- The newest published suggestions of each decided planning status, for the public results page's list
-- (participation/selectors/results.py): up to %(limit)s per status in %(statuses)s, newest first (by id), older
-- than the suggestion %(after)s when given (the next page's keyset cursor).
--
-- Invariants:
-- * Published suggestions of one project only; merged, withdrawn, waiting, rejected and hidden ones never.
-- * Only what the public may read: no author, no e-mail, no moderation detail.
--
-- Cost: per status, a backward walk of suggestion_published_status_by_id (project, status, id; geo migration
-- 0030) that stops after %(limit)s entries, then those rows by primary key: the same at 100 and at a million
-- suggestions. The walk selects ids only: asked for more columns, the planner walks the primary key instead
-- and filters, which reads every newer suggestion of other projects and statuses first.
SELECT s.id, s.planning_status, s.title, s.official_answer, s.answered_at, s.support_count, s.comment_count,
       s.created_at, s.category_id
FROM unnest(%(statuses)s::text[]) WITH ORDINALITY AS wanted(status, position)
CROSS JOIN LATERAL (
    SELECT id
    FROM participation_suggestion
    WHERE project_id = %(project_id)s
      AND moderation_state = 'published'
      AND planning_status = wanted.status
      AND (%(after)s::bigint IS NULL OR id < %(after)s::bigint)
    ORDER BY id DESC
    LIMIT %(limit)s
) AS newest
JOIN participation_suggestion AS s ON s.id = newest.id
ORDER BY wanted.position, s.id DESC
