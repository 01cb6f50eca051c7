"""A view's own SQL as its floor: the statements one request runs, captured in-process and replayed.

The floor of a speed row is "the same SQL straight in PostgreSQL". For views whose SQL this harness does not
compose itself (routing, place search), it asks the view once per request in the harness's own process
(Django's test client on the benchmark settings, every cache a dummy so the view computes everything), records
each statement as PostgreSQL receives it (with its values bound by the same adapters, psycopg's mogrify) and
replays those statements through psycopg from as many threads as clients, each thread with its own
connection. Transaction control (BEGIN, SAVEPOINT, ...) is left out: a request's statements run one by one
as Django runs them in autocommit, or in one transaction when the view sets something for its transaction.
"""

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg

from benchmarks.core import LoadResult, run_callables
from benchmarks.read_scenarios import ThreadConnections

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START TRANSACTION")


@dataclass(frozen=True)
class Captured:
    status: int
    size: int
    statements: tuple[str, ...]


def url_exists(path: str) -> bool:
    """Whether the app routes `path` (without its query) to a view."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def capture(path: str, host: str) -> Captured:
    """GET `path` in-process as an anonymous client with Host `host`: its status, size and statements."""
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.test.utils import override_settings

    statements: list[str] = []

    def record(execute, sql, params, many, context):
        text = (
            sql
            if not params
            else psycopg.ClientCursor(context["cursor"].cursor.connection).mogrify(sql, params)
        )
        if not many and not text.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(text)
        return execute(sql, params, many, context)

    dummy = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in settings.CACHES}
    with override_settings(CACHES=dummy), contextlib.ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(record))
        response = Client(HTTP_HOST=host).get(path)
        size = len(b"".join(response.streaming_content) if response.streaming else response.content)
    return Captured(status=response.status_code, size=size, statements=tuple(statements))


def replay_job(pool: ThreadConnections, statements: Sequence[str]) -> Callable[[], int]:
    """One request's statements on the thread's connection, each on its own as Django runs them outside a
    transaction, or all in one when the view sets something for its transaction (SET LOCAL): the bytes of
    the rows."""
    local = any(statement.lstrip().upper().startswith("SET LOCAL") for statement in statements)

    def run(conn: psycopg.Connection) -> int:
        size = 0
        for statement in statements:
            cursor = conn.execute(statement)
            if cursor.description is not None:
                size += sum(len(str(value)) for row in cursor.fetchall() for value in row)
        return size

    def job() -> int:
        if not local:
            return run(pool.conn)
        with pool.conn.transaction():
            return run(pool.conn)

    return job


class WarmConnections(ThreadConnections):
    """Thread connections that first run `warm` once, untimed: what an app's long-lived connection
    (CONN_MAX_AGE) has done before, e.g. load pgRouting's library (~10 ms on a backend's first call)."""

    def __init__(self, dsn: str, warm: str | None) -> None:
        super().__init__(dsn)
        self.warm = warm

    def setup(self) -> None:
        super().setup()
        if self.warm:
            self.conn.execute(self.warm).fetchall()


def warm_floor(
    dsn: str,
    jobs_for: Callable[[ThreadConnections], list[Callable[[], int]]],
    clients: int,
    warm: str | None,
) -> LoadResult:
    """read_scenarios.run_floor on warmed connections."""
    pool = WarmConnections(dsn, warm)
    try:
        return run_callables(jobs_for(pool), clients=clients, setup=pool.setup)
    finally:
        pool.close()


def replay(dsn: str, requests: Sequence[Sequence[str]], clients: int, warm: str | None = None) -> LoadResult:
    """The captured statements of each request, `clients` requests at a time, on warmed connections."""
    return warm_floor(
        dsn, lambda pool: [replay_job(pool, statements) for statements in requests], clients, warm
    )
