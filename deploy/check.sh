#!/usr/bin/env bash
# `make deploy-check`: the production files, proven. Builds the image from the Dockerfile, starts
# docker-compose.yml (Compose v2 against `podman system service`) with `up --wait` on 127.0.0.1:$DEPLOY_PORT and
# checks what a town relies on; each check prints PASS or FAIL with its figures, any FAIL exits non-zero.
# Base images are used when present, pulled when the registry answers, else built from Debian packages
# (deploy/podman/build-standins.sh). Everything is torn down at the end unless KEEP=1 (`deploy/check.sh down`
# tears a kept stack down). Logs: .local/log/deploy/. See deploy/README.md.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/deploy"
D="$ROOT/.local/deploy"
LOGDIR="$ROOT/.local/log/deploy"
mkdir -p "$D" "$LOGDIR"
cd "$ROOT"

export CONTAINERS_CONF=${CONTAINERS_CONF:-$HERE/podman/containers.conf}
export BUILDAH_FORMAT=docker  # podman's default OCI image format drops the Dockerfile's HEALTHCHECK
export COMPOSE_PROJECT_NAME=${DEPLOY_PROJECT:-participation-check}
export WEB_PORT=${DEPLOY_PORT:-18000}
export APP_IMAGE=participation-map:check DB_IMAGE=participation-db:check
export DOCKER_HOST="unix://$D/podman.sock" DOCKER_CONFIG="$D/docker-config"
PROJECT=$COMPOSE_PROJECT_NAME
HOST=participation.example.org
URL="http://127.0.0.1:$WEB_PORT"
DEBIAN_PACKAGES=(podman buildah mmdebstrap uidmap slirp4netns fuse-overlayfs crun runc conmon catatonit netavark
                 aardvark-dns containernetworking-plugins golang-github-containernetworking-plugin-dnsname
                 iptables nftables passt curl)
# name in the Dockerfile / docker-compose.yml -> stand-in (deploy/podman/build-standins.sh)
declare -A BASE_IMAGES=([docker.io/library/node:20-bookworm-slim]=node
                        [docker.io/library/python:3.11-slim-bookworm]=python
                        [docker.io/postgis/postgis:15-3.4]=postgis [docker.io/library/redis:7-bookworm]=redis)

# ---------------------------------------------------------------------------------------------- output
FAILS=0
T0=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; FAILS=$((FAILS + 1)); }
die() { fail "$*"; exit 1; }
# step NAME DESCRIPTION COMMAND...: quiet; PASS with its seconds, or FAIL with the log's path, and stop.
step() {
    local name=$1 desc=$2 s
    shift 2
    s=$(now)
    if "$@" >"$LOGDIR/$name.log" 2>&1; then
        pass "$desc ($(since "$s") s)"
    else
        if [ -n "${CI:-}" ]; then tail -n 40 "$LOGDIR/$name.log" || true; fi
        die "$desc; the details are in .local/log/deploy/$name.log"
    fi
}

# ---------------------------------------------------------------------------------------------- tools
ensure_packages() {
    local missing=() p
    for p in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "the check runs podman as root: run it as root (missing: ${missing[*]})"
    step apt "Installing the Debian packages ${missing[*]}" env DEBIAN_FRONTEND=noninteractive bash -c \
        "apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends ${missing[*]}"
}

# Compose v2 (pinned by hash in deploy/requirements.txt) as the docker CLI's plugin; the plain binary when this
# machine has no docker CLI (the same program).
ensure_compose() {
    local stamp
    stamp="$D/venv/.installed-$(sha256sum deploy/requirements.txt | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        rm -rf "$D/venv"
        step compose-install "Installing Compose v2 (pip install --require-hashes -r deploy/requirements.txt)" \
            bash -c "python3 -m venv '$D/venv' && '$D/venv/bin/pip' install -q --disable-pip-version-check --require-hashes -r deploy/requirements.txt"
        touch "$stamp"
    fi
    mkdir -p "$DOCKER_CONFIG/cli-plugins"
    ln -sf "$D/venv/bin/docker-compose" "$DOCKER_CONFIG/cli-plugins/docker-compose"
}
compose() {
    if command -v docker >/dev/null; then docker compose --env-file /dev/null "$@"
    else "$D/venv/bin/docker-compose" --env-file /dev/null "$@"; fi
}

