-- One transaction at a time decides whether the worker's refresh check is queued (geo.layers.refresh):
-- two callers at once must not both find none and queue two. Released at the transaction's end.
SELECT pg_advisory_xact_lock(hashtext('geo.layers.refresh'))
