-- How many rows of each kind a project's gazetteer has (the build's report). Parameter: project.
SELECT kind, count(*) FROM geo_place WHERE project_id = %(project)s GROUP BY kind
