#!/usr/bin/env bash
# The local stack behind `make run`, `make test` and `make stop`.
#
# Installs what is missing (Debian packages, the virtualenv, npm packages, the front-end build), starts a
# private PostgreSQL 15 + PostGIS cluster and a Redis under .local/ (unless DATABASE_URL / REDIS_URL point
# elsewhere), migrates, loads the demo and serves the app on 127.0.0.1. Each preparation step is quiet when it
# works and ends the run with one line saying what to do when it does not; its output is in .local/log/.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCAL="$ROOT/.local"
LOGDIR="$LOCAL/log"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${PG_PORT:-5434}
REDIS_PORT=${REDIS_PORT:-6380}
WEB_PORT=${PORT:-8000}
DB_NAME=${DB_NAME:-participation}
DEBIAN_PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting gdal-bin libgdal-dev binutils libproj-dev gettext
                 chromium redis-server curl)
# Only for `test`: the GIS clients the suite checks the API with as planners use them (QGIS 3.22 headless and
# OWSLib, both run by the system Python /usr/bin/python3).
TEST_PACKAGES=(qgis python3-qgis python3-owslib libimage-exiftool-perl)

mkdir -p "$LOGDIR"
cd "$ROOT"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# step NAME DESCRIPTION COMMAND...: run quietly, on failure one line (plus the log's tail in CI).
step() {
    local name=$1 desc=$2
    shift 2
    if ! "$@" >"$LOGDIR/$name.log" 2>&1; then
        if [ -n "${CI:-}" ]; then tail -n 60 "$LOGDIR/$name.log" >&2 || true; fi
        die "$desc failed; the details are in .local/log/$name.log. Fix the cause and run the command again."
    fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else return 1
    fi
}

# ---------------------------------------------------------------------------------------------- installs
# ensure_packages [MORE...]: the Debian packages every command needs, and MORE.
ensure_packages() {
    local missing=() p
    command -v npm >/dev/null || missing+=(nodejs npm)
    python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
    for p in "${DEBIAN_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "Installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null && ! command -v sudo >/dev/null; then
        die "missing Debian packages (${missing[*]}): run 'sudo apt-get install ${missing[*]}' as an administrator, then run the command again."
    fi
    step apt "Installing the Debian packages ${missing[*]}" \
        as_root env DEBIAN_FRONTEND=noninteractive bash -c \
        "apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends ${missing[*]}"
}

# uv, pinned with hashes in config/requirements/uv.txt, in its own virtualenv; it installs exactly uv.lock.
UV_HOME="$LOCAL/uv"
UV="$UV_HOME/bin/uv"
export UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy

ensure_uv() {
    local stamp
    stamp="$UV_HOME/.installed-$(sha256sum config/requirements/uv.txt | cut -c1-16)"
    [ -f "$stamp" ] && [ -x "$UV" ] && return 0
    rm -rf "$UV_HOME"
    step uv-venv "Creating the virtualenv for uv in .local/uv" python3 -m venv "$UV_HOME"
    step uv "Installing uv (pip install --require-hashes -r config/requirements/uv.txt)" \
        "$UV_HOME/bin/pip" install --disable-pip-version-check -q --require-hashes -r config/requirements/uv.txt
    touch "$stamp"
}

# The virtualenv holds exactly what uv.lock pins (dependencies and the dev extra), nothing else.
ensure_venv() {
    local stamp
    stamp="$VENV/.installed-$(cat uv.lock pyproject.toml | sha256sum | cut -c1-16)"
    [ -f "$stamp" ] && return 0
    ensure_uv
    say "Installing Python packages into .venv (uv sync --frozen)"
    [ -x "$PY" ] || step venv "Creating the virtualenv .venv" python3 -m venv "$VENV"
    step pip "Installing the Python packages from uv.lock (uv sync --frozen --extra dev)" \
        env UV_PROJECT_ENVIRONMENT="$VENV" "$UV" sync --frozen --extra dev --python "$PY"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
}

# `make lock`: re-resolve uv.lock after a change to pyproject.toml's dependencies (then commit both).
cmd_lock() {
    ensure_uv
    "$UV" lock "$@"
}

