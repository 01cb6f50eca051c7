-- Label every suggestion of a project again from its gazetteer, network and districts
-- (geo_place_labels_rebuild, place_label_trigger.sql); one row: how many labels changed. Parameter: project.
SELECT geo_place_labels_rebuild(%(project)s)
