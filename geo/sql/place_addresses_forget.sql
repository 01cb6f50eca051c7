-- A project's imported addresses and places, before a new import puts its own in their place (in the same
-- transaction: a refused file leaves them). Parameter: project.
DELETE FROM geo_place WHERE project_id = %(project)s AND source = 'addresses'
