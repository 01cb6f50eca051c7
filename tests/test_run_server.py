"""`make run` is the real server: gunicorn with config/gunicorn.conf.py and config.settings.local, started
with the command line config/scripts/stack.sh uses (checked below), on the test database.

- 50 requests at once (map page, API list, vector tile, /healthz), three times: every one gets its whole
  answer (no reset, no 5xx), the app never holds more PostgreSQL connections than workers x threads, and none
  is left once the server stops. Django's development server with CONN_MAX_AGE=60, which `make run` used
  before, resets some of them and keeps one connection per request thread, so a few bursts used up
  PostgreSQL's connections and every answer became a 503.
- With DEBUG off, a missing page is our own 404 in the visitor's language, a server error our own 500, and
  static files are whitenoise's hashed, compressed, immutable copies from collectstatic.

Servers listen on 127.0.0.1 on a free port and are always stopped.
"""

import fcntl
import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import translation

from config.db_unavailable import server_error
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory
from tests.load import Answer, request
from tests.servers import ROOT, Gunicorn, at_once, database_url, gunicorn

# Real transactions: the server sees what the tests commit.
transactional = pytest.mark.django_db(transaction=True)
# collectstatic and the servers' whitenoise use the checkout's staticfiles/, as the benchmark harness does
# (tests/benchmarks/test_harness.py): one xdist worker for both.
pytestmark = pytest.mark.xdist_group("staticfiles")