# Background helpers this run starts and stops: the Docker API (podman system service) and, without systemd,
# the health-check timer stand-in. Each in its own process group, stopped by its recorded id.
start_bg() { # name command...
    local name=$1
    shift
    if [ -f "$D/$name.pid" ] && kill -0 "$(cat "$D/$name.pid")" 2>/dev/null; then return 0; fi
    setsid "$@" >"$LOGDIR/$name.log" 2>&1 </dev/null &
    echo $! >"$D/$name.pid"
}
stop_bg() {
    if [ -f "$D/$1.pid" ]; then kill -- "-$(cat "$D/$1.pid")" 2>/dev/null || true; rm -f "$D/$1.pid"; fi
}
start_engine() {
    start_bg podman-service podman system service --time=0 "$DOCKER_HOST"
    for _ in $(seq 100); do
        [ "$(curl -s --unix-socket "$D/podman.sock" http://d/_ping 2>/dev/null)" = OK ] && break
        sleep 0.1
    done
    [ "$(curl -s --unix-socket "$D/podman.sock" http://d/_ping 2>/dev/null)" = OK ] \
        || die "podman system service did not answer; see .local/log/deploy/podman-service.log"
    start_bg hc-shim "$HERE/podman/hc-shim.sh" "$PROJECT" 2
}

