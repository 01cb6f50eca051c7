-- One label rebuild of a project at a time (geo.places.services.place_labels_rebuild): a second one waits
-- here until the first one's transaction ends; its own statement then starts from what the first committed.
-- Apart from the gazetteer's build lock (place_build_lock.sql), so that an import never waits minutes for
-- a rebuild. Parameter: project.
SELECT pg_advisory_xact_lock(hashtext('geo_suggestion_place'), %(project)s::int)
