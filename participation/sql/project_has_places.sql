-- Whether a project's place search has anything of its own to find (the project admin offers its search box
-- above the map widgets only then): one row of geo's gazetteer (geo_place, built by geo.places from the
-- street network, the districts layers and the imported addresses), found by the index that starts with the
-- project. Parameter: project (bigint).
SELECT EXISTS (SELECT 1 FROM geo_place WHERE project_id = %(project)s)