ensure_frontend() {
    local stamp
    stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        say "Installing npm packages"
        step npm "Installing the npm packages (npm ci)" npm ci --no-audit --no-fund
        touch "$stamp"
    fi
    step build "Building the front end (npm run build)" npm run build
    step messages "Compiling translations (manage.py compilemessages)" \
        env DJANGO_SETTINGS_MODULE=config.settings.test "$PY" manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=.local
}

# ---------------------------------------------------------------------------------------------- database
# As root, the cluster belongs to the postgres user (initdb refuses root); it must be able to reach it, so a
# checkout under a private home keeps its cluster under /var/tmp instead.
pg_setup_paths() {
    PG_HOME="$LOCAL/pg"
    PG_USER=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        PG_USER=postgres
        if ! runuser -u postgres -- test -x "$LOCAL"; then
            local alt
            alt="/var/tmp/participation-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
            mkdir -p "$alt"
            [ -L "$PG_HOME" ] || { rm -rf "$PG_HOME"; ln -s "$alt" "$PG_HOME"; }
        fi
        mkdir -p "$PG_HOME"
        chown postgres: "$(readlink -f "$PG_HOME")"
    fi
    mkdir -p "$PG_HOME"
    PG_DATA="$PG_HOME/data"
    PG_RUN="$PG_HOME/run"
}

