-- Label every suggestion of a project again from its new gazetteer (geo_place_labels_rebuild,
-- place_label_trigger.sql), in the build's transaction. Parameter: project.
SELECT geo_place_labels_rebuild(%(project)s)
