# The production image: the same Debian 12 (bookworm), Python 3.11, GDAL, locked Python packages (uv.lock) and
# front-end build as `make run`. Built and run by `make deploy-check` (deploy/check.sh) on podman.

FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/src frontend/src
RUN npm run build

# Exactly what uv.lock pins (no dev extra) in /opt/venv; uv itself (pinned by hash) stays in this stage.
FROM python:3.11-slim-bookworm AS python
# UV_NATIVE_TLS: uv trusts the image's CA store (like pip), not only its built-in roots.
ENV UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1 UV_NO_CACHE=1 UV_NATIVE_TLS=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY config/requirements/uv.txt config/requirements/uv.txt
RUN pip install --no-cache-dir --require-hashes -r config/requirements/uv.txt
COPY pyproject.toml uv.lock ./
# uv leaves a world-writable lock file in the environment; the app user gets no writable file in it.
RUN uv sync --frozen --no-dev --python /usr/local/bin/python3.11 && rm -f /opt/venv/.lock

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH VIRTUAL_ENV=/opt/venv \
    DJANGO_SETTINGS_MODULE=config.settings.production EXPORT_ROOT=/var/lib/participation/exports \
    PHOTO_ROOT=/var/lib/participation/photos
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 1000 app \
 && install -d -o app -g app -m 750 /var/lib/participation/exports /var/lib/participation/photos
COPY --from=python /opt/venv /opt/venv
# The code, translations and static files belong to root: the app user reads them and writes only
# EXPORT_ROOT (a volume in docker-compose.yml) and /tmp.
WORKDIR /app
COPY . .
COPY --from=frontend /build/frontend/static/frontend/build frontend/static/frontend/build
# Build-time only: the real secret key comes from the environment at run time.
RUN export DJANGO_SECRET_KEY=build-only-never-used-at-run-time-0123456789abcdefghijkl \
        SITE_URL=https://build.invalid DJANGO_NUM_PROXIES=1 \
 && python manage.py compilemessages \
 && python manage.py collectstatic --noinput -v 0 \
 && python -m compileall -q -j 0 config fixtures frontend geo participation surveys
USER app
EXPOSE 8000
# Asks as the TLS proxy does (an allowed Host, X-Forwarded-Proto); see config/docker/healthcheck.sh.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["/app/config/docker/healthcheck.sh"]
# gunicorn with threads (gthread), as DESIGN.md measured, with the settings `make run` uses
# (config/gunicorn.conf.py: GUNICORN_WORKERS, GUNICORN_THREADS). Migrations are not run here: docker-compose.yml's
# one-shot `migrate` service runs them before web and worker start (several web containers never race).
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
