-- How far the replica's replay is behind, in seconds. A replica that has replayed all it received is
-- current (an idle primary sends nothing, so the age of the last replayed transaction says nothing then);
-- otherwise the age of the last replayed transaction. A server not in recovery (promoted) has no lag.
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END::float8
