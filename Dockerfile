# The production image: the same Debian 12 (bookworm), Python 3.11, GDAL and front-end build as `make run`.
# docker cannot run on the development machines; keep this a faithful mirror of config/scripts/stack.sh.

FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/src frontend/src
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 1000 app \
 && install -d -o app /var/lib/participation/exports
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=frontend /build/frontend/static/frontend/build frontend/static/frontend/build
# Build-time only: the real secret key comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only-never-used-at-run-time-0123456789abcdefghijkl SITE_URL=https://build.invalid DJANGO_NUM_PROXIES=1 python manage.py compilemessages --ignore=.venv \
 && DJANGO_SECRET_KEY=build-only-never-used-at-run-time-0123456789abcdefghijkl SITE_URL=https://build.invalid DJANGO_NUM_PROXIES=1 python manage.py collectstatic --noinput \
 && chown -R app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# Migrations on start, then gunicorn with threads (gthread), as DESIGN.md measured.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread --workers ${GUNICORN_WORKERS:-2} --threads ${GUNICORN_THREADS:-8} --access-logfile -"]
