-- The app role runs with the settings measured for tile and export queries (see DESIGN.md).
ALTER ROLE app SET jit = off;
ALTER ROLE app SET max_parallel_workers_per_gather = 0;
CREATE EXTENSION IF NOT EXISTS postgis;
