"""Which database connection serves the heavy reads: the map, tiles, exports and the OGC API.

Every heavy read takes its connection from `heavy_reads()` rather than `django.db.connection`, so that the
choice between the primary and a streaming replica is made in this one place. The choice:

- no `replica` alias (DATABASE_REPLICA_URL unset): the primary;
- a client inside its read-your-writes window (config/read_your_writes.py): the primary, so that a citizen
  sees the suggestion they have just posted;
- the replica is down (marked for DATABASE_REPLICA_RETRY_SECONDS after a failed connect) or further behind
  than DATABASE_REPLICA_MAX_LAG_SECONDS: the primary;
- otherwise the replica. Background tasks (export jobs in the worker) have no request and read the replica.

Only heavy reads move. There is no database router: ORM reads stay on the primary, so moderators, planners
and services always read their own writes, and a replica's lag can never hide a row a rule depends on.
A request makes the choice once, at its first heavy read, and keeps it, so its reads see one server.
"""

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from .sql import SQL

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"


@dataclass(slots=True)
class _RequestReads:
    wants_primary: Callable[[], bool]  # asked once, at the request's first heavy read
    alias: str | None = None


# Set by the middleware for each request and cleared when its response is closed (after a streamed export),
# so code outside a request (the worker, management commands) never inherits a request's choice.
_request: ContextVar[_RequestReads | None] = ContextVar("heavy_reads_request", default=None)


class _ReplicaHealth:
    """Per process: when the replica failed last and how far behind it was when last asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.down_until = 0.0
            self.lag_seconds: float | None = None
            self.lag_checked_at = float("-inf")

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def mark_down(self, error: Exception) -> None:
        with self._lock:
            self.down_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
        logger.warning(
            "replica unavailable, heavy reads go to the primary for %s s: %s",
            settings.DATABASE_REPLICA_RETRY_SECONDS,
            error,
        )

    def lag(self, connection: BaseDatabaseWrapper) -> float:
        """The replica's replay lag in seconds, asked at most every DATABASE_REPLICA_LAG_CHECK_SECONDS."""
        now = time.monotonic()
        if (
            self.lag_seconds is None
            or now - self.lag_checked_at >= settings.DATABASE_REPLICA_LAG_CHECK_SECONDS
        ):
            with connection.cursor() as cursor:
                cursor.execute(SQL.load("replica_lag"))
                (lag,) = cursor.fetchone()
            with self._lock:
                self.lag_seconds, self.lag_checked_at = float(lag), now
        return self.lag_seconds


replica_health = _ReplicaHealth()


def replica_configured() -> bool:
    return REPLICA_ALIAS in connections.settings


def route_request(wants_primary: Callable[[], bool]) -> None:
    """Start a request: its heavy reads go to the primary when `wants_primary()` says so."""
    _request.set(_RequestReads(wants_primary=wants_primary))


def end_request() -> None:
    _request.set(None)


def _replica_usable() -> bool:
    """Whether the replica answers and is recent enough; a failure marks it down instead of raising."""
    if replica_health.is_down():
        return False
    connection = connections[REPLICA_ALIAS]
    try:
        # A persistent connection may be dead (replica restarted): check it now, once per choice, even where
        # no request_started has re-armed Django's own check (the worker, the test client). Django then
        # skips its own check for this request.
        connection.health_check_done = False
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        max_lag = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        if max_lag is not None and replica_health.lag(connection) > max_lag:
            return False
    except DatabaseError as error:
        connection.close()
        replica_health.mark_down(error)
        return False
    return True


def heavy_read_alias() -> str:
    """The database alias for a heavy read in the current request (or task)."""
    if not replica_configured():
        return DEFAULT_DB_ALIAS
    request = _request.get()
    if request is not None and request.alias is not None:
        return request.alias
    if request is not None and request.wants_primary():
        alias = DEFAULT_DB_ALIAS
    else:
        alias = REPLICA_ALIAS if _replica_usable() else DEFAULT_DB_ALIAS
    if request is not None:
        request.alias = alias
    return alias


def heavy_reads() -> BaseDatabaseWrapper:
    """The connection for a heavy read in the current request."""
    return connections[heavy_read_alias()]


def replica_status() -> dict[str, object] | None:
    """For /healthz: None without a replica, else whether it answers and its replay lag in seconds."""
    if not replica_configured():
        return None
    if not _replica_usable() and replica_health.is_down():
        return {"replica": "unreachable"}
    try:
        lag = replica_health.lag(connections[REPLICA_ALIAS])
    except DatabaseError as error:
        connections[REPLICA_ALIAS].close()
        replica_health.mark_down(error)
        return {"replica": "unreachable"}
    max_lag = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    state = "behind" if max_lag is not None and lag > max_lag else "ok"
    return {"replica": state, "replica_lag_seconds": round(lag, 3)}