as_pg() {
    if [ "$PG_USER" = "$(id -un)" ]; then "$@"; else runuser -u "$PG_USER" -- "$@"; fi
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

start_postgres() {
    pg_setup_paths
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in .local/pg"
        step initdb "Creating the PostgreSQL cluster (initdb)" \
            as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256
    fi
    if ! pg_running; then
        port_busy "$PG_PORT" && die "port $PG_PORT is in use by another program: stop it, or choose another port for the private database with PG_PORT=<port> (e.g. 'make run PG_PORT=5435')."
        as_pg mkdir -p "$PG_RUN"
        as_pg chmod 700 "$PG_RUN"
        step postgres "Starting PostgreSQL on port $PG_PORT" \
            as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_HOME/postgres.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_RUN -c jit=off"
        STARTED+=(postgres)
    fi
    step dbsetup "Preparing the database (role, PostGIS, database)" pg_prepare_database
    export DATABASE_URL="postgis://app:app@127.0.0.1:$PG_PORT/$DB_NAME"
}

pg_prepare_database() {
    # PostGIS and pgRouting are not trusted extensions: they are created in template1, so every new database
    # (the test database included) has them, and in each database made before pgRouting was needed. The app
    # role gets the settings measured for tile and export queries.
    as_pg psql -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PG_PORT" -U postgres -d template1 -q <<SQL
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pgrouting;
SELECT 'CREATE ROLE app LOGIN CREATEDB PASSWORD ''app'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') \gexec
ALTER ROLE app SET jit = off;
ALTER ROLE app SET max_parallel_workers_per_gather = 0;
SELECT 'CREATE DATABASE $DB_NAME OWNER app'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SELECT 'CREATE ROLE $REPLICATION_USER LOGIN REPLICATION PASSWORD ''$REPLICATION_PASSWORD'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$REPLICATION_USER') \gexec
SQL
    local db
    for db in $(as_pg psql -h "$PG_RUN" -p "$PG_PORT" -U postgres -d template1 -Atq \
                -c "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND datname <> 'postgres'"); do
        as_pg psql -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PG_PORT" -U postgres -d "$db" -q \
            -c 'CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pgrouting;'
    done
    # Streaming replicas (`replica-start`, tests/test_replica.py) connect over loopback only; initdb's
    # default pg_hba.conf has this line, an older or hand-made cluster may not.
    local hba="$PG_DATA/pg_hba.conf"
    if ! as_pg grep -qE "^host[[:space:]]+replication[[:space:]]+(all|$REPLICATION_USER)[[:space:]]+127\.0\.0\.1/32" "$hba"; then
        printf 'host replication %s 127.0.0.1/32 scram-sha-256\n' "$REPLICATION_USER" | as_pg tee -a "$hba" >/dev/null
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" reload
    fi
}

# ---------------------------------------------------------------------------------------------- replica
# A streaming replica of the private cluster on loopback (pg_basebackup -R), to try DATABASE_REPLICA_URL and
# for tests/test_replica.py. `replica-start` copies the cluster once into REPLICA_DIR and starts the copy on
# REPLICA_PORT; `replica-stop` stops it (the copy stays and resumes streaming on the next start);
# `replica-remove` stops it and deletes the copy.
REPLICATION_USER=${REPLICATION_USER:-replicator}
REPLICATION_PASSWORD=${REPLICATION_PASSWORD:-replicator}
REPLICA_PORT=${REPLICA_PORT:-5435}
REPLICA_DIR=${REPLICA_DIR:-$LOCAL/replica}

replica_paths() {
    pg_setup_paths
    REPLICA_DATA="$REPLICA_DIR/data"
    REPLICA_RUN="$REPLICA_DIR/run"
}

replica_running() {
    [ -f "$REPLICA_DATA/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1
}

cmd_replica_start() {
    replica_paths
    replica_running && return 0
    port_busy "$REPLICA_PORT" && die "port $REPLICA_PORT is in use by another program: choose another one with REPLICA_PORT=<port>."
    mkdir -p "$REPLICA_DIR"
    [ "$PG_USER" = "$(id -un)" ] || chown "$PG_USER": "$REPLICA_DIR"
    chmod 700 "$REPLICA_DIR"
    if [ ! -f "$REPLICA_DATA/PG_VERSION" ]; then
        # -R writes standby.signal and primary_conninfo; -X stream brings the WAL written meanwhile.
        step basebackup "Copying the cluster on port $PG_PORT into $REPLICA_DATA (pg_basebackup)" \
            as_pg env PGPASSWORD="$REPLICATION_PASSWORD" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" \
            -U "$REPLICATION_USER" -D "$REPLICA_DATA" -R -X stream -c fast --no-sync
    fi
    as_pg mkdir -p "$REPLICA_RUN"
    as_pg chmod 700 "$REPLICA_RUN"
    step replica "Starting the replica on port $REPLICA_PORT" \
        as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -l "$REPLICA_DIR/postgres.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $REPLICA_PORT -c unix_socket_directories=$REPLICA_RUN -c jit=off"
}

cmd_replica_stop() {
    replica_paths
    if replica_running; then as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null; fi
    return 0
}

cmd_replica_remove() {
    cmd_replica_stop
    rm -rf "$REPLICA_DIR"
}

stop_postgres() {
    pg_setup_paths
    if [ -f "$PG_DATA/PG_VERSION" ] && pg_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
    fi
}

# ---------------------------------------------------------------------------------------------- redis
REDIS_DIR="$LOCAL/redis"
redis_running() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
    mkdir -p "$REDIS_DIR"
    if ! redis_running; then
        port_busy "$REDIS_PORT" && die "port $REDIS_PORT is in use by another program: stop it, or choose another port for the private Redis with REDIS_PORT=<port>."
        step redis "Starting Redis on port $REDIS_PORT" \
            redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$REDIS_DIR" \
            --pidfile "$REDIS_DIR/redis.pid" --logfile "$LOGDIR/redis-server.log" --save "" --appendonly no
        STARTED+=(redis)
    fi
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

stop_redis() {
    redis_running && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 && say "Redis stopped"
    return 0
}

# ---------------------------------------------------------------------------------------------- web
# `make run` serves with gunicorn (config/gunicorn.conf.py, config.settings.local), as production does;
# `make dev` with Django's autoreloading development server. Either runs in its own process group, so
# `make stop` (and the next `make run`/`make dev`) stops the server with all its workers.
WEB_PID="$LOCAL/web.pid"
web_running() { [ -f "$WEB_PID" ] && kill -0 "$(cat "$WEB_PID")" 2>/dev/null; }

stop_web() {
    if web_running; then
        local group
        group=$(cat "$WEB_PID")
        # SIGTERM: gunicorn finishes the requests in flight (graceful_timeout, 10 s), then exits.
        kill -- "-$group" 2>/dev/null || kill "$group" 2>/dev/null || true
        for _ in $(seq 150); do web_running || break; sleep 0.1; done
        if web_running; then kill -KILL -- "-$group" 2>/dev/null || true; sleep 0.2; fi
        [ "${1:-}" = quiet ] || say "Web server stopped"
    fi
    rm -f "$WEB_PID"
}

# collectstatic's hashing and compressing takes seconds: it runs again only when a static file changed (ours,
# the front-end build's, or the packages' of uv.lock) or staticfiles/ lost its manifest.
collect_static() {
    local sources stamp
    sources=$(find . \( -path ./node_modules -o -path ./.venv -o -path ./.local -o -path ./staticfiles \) -prune \
        -o -path '*/static/*' -type f -print0 | sort -z | xargs -0 sha256sum)
    stamp="$LOCAL/static-collected-$(printf '%s\n' "$sources" | cat - uv.lock | sha256sum | cut -c1-16)"
    [ -f "$stamp" ] && [ -f staticfiles/staticfiles.json ] && return 0
    step collectstatic "Collecting the static files into staticfiles/ (manage.py collectstatic)" \
        "$PY" manage.py collectstatic --noinput
    rm -f "$LOCAL"/static-collected-*
    touch "$stamp"
}

# start_web gunicorn|runserver
start_web() {
    local command
    stop_web quiet  # a second `make run` restarts the server with the current code
    port_busy "$WEB_PORT" && die "port $WEB_PORT is in use by another program: stop it, or serve on another port with 'make run PORT=<port>'."
    if [ "$1" = runserver ]; then
        command=("$PY" manage.py runserver "127.0.0.1:$WEB_PORT")
    else
        # The same command line as tests/test_run_server.py: everything else is in the config file.
        command=("$VENV/bin/gunicorn" --config config/gunicorn.conf.py --bind "127.0.0.1:$WEB_PORT")
    fi
    setsid "${command[@]}" >"$LOGDIR/web.log" 2>&1 < /dev/null &
    echo $! >"$WEB_PID"
    for _ in $(seq 150); do
        curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/healthz" 2>/dev/null && return 0
        web_running || break
        sleep 0.2
    done
    die "the web server did not come up; the details are in .local/log/web.log."
}

# ---------------------------------------------------------------------------------------------- worker
# The background worker (django-tasks' database backend) sends the mails services queue. `make test` does
# not need it: tests run the worker themselves (tests/conftest.py, run_worker).
WORKER_PID="$LOCAL/worker.pid"
worker_running() { [ -f "$WORKER_PID" ] && kill -0 "$(cat "$WORKER_PID")" 2>/dev/null; }

stop_worker() {
    if worker_running; then
        # SIGTERM: the worker finishes the task it is running, then exits.
        kill -- "-$(cat "$WORKER_PID")" 2>/dev/null || kill "$(cat "$WORKER_PID")" 2>/dev/null || true
        for _ in $(seq 100); do worker_running || break; sleep 0.1; done
        [ "${1:-}" = quiet ] || say "Worker stopped"
    fi
    rm -f "$WORKER_PID"
}

start_worker() {
    stop_worker quiet  # a second `make run` restarts the worker with the current code
    # The refresh of URL context layers re-queues itself; this mends its chain if a worker died (idempotent).
    "$PY" manage.py refresh_layers >"$LOGDIR/worker.log" 2>&1 \
        || die "manage.py refresh_layers failed; the details are in .local/log/worker.log."
    setsid "$PY" manage.py db_worker --no-reload >>"$LOGDIR/worker.log" 2>&1 < /dev/null &
    echo $! >"$WORKER_PID"
    sleep 0.5
    worker_running || die "the background worker did not start; the details are in .local/log/worker.log."
}

# ---------------------------------------------------------------------------------------------- commands
STARTED=()

prepare() {
    ensure_packages
    ensure_venv
    ensure_frontend
    if [ -z "${DATABASE_URL:-}" ]; then start_postgres; fi
    if [ -z "${REDIS_URL:-}" ]; then start_redis; fi
}

# `make run`: production settings on loopback (config/settings/local.py: DEBUG off, hashed static files, our
# error pages; a secret key of its own in .local/secret_key), served by gunicorn, with the worker beside it.
cmd_run() {
    export DJANGO_SETTINGS_MODULE=config.settings.local SITE_URL="http://127.0.0.1:$WEB_PORT"
    prepare
    step migrate "Migrating the database" "$PY" manage.py migrate --noinput
    step demo "Loading the Karlsruhe demo" "$PY" manage.py load_demo --allow-demo-accounts
    collect_static
    start_web gunicorn
    start_worker
    say "Serving http://127.0.0.1:$WEB_PORT/ with gunicorn (log: .local/log/web.log; background worker: .local/log/worker.log)."
    say "Stop everything with 'make stop'. For development with autoreload and DEBUG: 'make dev'."
}

# `make dev`: Django's development server, reloading on every code change, with DEBUG on. It starts a thread
# per request, and each thread would keep its own database connection: with CONN_MAX_AGE=0 each request
# closes its connection, so a burst of requests cannot use up PostgreSQL's connections.
cmd_dev() {
    export DJANGO_DEBUG=${DJANGO_DEBUG:-true} DJANGO_CONN_MAX_AGE=0
    prepare
    step migrate "Migrating the database" "$PY" manage.py migrate --noinput
    step demo "Loading the Karlsruhe demo" "$PY" manage.py load_demo --allow-demo-accounts
    start_web runserver
    start_worker
    say "Serving http://127.0.0.1:$WEB_PORT/ with the development server (autoreload, DEBUG on; log: .local/log/web.log)."
    say "Stop everything with 'make stop'. The server as production runs it: 'make run'."
}

# `make screenshots`: the documentation's pictures (docs/img/) from the demo as `make run` serves it; on
# purpose only, so that a test run never rewrites tracked files.
cmd_screenshots() {
    cmd_run
    step screenshots "Taking the documentation's screenshots (config/scripts/screenshots.py)" \
        "$PY" config/scripts/screenshots.py "http://127.0.0.1:$WEB_PORT" docs/img
    say "Wrote docs/img/*.png from the demo; review them with 'git diff --stat docs/img' before committing."
}

cmd_test() {
    export DJANGO_SETTINGS_MODULE=config.settings.test
    ensure_packages "${TEST_PACKAGES[@]}"
    prepare
    # Servers this run started are stopped when it ends; ones that were already running stay.
    trap 'for s in "${STARTED[@]}"; do stop_$s >/dev/null || true; done' EXIT
    say "ruff"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    say "import contracts"  # the layering in pyproject.toml's [tool.importlinter]
    "$VENV/bin/lint-imports" --cache-dir "$LOCAL/import_linter_cache"
    say "makemigrations --check"
    DJANGO_SETTINGS_MODULE=config.settings.test "$PY" manage.py makemigrations --check --dry-run
    say "docs"  # --strict: a broken link or anchor fails (not --quiet, which also silences strict in mkdocs 1.6)
    NO_MKDOCS_2_WARNING=1 "$VENV/bin/mkdocs" build --strict --site-dir "$LOCAL/site" 2>&1 | { grep -v '^INFO' || true; }
    say "pytest"
    # The whole suite runs on one xdist worker per core (-n auto; PYTEST_XDIST_AUTO_NUM_WORKERS=<n> sets
    # another number). A run that names test files or directories, or says -n itself, starts no workers
    # unless asked to: one file is quicker without them.
    local workers=(-n auto) arg
    for arg in "$@"; do
        case $arg in -n* | --numprocesses* | tests* | *.py | *.py::*) workers=() ;; esac
    done
    "$VENV/bin/pytest" "${workers[@]}" "$@"
}

# The seeded benchmark (benchmarks/run.py): its own database beside the app's, gunicorn and tipg on loopback,
# both stopped by the harness itself; servers this command started are stopped at the end as in `test`.
cmd_bench() {
    prepare
    trap 'for s in "${STARTED[@]}"; do stop_$s >/dev/null || true; done' EXIT
    "$PY" -m benchmarks.run
}

cmd_stop() {
    stop_worker
    stop_web
    stop_redis
    cmd_replica_stop  # one started with `replica-start` (REPLICA_DIR, by default .local/replica)
    stop_postgres
}

case "${1:-}" in
    run) cmd_run ;;
    dev) cmd_dev ;;
    screenshots) cmd_screenshots ;;
    test) shift; cmd_test "$@" ;;
    stop) cmd_stop ;;
    prepare) prepare ;;
    bench) cmd_bench ;;
    lock) shift; cmd_lock "$@" ;;
    replica-start) cmd_replica_start ;;
    replica-stop) cmd_replica_stop ;;
    replica-remove) cmd_replica_remove ;;
    *) die "usage: $0 run|dev|screenshots|test|bench|stop|prepare|lock|replica-start|replica-stop|replica-remove" ;;
esac
