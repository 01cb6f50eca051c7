-- Room for the import's steps in memory (until the transaction ends): the report's figures read the
-- features' row numbers and geometries more than once, and on disk that costs more than the insert.
SELECT set_config('work_mem', '256MB', true)
