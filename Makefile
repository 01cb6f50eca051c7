# Everything goes through config/scripts/stack.sh, which installs what is missing and starts a private
# PostgreSQL + PostGIS and Redis under .local/. Variables: PORT (web, 8000), PG_PORT (5434), REDIS_PORT (6380),
# DATABASE_URL / REDIS_URL (use an existing server instead), PYTEST_ARGS (e.g. "-k api -x").
STACK := bash config/scripts/stack.sh

.PHONY: run dev stop test bench lock lint format messages backup restore deploy-check screenshots

run:  ## install what is missing, start the database, migrate, load the demo, serve on 127.0.0.1:8000
	@$(STACK) run

dev:  ## the same, but Django's development server: autoreload on code changes, DEBUG on (make stop stops it)
	@$(STACK) dev

stop:  ## stop what `make run` started
	@$(STACK) stop

test:  ## the same preparation, then ruff, makemigrations --check and the whole pytest suite on PostGIS
	@$(STACK) test $(PYTEST_ARGS)

deploy-check:  ## build the image, run docker-compose.yml on podman (127.0.0.1:18000), check it, tear down (KEEP=1 keeps it)
	@bash deploy/check.sh

bench:  ## the seeded 1.1 M benchmark: seed once, measure every scenario, write benchmarks/results.md (BENCH_SCALE=smoke: tiny)
	@$(STACK) bench

lock:  ## re-resolve uv.lock after changing the dependencies in pyproject.toml (every install uses it frozen)
	@$(STACK) lock

screenshots:  ## retake the documentation's pictures (docs/img/) from the demo served by make run (tiles blocked)
	@$(STACK) screenshots

backup:  ## pg_dump of the database to .local/backups/<db>-<UTC time>.dump (or BACKUP_DIR)
	@bash config/scripts/backup.sh backup

restore:  ## replace the database's contents with a backup: make restore FILE=.local/backups/….dump
	@bash config/scripts/backup.sh restore "$(FILE)"

lint:  ## ruff and the import contracts (pyproject.toml's [tool.importlinter])
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --cache-dir .local/import_linter_cache

format:
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

messages:  ## refresh the German catalogue after changing user-facing strings
	@.venv/bin/python manage.py makemessages -l de --ignore=.venv --ignore=node_modules --ignore=.local
	@.venv/bin/python manage.py makemessages -d djangojs -l de --ignore=.venv --ignore=node_modules --ignore=.local --ignore=frontend/static
