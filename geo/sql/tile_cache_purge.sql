-- Forget the cached tiles of one project, or (project_id NULL) of all: after a rebuild of the cluster cells,
-- or by hand. Bumps the generations too, so a tile being built meanwhile is not stored.
SELECT geo_tile_cache_forget_projects(
    CASE WHEN %(project_id)s::bigint IS NULL THEN NULL ELSE ARRAY[%(project_id)s::bigint] END
);
