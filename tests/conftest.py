import os
import time
from graphlib import CycleError, TopologicalSorter

import pytest
from django.conf import settings as django_settings
from django.core.management.base import CommandError
from django.core.management.commands import flush as flush_command
from django.test import Client
from hypothesis import HealthCheck, settings
from psycopg.errors import DeadlockDetected
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, UserFactory

# Property-based tests (hypothesis, schemathesis) go through the database, where one example takes
# milliseconds to tens of milliseconds: no deadline (speed is for benchmarks). "ci" (the default, used by
# `make test`) is derandomized, so a run is repeatable and bounded in time; "dev" explores new examples each
# run; "deep" (ten times the examples) is for a long hunt by hand. HYPOTHESIS_PROFILE picks one. The fuzz
# tests size their budgets with tests.fuzz.budget(), relative to the profile's max_examples.
_FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("ci", max_examples=100, derandomize=True, print_blob=True, **_FUZZ)
settings.register_profile("dev", max_examples=100, **_FUZZ)
settings.register_profile("deep", max_examples=1000, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--dist loadgroup` keeps the tests of one `xdist_group` on one worker (fixed ports, module-scoped
    servers). pytest-xdist 3.8 marks them by appending "@group" to `item._nodeid`, which pytest 9.2 no longer
    reads (its node ids are structured): the groups are silently ignored (pytest-dev/pytest-xdist#1386).
    Until xdist sets it itself, the suffix is put where pytest 9.2 reads the node id."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = NodeId.parse(item.nodeid + suffix)


# ---------------------------------------------------------------------------------------- a quicker flush
# After every transactional test (live_server, concurrency, GDAL reading through its own connection) Django
# flushes the database: one TRUNCATE of all ~37 tables, which gives each table and index a new file and took
# 0.2-0.4 s of PostgreSQL's time per test, most of it for tables the test never wrote. Here the same end
# state (every table empty, then post_migrate as Django does) comes from DELETE in the tables that have
# rows, children before parents, with the tables' own triggers off meanwhile: the append-only audit trail
# refuses DELETE, and the cluster and tile triggers would only rewrite tables emptied anyway. ~0.05 s.
# Only the teardown's flush (reset_sequences=False) takes this path; larger tables (more than QUICK_ROWS
# rows), a `flush` with its defaults and anything that is not PostgreSQL keep Django's TRUNCATE.
QUICK_ROWS = 1000
_django_sql_flush = flush_command.sql_flush
_delete_order: dict[tuple[str, ...], list[str]] = {}


def _children_first(cursor, tables: list[str]) -> list[str]:
    """The tables in an order in which each is emptied before the tables it references."""
    key = tuple(sorted(tables))
    if key not in _delete_order:
        cursor.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid <> confrelid"
        )
        referenced_by: dict[str, set[str]] = {table: set() for table in tables}
        for child, parent in cursor.fetchall():
            if child in referenced_by and parent in referenced_by:
                referenced_by[parent].add(child)
        _delete_order[key] = list(TopologicalSorter(referenced_by).static_order())
    return _delete_order[key]


def _sql_flush_quick(style, connection, reset_sequences=True, allow_cascade=False) -> list[str]:
    if reset_sequences or allow_cascade or connection.vendor != "postgresql":
        return _django_sql_flush(
            style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                # Table names from Django's introspection, quoted.
                f"(SELECT %s, count(*) FROM (SELECT FROM {quote(table)} LIMIT {QUICK_ROWS + 1}) AS t)"  # noqa: S608
                for table in tables
            ),
            tables,
        )
        rows = dict(cursor.fetchall())
        try:
            order = _children_first(cursor, tables)
        except CycleError:
            order = []
    filled = [table for table in order if rows[table]]
    if not order or max(rows.values()) > QUICK_ROWS or not filled:
        return _django_sql_flush(style, connection, reset_sequences=False, allow_cascade=False)
    return [
        *(f"ALTER TABLE {quote(table)} DISABLE TRIGGER USER" for table in filled),
        *(f"DELETE FROM {quote(table)}" for table in filled),  # noqa: S608 (Django's table names)
        "SET CONSTRAINTS ALL IMMEDIATE",  # deferred foreign key checks now, before the triggers return
        *(f"ALTER TABLE {quote(table)} ENABLE TRIGGER USER" for table in filled),
    ]


# A live server may still be answering a request of the test that just ended (a map tile the closed page
# asked for) while the flush takes its locks: PostgreSQL then breaks the deadlock by failing one side, which
# may be the flush (seen once in 2,300 tests, a context-layer tile reading the partitions of
# geo_context_feature while the flush truncated them). The flush runs in one transaction, so it is simply
# tried again once the request is over.
_django_flush_handle = flush_command.Command.handle
FLUSH_TRIES = 3


def _deadlock(error: BaseException) -> bool:
    cause = error.__cause__
    while cause is not None:
        if isinstance(cause, DeadlockDetected):
            return True
        cause = cause.__cause__
    return False


def _flush_handle_retrying(self, **options):
    for attempt in range(1, FLUSH_TRIES + 1):
        try:
            return _django_flush_handle(self, **options)
        except CommandError as error:
            if attempt == FLUSH_TRIES or not _deadlock(error):
                raise
            time.sleep(0.2 * attempt)
    return None


@pytest.fixture(scope="session", autouse=True)
def quick_flush():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush_command, "sql_flush", _sql_flush_quick)
        patch.setattr(flush_command.Command, "handle", _flush_handle_retrying)
        yield


# ------------------------------------------------------------------------- WhiteNoise's file list, once
# Each test client builds its own middleware chain, and WhiteNoiseMiddleware lists and stats every static
# file when it is built (~900 files with WHITENOISE_USE_FINDERS): 0.1-0.15 s per client, a third of the
# suite's Python time. The list depends only on settings and on files that do not change during a run, so
# it is made once per distinct configuration and each new middleware gets a copy.
_whitenoise_init = WhiteNoiseMiddleware.__init__
_whitenoise_files: dict[str, dict] = {}
_WHITENOISE_SETTINGS = (
    "DEBUG", "FORCE_SCRIPT_NAME", "INSTALLED_APPS", "STATICFILES_DIRS", "STATICFILES_FINDERS", "STATIC_ROOT",
    "STATIC_URL", "STORAGES",
)  # fmt: skip


def _whitenoise_init_once(self, get_response=None, settings=django_settings):
    names = [*_WHITENOISE_SETTINGS, *(name for name in dir(settings) if name.startswith("WHITENOISE_"))]
    key = repr([(name, getattr(settings, name, None)) for name in sorted(names)])
    if key not in _whitenoise_files:
        _whitenoise_init(self, get_response, settings)
        _whitenoise_files[key] = self.files
        return
    # The same construction with the two file scans left out, then the list made before.
    self.add_files = self.add_files_from_finders = lambda *args, **kwargs: None
    try:
        _whitenoise_init(self, get_response, settings)
    finally:
        del self.add_files, self.add_files_from_finders
    self.files = dict(_whitenoise_files[key])


@pytest.fixture(scope="session", autouse=True)
def whitenoise_files_once():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "__init__", _whitenoise_init_once)
        yield


# ------------------------------------------------------------------------- each test's cache starts empty
@pytest.fixture(autouse=True)
def cache_left_by_no_other_test():
    """This process's cache keys go before each test (KEY_PREFIX is per process; other workers keep theirs).
    Rate counters are keyed by client address and account id, and ids start again after a flushing test:
    a counter an earlier test left in the current window refused a later test's first write, depending on
    the order (tests/security/test_rate_limits.py after tests/participation, or run twice)."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{django_settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def project(db):
    return ProjectFactory(slug="test-project")


@pytest.fixture
def point_category(project):
    return CategoryFactory(project=project, key="charging-station", geometry_kind="point")


@pytest.fixture
def line_category(project):
    return CategoryFactory(project=project, key="bike-path", geometry_kind="line", colour="#c2410c")


@pytest.fixture
def citizen(db):
    """A signed-up citizen with a confirmed e-mail address and a public name."""
    return CitizenFactory(username="anna", email="anna@example.org", profile__display_name="Anna K.")


@pytest.fixture
def planner(project):
    """A planner of `project` (and of no other)."""
    return UserFactory(username="paula", planner_of=project)


@pytest.fixture
def client_factory(db):
    """Fresh test clients, signed in as `user` when given."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def run_worker(db, monkeypatch):
    """Run the background worker (`manage.py db_worker`) until the queue is empty, as production does.

    The worker recycles its database connection between tasks; inside a test's transaction that would
    close the test's own connection, so only that step is left out. Returns the number of failed tasks, so
    a test sees a mail that could not be built."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        return DBTaskResult.objects.filter(status="FAILED").count()

    return run