# ---------------------------------------------------------------------------------------------- base images
ensure_base_images() {
    local image todo=()
    for image in "${!BASE_IMAGES[@]}"; do
        if podman image exists "$image"; then
            pass "base image $image present"
        elif timeout 300 podman pull -q "$image" >>"$LOGDIR/pull.log" 2>&1; then
            pass "base image $image pulled"
        else
            todo+=("${BASE_IMAGES[$image]}")
        fi
    done
    [ ${#todo[@]} -eq 0 ] && return 0
    echo "     the registry cannot be reached: building stand-ins for ${todo[*]} from Debian packages"
    step standins "Stand-in base images (${todo[*]}; deploy/podman/build-standins.sh)" \
        env STANDINS_DIR="$D/standins" "$HERE/podman/build-standins.sh" "${todo[@]}"
}

# ---------------------------------------------------------------------------------------------- helpers
# The stack is reached as the TLS proxy would reach it: an allowed Host and X-Forwarded-Proto.
H=(-H "Host: $HOST" -H "X-Forwarded-Proto: https")
code() { curl -s -m 10 "${H[@]}" -o /dev/null -w '%{http_code}' "$URL$1" || true; }
cid() { # the container of a long-running service (not a `compose run` one)
    podman ps -a -q --filter "label=com.docker.compose.project=$PROJECT" \
        --filter "label=com.docker.compose.service=$1" --filter "label=com.docker.compose.oneoff=False" | head -1
}
inspect() { podman inspect --format "$2" "$(cid "$1")"; }
manage() { compose exec -T web python manage.py "$@"; }
sql() { compose exec -T "$1" psql -U app -d participation -Atc "$2"; }
wait_for() { # seconds command...: until the command succeeds
    local end=$(($(date +%s) + $1))
    shift
    until "$@"; do [ "$(date +%s)" -lt $end ] || return 1; sleep 0.5; done
}
healthz_is() { [ "$(code /healthz)" = "$1" ]; }
streaming() { [ "$(sql db "select state from pg_stat_replication" 2>/dev/null)" = streaming ]; }

# ---------------------------------------------------------------------------------------------- checks
check_listen() {
    local listeners
    listeners=$(ss -Hltn "sport = :$WEB_PORT" | awk '{print $4}' | sort -u | tr '\n' ' ')
    [ "$listeners" = "127.0.0.1:$WEB_PORT " ] && pass "published on 127.0.0.1:$WEB_PORT only" \
        || fail "published on '$listeners', not only on 127.0.0.1:$WEB_PORT"
}

check_migrations() {
    local exit_code pending applied order
    exit_code=$(inspect migrate '{{.State.ExitCode}}')
    applied=$(manage showmigrations --plan 2>/dev/null | grep -c '^\[X\]' || true)
    pending=$(manage showmigrations --plan 2>/dev/null | grep -c '^\[ \]' || true)
    # web and worker start only after migrate has finished (service_completed_successfully)
    order=$(python3 - "$(inspect migrate '{{.State.FinishedAt.UnixNano}}')" \
        "$(inspect web '{{.State.StartedAt.UnixNano}}')" "$(inspect worker '{{.State.StartedAt.UnixNano}}')" <<'PY'
import sys
done, web, worker = (int(x) / 1e9 for x in sys.argv[1:])
print(f"web +{web - done:.1f} s, worker +{worker - done:.1f} s" if min(web, worker) >= done else "before")
PY
    )
    if [ "$exit_code" = 0 ] && [ "$applied" -gt 0 ] && [ "$pending" = 0 ] && [ "$order" != before ]; then
        pass "migrations on a new db volume: migrate exited 0, $applied applied, 0 pending; then started: $order"
    else
        fail "migrations: migrate exit $exit_code, $applied applied, $pending pending, order: $order"
    fi
    if compose logs worker 2>&1 | grep -q 'does not exist'; then fail "worker log mentions a missing relation"; fi
}

# The database image (deploy/db/Dockerfile) has pgRouting: the extension geo 0017 creates is there, its library
# loads (a route on a two-edge graph; a one-way edge is not ridden backwards), and the street network's tables
# exist. PostGIS, pgRouting, pg_trgm and unaccent with their versions in the line.
check_pgrouting() {
    local version route geo tables extensions
    version=$(sql db "select pgr_version()" 2>&1)
    route=$(sql db "select string_agg(node::text, '>' order by seq) from pgr_dijkstra(
        'select * from (values (1, 1, 2, 10::float8, -1::float8), (2, 2, 3, 5, 5), (3, 1, 3, 40, 40))
         as e(id, source, target, cost, reverse_cost)', 3, 1)" 2>&1)
    geo=$(sql db "select string_agg(name, ' ') from django_migrations where app = 'geo' and name like '0017\_%'" 2>&1)
    tables=$(sql db "select count(to_regclass(t)) from unnest(array['geo_street_network', 'geo_network_vertex',
        'geo_network_edge']) as t" 2>&1)
    extensions=$(sql db "select string_agg(extname || ' ' || extversion, ', ' order by extname) from pg_extension
        where extname in ('postgis', 'pgrouting', 'pg_trgm', 'unaccent')" 2>&1)
    if [[ "$version" =~ ^[0-9]+\.[0-9]+ ]] && [ "$route" = "3>1" ] && [ -n "$geo" ] && [ "$tables" = 3 ] &&
        [ "$(tr -cd , <<<"$extensions")" = ",,," ]; then
        pass "db image $DB_IMAGE: pgr_version() $version, a route 3>1 (one-way respected); geo $geo applied, 3 network tables; $extensions"
    else
        fail "pgRouting: pgr_version() '$version', route '$route', geo 0017 '$geo', $tables of 3 network tables, extensions '$extensions'"
    fi
}

check_health() {
    local body health
    body=$(curl -s -m 10 "${H[@]}" "$URL/healthz")
    health=$(inspect web '{{.State.Health.Status}}')
    if [ "$(code /healthz)" = 200 ] && [ "$health" = healthy ]; then
        pass "/healthz 200 $body; web container $health (the image's HEALTHCHECK)"
    else
        fail "/healthz $(code /healthz) $body; web container $health"
    fi
    health=$(inspect db '{{.State.Health.Status}}')/$(inspect redis '{{.State.Health.Status}}')
    [ "$health" = healthy/healthy ] && pass "db and redis healthy" || fail "db/redis: $health"
}

check_image() {
    local out size
    out=$(compose exec -T web sh -c 'id -u; find /app /opt/venv -writable -printf "writable: %p\n" -quit
        test -w "$EXPORT_ROOT" || echo "not writable: $EXPORT_ROOT"
        for p in tests benchmarks .ci .git deploy docs node_modules .venv; do test -e "/app/$p" && echo "/app/$p"; done
        command -v uv; python -c "import pytest" 2>/dev/null && echo "dev extra installed"; true' 2>&1)
    size=$(podman image inspect --format '{{.Size}}' "$APP_IMAGE" | awk '{printf "%d MB", $1 / 1e6}')
    if [ "$out" = 1000 ]; then
        pass "image ($size): runs as uid 1000; code and venv read-only, exports writable; no tests, benchmarks, .ci, .git, uv or dev extra"
    else
        fail "image: $(echo "$out" | tr '\n' ' ')"
    fi
}

check_pages() {
    local s c n css headers
    s=$(now)
    if manage load_demo --no-accounts >"$LOGDIR/load_demo.log" 2>&1; then
        pass "demo loaded ($(since "$s") s)"
    else
        fail "load_demo; see .local/log/deploy/load_demo.log"
    fi
    check_demo_network
    c=$(code /)
    [ "$c" = 200 ] || [ "$c" = 302 ] && pass "/ $c" || fail "/ $c"
    s=$(now)
    c=$(code /projects/karlsruhe-ebikes/)
    [ "$c" = 200 ] && pass "map page /projects/karlsruhe-ebikes/ 200 ($(since "$s") s)" || fail "map page $c"
    c=$(code /no-such-page/)
    [ "$c" = 404 ] && pass "unknown page 404" || fail "unknown page $c"
    c=$(code /api/v1/projects/)
    [ "$c" = 200 ] && pass "/api/v1/projects/ 200" || fail "/api/v1/projects/ $c"
    n=$(curl -s -m 10 "${H[@]}" "$URL/api/v1/projects/karlsruhe-ebikes/suggestions/?bbox=8.3,48.9,8.5,49.1" |
        python3 -c 'import json, sys; print(len(json.load(sys.stdin)["features"]))' 2>/dev/null || echo none)
    [ "$n" != none ] && [ "$n" -gt 0 ] && pass "API viewport: $n suggestions" || fail "API viewport: $n"
    css=$(curl -s -m 10 "${H[@]}" "$URL/projects/karlsruhe-ebikes/" | grep -o '/static/[^"]*\.[0-9a-f]\{12\}\.css' | head -1)
    headers=$(curl -s -m 10 "${H[@]}" -H 'Accept-Encoding: gzip' -o /dev/null -D - "$URL$css" | tr -d '\r')
    if [ -n "$css" ] && grep -q '^HTTP/1.1 200' <<<"$headers" && grep -qi '^cache-control:.*immutable' <<<"$headers" &&
        grep -qi '^content-encoding: gzip' <<<"$headers"; then
        pass "hashed static file $css: 200, gzip, $(grep -i '^cache-control' <<<"$headers") (whitenoise)"
    else
        fail "static file '$css': $(head -1 <<<"$headers")"
    fi
}

# The demo's street network, imported in the web container by load_demo (GDAL's OSM driver), routed on by
# pgRouting in db: the crossings a bicycle reaches within 2 km of the market square (from the nearest edge a
# bicycle may ride: the nearest crossing there is on steps).
check_demo_network() {
    local out
    out=$(sql db "with n as (select n.id from geo_street_network as n join participation_project as p
            on p.id = n.project_id where p.slug = 'karlsruhe-ebikes'),
        start as (select e.source as id from geo_network_edge as e, n where e.network_id = n.id and e.cost >= 0
            order by e.geom <-> ST_SetSRID(ST_MakePoint(8.4037, 49.0094), 4326) limit 1)
        select (select count(*) from geo_network_edge as e, n where e.network_id = n.id) || ' edges, '
            || (select count(distinct e.name) from geo_network_edge as e, n where e.network_id = n.id
                and e.name <> '') || ' street names, '
            || (select count(*) from start, n, pgr_drivingDistance(format('select id, source, target, cost,
                reverse_cost from geo_network_edge where network_id = %s', n.id), start.id, 2000, true))
            || ' crossings within 2 km by bicycle'" 2>&1)
    if [[ "$out" =~ ^[1-9][0-9]*\ edges,\ [1-9][0-9]*\ street\ names,\ ([0-9]+)\ crossings ]] &&
        [ "${BASH_REMATCH[1]}" -gt 100 ]; then
        pass "demo street network: $out (pgr_drivingDistance from the market square)"
    else
        fail "demo street network: '$out'"
    fi
}

check_worker() {
    local out id status secs
    out=$(manage shell -c '
import time
from participation.notifications import send_contact_confirmation
result, start = send_contact_confirmation.enqueue(0), time.monotonic()
while result.status in ("READY", "RUNNING") and time.monotonic() - start < 60:
    time.sleep(0.2)
    result.refresh()
print(result.id, result.status, f"{time.monotonic() - start:.1f}")' 2>&1 | tail -1)
    read -r id status secs <<<"$out"
    [ "$status" = SUCCESSFUL ] && pass "worker ran task $id in $secs s" || fail "worker: $out"
}

check_replica() {
    local s hz version
    s=$(now)
    export DATABASE_REPLICA_URL=postgis://app:app@db-replica:5432/participation
    if ! compose --profile replica up -d --wait --wait-timeout 300 >"$LOGDIR/up-replica.log" 2>&1; then
        fail "replica profile: up --wait (see .local/log/deploy/up-replica.log)"
        return
    fi
    if wait_for 120 streaming; then
        pass "replica profile: up --wait and streaming after $(since "$s") s"
    else
        fail "replica: pg_stat_replication '$(sql db "select state from pg_stat_replication")'"
    fi
    # Routing reads may go to the replica: it runs the same image, so pgRouting's library loads there too.
    version=$(sql db-replica "select pgr_version()" 2>&1)
    [[ "$version" =~ ^[0-9]+\.[0-9]+ ]] && pass "db-replica: pgr_version() $version" || fail "db-replica: pgr_version() '$version'"
    sql db "create table deploy_check_probe (x int); insert into deploy_check_probe values (42)" >/dev/null
    s=$(now)
    if wait_for 30 probe_on_replica; then
        pass "a write on db is read on db-replica after $(since "$s") s"
    else
        fail "db-replica did not receive the write"
    fi
    sql db "drop table deploy_check_probe" >/dev/null
    wait_for 60 replica_ok || true
    hz=$(curl -s -m 10 "${H[@]}" "$URL/healthz")
    grep -q '"replica": "ok"' <<<"$hz" && pass "/healthz with the replica: $hz" || fail "/healthz with the replica: $hz"
}
probe_on_replica() { [ "$(sql db-replica 'select x from deploy_check_probe' 2>/dev/null)" = 42 ]; }
replica_ok() { curl -s -m 5 "${H[@]}" "$URL/healthz" | grep -q '"replica": "ok"'; }

check_db_restart() {
    local s headers first retry_after
    s=$(now)
    compose stop db >"$LOGDIR/db-stop.log" 2>&1 || fail "compose stop db"
    wait_for 30 healthz_is 503 || true
    headers=$(curl -s -m 10 "${H[@]}" -o /dev/null -D - "$URL/healthz" | tr -d '\r')
    retry_after=$(grep -i '^retry-after:' <<<"$headers" | awk '{print $2}')
    if grep -q '^HTTP/1.1 503' <<<"$headers" && [ -n "$retry_after" ] && [ "$(code /projects/karlsruhe-ebikes/)" = 503 ]; then
        pass "db stopped: /healthz and the map page 503 with Retry-After: $retry_after ($(since "$s") s after stop)"
    else
        fail "db stopped: $(head -1 <<<"$headers"), Retry-After '$retry_after', map page $(code /projects/karlsruhe-ebikes/)"
    fi
    s=$(now)
    compose start db >"$LOGDIR/db-start.log" 2>&1 || fail "compose start db"
    if wait_for 120 healthz_is 200 && [ "$(code /projects/karlsruhe-ebikes/)" = 200 ]; then
        first=$(since "$s")
        pass "db started again: /healthz and the map page 200 after $first s"
    else
        fail "db started again: /healthz $(code /healthz)"
    fi
    s=$(now)
    wait_for 120 streaming && pass "replica streams again after $(since "$s") s" || fail "replica does not stream again"
    wait_for 60 all_running && pass "every service running: $(states)" || fail "after the db restart: $(states)"
}
states() {
    podman ps -a -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.oneoff=False" |
        xargs -r podman inspect --format '{{index .Config.Labels "com.docker.compose.service"}}={{.State.Status}}' |
        sort | tr '\n' ' '
}
all_running() { ! states | tr ' ' '\n' | grep -v '^migrate=exited$' | grep -v '=running$' | grep -q .; }

check_web_kill() {
    local pid after s
    pid=$(inspect web '{{.State.Pid}}')
    RESTARTS=$(inspect web '{{.RestartCount}}')
    s=$(now)
    kill -KILL "$pid"
    wait_for 60 restarted || true
    if wait_for 120 healthz_is 200; then
        after=$(inspect web '{{.RestartCount}}')
        [ "$after" -gt "$RESTARTS" ] && pass "web's process killed (SIGKILL): restarted by its policy ($RESTARTS -> $after restarts), /healthz 200 after $(since "$s") s" \
            || fail "web killed: /healthz 200 but restart count $RESTARTS -> $after"
    else
        fail "web killed: not back after 120 s ($(states))"
    fi
}

restarted() { [ "$(inspect web '{{.RestartCount}}')" -gt "$RESTARTS" ]; }

# The daily jobs as the host's cron runs them (deploy/README.md): the first exactly as docs/privacy.md
# writes it (Compose also starts its dependencies: migrate runs again), the others with --no-deps (the stack is up).
check_purges() {
    local cmd s out args
    for cmd in purge_personal_data purge_exports purge_idempotency_keys purge_tile_cache; do
        args=(run --rm -T)
        [ "$cmd" = purge_personal_data ] || args+=(--no-deps)
        s=$(now)
        if out=$(compose "${args[@]}" web python manage.py "$cmd" 2>"$LOGDIR/$cmd.log"); then
            pass "compose ${args[*]} web python manage.py $cmd ($(since "$s") s): $(tail -1 <<<"$out")"
        else
            fail "compose ${args[*]} web python manage.py $cmd; see .local/log/deploy/$cmd.log"
        fi
    done
}

# ---------------------------------------------------------------------------------------------- teardown
teardown() {
    local volumes
    volumes=$(podman ps -a -q --filter "label=com.docker.compose.project=$PROJECT" |
        xargs -r podman inspect --format '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' 2>/dev/null || true)
    compose --profile replica down -v --remove-orphans --timeout 10 >"$LOGDIR/down.log" 2>&1 || true
    # the project's volumes, anonymous ones included (which `down -v` leaves behind on podman)
    for v in $volumes; do podman volume rm -f "$v" >/dev/null 2>&1 || true; done
    stop_bg hc-shim
    stop_bg podman-service
}

on_exit() {
    local rc=$?
    if [ "${KEEP:-0}" = 1 ]; then
        echo "KEEP=1: the stack is still running on $URL (Host: $HOST); 'bash deploy/check.sh down' removes it."
    elif [ "${PHASE:-}" = stack ]; then
        local s
        s=$(now)
        teardown
        echo "torn down: containers, volumes, podman service and health-check shim ($(since "$s") s)"
    fi
    echo "deploy-check: $FAILS failure(s), $(since "$T0") s in all"
    [ "$rc" -ne 0 ] && exit "$rc"
    [ "$FAILS" -eq 0 ] || exit 1  # an EXIT trap sets the status only through exit
}

# ---------------------------------------------------------------------------------------------- main
# The stack's environment, as docs/deploy.md sets it for a site behind a TLS proxy; the checkout's .env
# (for `make run`) is not read (--env-file /dev/null).
DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS=$HOST DJANGO_CSRF_TRUSTED_ORIGINS=https://$HOST SITE_URL=https://$HOST
export EMAIL_URL=consolemail:// DEFAULT_FROM_EMAIL=participation@example.org DATABASE_REPLICA_URL=
export POSTGRES_PASSWORD=app REPLICATION_PASSWORD=replicator

if [ "${1:-}" = down ]; then
    start_engine
    teardown
    echo "torn down"
    exit 0
fi
ensure_packages
ensure_compose
ensure_base_images
start_engine
PHASE=stack
trap on_exit EXIT
teardown  # whatever an interrupted earlier run left
start_engine
step build "image built from the Dockerfile ($APP_IMAGE)" compose build
step up "compose up --wait: db, redis, migrate, web, worker" compose up -d --wait --wait-timeout 300
set +e  # from here every check reports and the run goes on; on_exit counts the failures
CHECKS=$(now)
check_listen
check_migrations
check_pgrouting
check_health
check_image
check_pages
check_worker
check_replica
check_db_restart
check_web_kill
check_purges
echo "     checks: $(since "$CHECKS") s"
