#!/bin/sh
# Lets streaming replicas (docker-compose.yml, profile `replica`) connect to the primary: a role with
# REPLICATION and a pg_hba.conf line for the compose network only. Runs once, when db's volume is created.
set -e
psql -v ON_ERROR_STOP=1 -v password="${REPLICATION_PASSWORD:-replicator}" \
    --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'password';
SQL
echo "host replication replicator samenet scram-sha-256" >> "$PGDATA/pg_hba.conf"
