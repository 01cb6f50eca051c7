# Everything goes through config/scripts/stack.sh, which installs what is missing and starts a private
# PostgreSQL + PostGIS and Redis under .local/. Variables: PORT (web, 8000), PG_PORT (5434), REDIS_PORT (6380),
# DATABASE_URL / REDIS_URL (use an existing server instead), PYTEST_ARGS (e.g. "-k api -x").
STACK := bash config/scripts/stack.sh

.PHONY: run stop test screenshots bench lock lint format messages backup restore

run:  ## install what is missing, start the database, migrate, load the demo, serve on 127.0.0.1:8000
	@$(STACK) run

stop:  ## stop what `make run` started
	@$(STACK) stop

test:  ## the same preparation, then ruff, makemigrations --check and the whole pytest suite on PostGIS
	@$(STACK) test $(PYTEST_ARGS)

screenshots:  ## refresh the pictures in frontend/screenshots/ (README, docs) from the browser tests that take them
	@README_PICTURES_DIR="$(CURDIR)/frontend/screenshots" $(STACK) test -m screenshots tests/browser

bench:  ## the seeded 1.1 M benchmark: seed once, measure every scenario, write benchmarks/results.md (BENCH_SCALE=smoke: tiny)
	@$(STACK) bench

lock:  ## re-resolve uv.lock after changing the dependencies in pyproject.toml (every install uses it frozen)
	@$(STACK) lock

backup:  ## pg_dump of the database to .local/backups/<db>-<UTC time>.dump (or BACKUP_DIR)
	@bash config/scripts/backup.sh backup

restore:  ## replace the database's contents with a backup: make restore FILE=.local/backups/….dump
	@bash config/scripts/backup.sh restore "$(FILE)"

lint:
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

messages:  ## refresh the German catalogue after changing user-facing strings
	@.venv/bin/python manage.py makemessages -l de --ignore=.venv --ignore=node_modules --ignore=.local
	@.venv/bin/python manage.py makemessages -d djangojs -l de --ignore=.venv --ignore=node_modules --ignore=.local --ignore=frontend/static
