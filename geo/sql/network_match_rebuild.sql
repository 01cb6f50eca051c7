-- Match every suggested path of a project to its street network again and count its demand per segment
-- anew (geo_network_rematch in network_match_trigger.sql), in the caller's transaction.
SELECT geo_network_rematch(%(project_id)s);
