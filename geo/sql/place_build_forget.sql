-- The gazetteer rows a build makes again (place_build_insert.sql, place_build_derived.sql): everything but
-- the imported addresses and places, which only an address import replaces. Parameter: project.
DELETE FROM geo_place WHERE project_id = %(project)s AND source IN ('network', 'districts', 'derived')
