-- One build of a project's gazetteer at a time (an address import, a network import's rebuild, the command):
-- a second one waits here until the first one's transaction ends, then builds from what it committed.
-- Parameter: project.
SELECT pg_advisory_xact_lock(hashtext('geo_place'), %(project)s::int)