# What `make run` starts (config/scripts/stack.sh, cmd_run and start_web), relative to the checkout.
CONFIG = Path("config/gunicorn.conf.py")
SETTINGS = "config.settings.local"
PARALLEL = 50
BURSTS = 3
SLUG = "run-server"
# The tile with the suggestions below (8.40, 49.00) at zoom 14.
PATHS = (
    f"/projects/{SLUG}/",
    f"/api/v1/projects/{SLUG}/suggestions/?limit=20",
    f"/tiles/{SLUG}/14/8574/5626.pbf",
    "/healthz",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_environment(*, port: int, application_name: str) -> dict[str, str]:
    """The environment cmd_run gives the server, on the test database. The server's connections carry
    `application_name`, so pg_stat_activity tells them from the test's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LIMIT_", "PYTEST", "DATABASE_", "GUNICORN_", "SITE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        SITE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=f"{database_url(connection.settings_dict)}?application_name={application_name}",
        DJANGO_READ_DOT_ENV="false",
        DJANGO_LOG_LEVEL="WARNING",
        # Its own keys in the shared Redis: limits counted by other runs do not count here.
        CACHE_KEY_PREFIX=f"run-server-{uuid.uuid4().hex[:12]}",
        MAP_TILE_URL="",
    )
    return env


def server_connections(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )
        return cursor.fetchone()[0]


@pytest.fixture(scope="module")
def collected_static() -> None:
    """`make run`'s collectstatic step: hashed, compressed copies in staticfiles/ and their manifest."""
    env = local_environment(port=8000, application_name="collectstatic")
    lock_file = ROOT / ".local" / "collectstatic.lock"
    lock_file.parent.mkdir(exist_ok=True)
    # One collectstatic at a time (parallel test workers): two would write the same files and manifest.
    with lock_file.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture
def published_project(transactional_db) -> None:
    project = ProjectFactory(slug=SLUG)
    category = CategoryFactory(project=project, key="charging-station", geometry_kind="point")
    SuggestionFactory.create_batch(5, project=project, category=category)


def serve(tmp_path: Path, application_name: str) -> AbstractContextManager[Gunicorn]:
    port = free_port()
    env = local_environment(port=port, application_name=application_name)
    return gunicorn(port=port, env=env, log_dir=tmp_path, config=CONFIG)


# ------------------------------------------------------------------------------------------ same as make run


def test_the_test_starts_the_server_as_make_run_does():
    """The server below is `make run`'s only if stack.sh still starts it this way."""
    stack = (ROOT / "config/scripts/stack.sh").read_text()

    assert f'command=("$VENV/bin/gunicorn" --config {CONFIG} --bind "127.0.0.1:$WEB_PORT")' in stack
    run = stack[stack.index("cmd_run() {") :]
    assert f"export DJANGO_SETTINGS_MODULE={SETTINGS} " in run[: run.index("\n}")]
    assert "start_web gunicorn" in run[: run.index("\n}")]


# ------------------------------------------------------------------------------------------ under load


@transactional
def test_fifty_parallel_requests_all_answered_and_no_connection_left_behind(
    published_project, collected_static, tmp_path
):
    config = runpy.run_path(str(ROOT / CONFIG))
    threads_in_all = config["workers"] * config["threads"]
    application_name = f"run-server-{uuid.uuid4().hex[:8]}"
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    peak = 0

    with serve(tmp_path, application_name) as server:
        for _burst in range(BURSTS):
            answers = at_once(
                PARALLEL,
                lambda n: request(server.url, "GET", PATHS[n % len(PATHS)], timeout=60),
                missing=Answer(0, error="no answer"),
            )
            for n, answer in enumerate(answers):
                statuses[answer.status] += 1
                if answer.status != 200 or not answer.body:
                    failures.append(f"{PATHS[n % len(PATHS)]}: {answer.status} {answer.error}")
            peak = max(peak, server_connections(application_name))
        log = server.log_text()

    assert not failures, failures[:10]
    assert statuses == {200: PARALLEL * BURSTS}
    # One persistent connection per request thread at most, however many requests came.
    assert 1 <= peak <= threads_in_all, peak
    # Stopped: every connection closed with its process.
    deadline = time.monotonic() + 10
    while server_connections(application_name) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server_connections(application_name) == 0
    assert "Traceback" not in log, log[-3000:]


# ------------------------------------------------------------------------------------------ pages and files


@transactional
def test_without_debug_errors_are_our_pages_and_static_files_are_hashed(
    published_project, collected_static, tmp_path
):
    with serve(tmp_path, f"run-server-{uuid.uuid4().hex[:8]}") as server:
        german = request(server.url, "GET", "/no-such-page/", headers={"Accept-Language": "de"})
        english = request(server.url, "GET", "/no-such-page/", headers={"Accept-Language": "en"})
        page = request(server.url, "GET", f"/projects/{SLUG}/")
        stylesheet = re.search(r'href="(/static/frontend/build/map\.[0-9a-f]{12}\.css)"', page.body.decode())
        assert stylesheet, page.body.decode()[:2000]
        css = request(server.url, "GET", stylesheet.group(1), headers={"Accept-Encoding": "gzip"})

    assert german.status == english.status == 404
    assert "Seite nicht gefunden" in german.body.decode()
    assert "Page not found" in english.body.decode()
    for answer in (german, english):
        # Django's debug page names the URL patterns it tried; ours names none.
        assert "URLconf" not in answer.body.decode()
    assert page.status == 200
    assert page.headers["server"] == "gunicorn"
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["content-encoding"] == "gzip"
    assert "immutable" in css.headers["cache-control"]


@pytest.mark.parametrize(
    ("language", "title"), [("de", "Etwas ist schiefgegangen"), ("en", "Something went wrong")]
)
def test_a_server_error_is_our_page_in_the_visitors_language_without_the_database(language, title):
    # No database access is allowed in this test: the page must not need it (the error may be the database).
    with translation.override(language):
        response = server_error(RequestFactory().get("/projects/x/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert f'<html lang="{language}">' in page


# ------------------------------------------------------------------------------------------ the settings


def local_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_URL"))}
    names = [
        "DEBUG",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECRET_KEY",
    ]
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": SETTINGS, "DJANGO_READ_DOT_ENV": "false", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_local_settings_are_production_on_loopback_http():
    result = local_settings(
        DJANGO_DEBUG="true",
        DJANGO_ALLOWED_HOSTS="participation.example.org",
        DJANGO_SECRET_KEY="a-long-random-key-for-this-test-only-0123456789abcdefgh",
        SITE_URL="http://127.0.0.1:8012",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["SITE_URL"] == "http://127.0.0.1:8012"
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is False


def test_local_settings_refuse_a_public_address():
    result = local_settings(
        DJANGO_SECRET_KEY="a-long-random-key-for-this-test-only-0123456789abcdefgh",
        SITE_URL="https://participation.example.org",
    )

    assert result.returncode != 0
    assert "config.settings.local serves http://127.0.0.1 only" in result.stderr


def test_local_settings_keep_production_checks_on_the_key():
    result = local_settings(DJANGO_SECRET_KEY="change-me-to-a-long-random-string")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be a long random string" in result.stderr


def test_local_settings_make_a_key_once_and_keep_it():
    """Without DJANGO_SECRET_KEY, `make run` uses the checkout's own key in .local/ (ignored by git), the same
    after a restart, so sessions and signed links survive it."""
    first, second = local_settings(), local_settings()

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    key = json.loads(first.stdout)["SECRET_KEY"]
    assert len(key) >= 50
    assert json.loads(second.stdout)["SECRET_KEY"] == key
    key_file = ROOT / ".local" / "secret_key"
    assert key_file.read_text().strip() == key
    assert key_file.stat().st_mode & 0o077 == 0
