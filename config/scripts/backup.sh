#!/usr/bin/env bash
# `make backup` and `make restore FILE=…`: a pg_dump of the application's database, and its way back.
#
#   backup             writes <BACKUP_DIR>/<db>-<UTC time>.dump (custom format, compressed; default
#                      BACKUP_DIR: .local/backups) and prints its path
#   restore FILE       replaces the database's contents with the dump's, in one transaction: a restore that
#                      fails part-way leaves the database as it was
#
# The database is DATABASE_URL's (postgis://user:password@host:port/name), or else the private cluster of
# `make run` (PG_PORT, DB_NAME as in stack.sh). PostGIS itself is not in the restore: it belongs to the
# superuser and is already in every database made from template1; the app's role restores what it owns.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
[ -x "$PG_BIN/pg_dump" ] || PG_BIN=$(dirname "$(command -v pg_dump)")

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

URL=${DATABASE_URL:-postgis://app:app@127.0.0.1:${PG_PORT:-5434}/${DB_NAME:-participation}}
# libpq reads postgresql:// URIs; django-environ's scheme names the backend.
PG_URL="postgresql://${URL#*://}"
DB=${PG_URL##*/}
DB=${DB%%\?*}
[ -n "$DB" ] || die "DATABASE_URL names no database: postgis://user:password@host:port/<name>"

backup() {
    local dir stamp file
    dir=${BACKUP_DIR:-$ROOT/.local/backups}
    mkdir -p "$dir"
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    file="$dir/$DB-$stamp.dump"
    # Written under a temporary name: a failed or interrupted dump never looks like a finished one.
    "$PG_BIN/pg_dump" --format=custom --no-owner --no-privileges --file="$file.partial" --dbname="$PG_URL" \
        || { rm -f "$file.partial"; die "pg_dump of the database '$DB' failed (see above); nothing was written."; }
    mv "$file.partial" "$file"
    printf 'Backup of %s written to %s\n' "$DB" "$file"
}

restore() {
    local file=${1:-} list
    [ -n "$file" ] || die "say which dump to restore: make restore FILE=.local/backups/<db>-<time>.dump"
    [ -f "$file" ] || die "no such file: $file"
    "$PG_BIN/pg_restore" --list "$file" >/dev/null 2>&1 || die "$file is not a pg_dump archive (make backup writes one)."
    list=$(mktemp)
    trap 'rm -f "$list"' RETURN
    # Everything but the PostGIS extension, its comment and its table of coordinate systems (the app stores
    # WGS84 only and adds none): see the header.
    "$PG_BIN/pg_restore" --list "$file" \
        | grep -v -E ' EXTENSION - | COMMENT - EXTENSION | TABLE DATA public spatial_ref_sys ' >"$list"
    # pg_restore writes the restore as SQL and psql runs it in one transaction, stopping at the first error.
    # Not pg_restore straight into the database: its --clean drops the primary key of each partition of a
    # partitioned table (geo_context_feature, one partition per context layer) before the parent's, which
    # PostgreSQL refuses ("cannot drop inherited constraint"). Those drops are left out: the parent's
    # constraint takes its partitions' with it, and the partitions themselves are dropped right after.
    local attached
    attached=$(awk '$4 == "INDEX" && $5 == "ATTACH" { print $7 }' "$list" | paste -sd'|' -)
    "$PG_BIN/pg_restore" --clean --if-exists --single-transaction --no-owner --no-privileges \
        --use-list="$list" --file=- "$file" \
        | if [ -n "$attached" ]; then
            grep -v -E "^ALTER TABLE IF EXISTS ONLY [^ ]+ DROP CONSTRAINT IF EXISTS ($attached);\$"
          else cat; fi \
        | "$PG_BIN/psql" --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --dbname="$PG_URL" >/dev/null \
        || die "restoring $file into '$DB' failed (see above); the transaction was rolled back, nothing changed."
    printf 'Restored %s into %s\n' "$file" "$DB"
}

case "${1:-}" in
    backup) backup ;;
    restore) shift; restore "${1:-}" ;;
    *) die "usage: $0 backup | restore FILE" ;;
esac
