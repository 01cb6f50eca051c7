-- The public results page's figures (participation/selectors/results.py): a project's published suggestions
-- with their supports and comments, by category, by planning status, per week, per month and in total, in
-- one pass over the rows.
--
-- Invariants:
-- * Published suggestions of one project only. Supports and comments are the counters on those rows:
--   support_count counts the suggestion's supports, comment_count its published comments (the services keep
--   both exact in the transaction that changes them). So nothing waiting for review, rejected, hidden, merged
--   or withdrawn counts, nor anything said under such a suggestion.
-- * Weeks (ISO, from Monday) and months are those of the site's time zone %(tz)s, as people read dates.
-- * One row per category, status, week and month that has suggestions, and one total row (`grouping` says
--   which): Python fills in the zeros.
--
-- Cost: the partial index suggestion_published_figures (migration participation 0016) holds every column read
-- here, so this is an index-only scan of the project's published entries, not of the table's rows and their
-- ~1 KB export pieces (a sequential scan: 4.5-7 s at 1.1 M rows). The rows are first summed per category,
-- status and day by one hash aggregate (a few thousand groups for a long project), and the grouping sets
-- are taken over those: grouping sets straight over a million rows sort them, on disk (docs/projects.md,
-- "Results page", has the times).
WITH daily AS (
    SELECT category_id, planning_status,
           (created_at AT TIME ZONE %(tz)s)::date AS day,
           count(*) AS suggestions,
           sum(support_count) AS supports,
           sum(comment_count) AS comments
    FROM participation_suggestion
    WHERE project_id = %(project_id)s AND moderation_state = 'published'
    GROUP BY 1, 2, 3
), periods AS (
    SELECT category_id, planning_status, suggestions, supports, comments,
           date_trunc('week', day)::date AS week,
           date_trunc('month', day)::date AS month
    FROM daily
)
SELECT CASE
           WHEN GROUPING(category_id) = 0 THEN 'category'
           WHEN GROUPING(planning_status) = 0 THEN 'status'
           WHEN GROUPING(week) = 0 THEN 'week'
           WHEN GROUPING(month) = 0 THEN 'month'
           ELSE 'total'
       END AS grouping,
       category_id,
       planning_status,
       coalesce(week, month) AS period,
       coalesce(sum(suggestions), 0)::bigint AS suggestions,
       coalesce(sum(supports), 0)::bigint AS supports,
       coalesce(sum(comments), 0)::bigint AS comments
FROM periods
GROUP BY GROUPING SETS ((category_id), (planning_status), (week), (month), ())
