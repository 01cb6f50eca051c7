-- Rebuild a project's coverage analysis (geo_analysis_rebuild in analysis_trigger.sql), in the caller's
-- transaction, and note when it was done and how long it took.
SELECT geo_analysis_rebuild(%(project_id)s);
