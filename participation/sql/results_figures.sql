-- The public results page's figures (participation/selectors/results.py): a project's published suggestions
-- with their supports and comments, by category, by planning status and in total; and over time, per week
-- and per month, the suggestions made, the supports given and the comments written in each.
--
-- Invariants:
-- * Published suggestions of one project only. By category, status and in total, supports and comments are
--   the counters on those rows: support_count counts the suggestion's supports, comment_count its published
--   comments (the services keep both exact in the transaction that changes them). So nothing waiting for
--   review, rejected, hidden, merged or withdrawn counts, nor anything said under such a suggestion.
-- * Over time the supports and comments are rows, counted by the day they were given or written: the
--   supports of published suggestions, the published comments of published suggestions (the same ones the
--   counters count: the periods add up to the totals). A comment counts on the day it was written.
-- * Weeks (ISO, from Monday) and months are those of the site's time zone %(tz)s, as people read dates.
-- * One row per category, status, week and month that has something, and one total row (`grouping` says
--   which): Python fills in the zeros.
--
-- Cost: the partial index suggestion_published_figures (migration participation 0018) holds every column read
-- of the suggestions for the daily sums, so they are an index-only scan of the project's published entries,
-- not of the table's rows and their ~1 KB export pieces (a sequential scan: 4.5-7 s at 1.1 M rows). The rows
-- are first summed per category, status and day by one hash aggregate (a few thousand groups for a long
-- project), and the grouping sets are taken over those: grouping sets straight over a million rows sort them,
-- on disk. The supports and comments are joined to the published ids (index-only on suggestion_published_by_id)
-- and counted per day. That join is most of the time at scale: 2 M supports take 1.0-1.9 s whatever the plan
-- (hash join, merge join, or index-only on a (suggestion_id, created_at) index: tried, no faster), because
-- every row is read and matched. docs/projects.md, "Public results page", has the times and what would make
-- them constant (per-day sums kept in the transactions, as the map's cluster cells are).
WITH daily AS (
    SELECT category_id, planning_status,
           (created_at AT TIME ZONE %(tz)s)::date AS day,
           count(*) AS suggestions,
           sum(support_count) AS supports,
           sum(comment_count) AS comments
    FROM participation_suggestion
    WHERE project_id = %(project_id)s AND moderation_state = 'published'
    GROUP BY 1, 2, 3
), activity AS (
    SELECT day, sum(suggestions) AS suggestions, 0 AS supports, 0 AS comments
    FROM daily
    GROUP BY day
    UNION ALL
    SELECT (sp.created_at AT TIME ZONE %(tz)s)::date, 0, count(*), 0
    FROM participation_suggestion AS s
    JOIN participation_support AS sp ON sp.suggestion_id = s.id
    WHERE s.project_id = %(project_id)s AND s.moderation_state = 'published'
    GROUP BY 1
    UNION ALL
    SELECT (c.created_at AT TIME ZONE %(tz)s)::date, 0, 0, count(*)
    FROM participation_suggestion AS s
    JOIN participation_comment AS c ON c.suggestion_id = s.id
    WHERE s.project_id = %(project_id)s AND s.moderation_state = 'published'
      AND c.moderation_state = 'published'
    GROUP BY 1
)
SELECT CASE
           WHEN GROUPING(category_id) = 0 THEN 'category'
           WHEN GROUPING(planning_status) = 0 THEN 'status'
           ELSE 'total'
       END AS grouping,
       category_id,
       planning_status,
       NULL::date AS period,
       coalesce(sum(suggestions), 0)::bigint AS suggestions,
       coalesce(sum(supports), 0)::bigint AS supports,
       coalesce(sum(comments), 0)::bigint AS comments
FROM daily
GROUP BY GROUPING SETS ((category_id), (planning_status), ())
UNION ALL
SELECT CASE WHEN GROUPING(week) = 0 THEN 'week' ELSE 'month' END,
       NULL,
       NULL,
       coalesce(week, month),
       sum(suggestions)::bigint,
       sum(supports)::bigint,
       sum(comments)::bigint
FROM (
    SELECT date_trunc('week', day)::date AS week, date_trunc('month', day)::date AS month,
           suggestions, supports, comments
    FROM activity
) AS periods
GROUP BY GROUPING SETS ((week), (month))
