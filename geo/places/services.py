"""Building a project's gazetteer (geo.places.models.Place) from what the project has: its street network's
edge names and its districts layers; the imported addresses (geo.places.imports) stay. In SQL, one statement
per source (geo/sql/place_build_*.sql), in one transaction: the search sees the old rows until the new ones
are committed.

Runs after each network import (the `network_replaced` signal, geo.places.receivers), after each import of a
districts layer (geo.layers.imports), after each address import, and by `manage.py build_places`.

Every suggestion's label in words (geo/sql/place_label_trigger.sql) then follows the new gazetteer through
the worker: for a million suggestions that takes minutes, which no import's request may wait for.
"""

import logging
import time

from django.db import connection, transaction
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from geo.sql import SQL

logger = logging.getLogger(__name__)


def places_build(*, project_id: int, labels_now: bool = False) -> dict[str, int]:
    """Make the project's streets and districts again from its network and districts layers; the figures
    (rows per kind afterwards). The suggestions' labels follow by the worker, or in this transaction with
    `labels_now` (the command, the demo)."""
    with transaction.atomic():
        return places_build_in_transaction(project_id=project_id, labels_now=labels_now)


def places_build_in_transaction(*, project_id: int, labels_now: bool = False) -> dict[str, int]:
    """places_build's work, for a caller that holds a transaction (the address import) and may still take it
    all back."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("place_build_lock"), {"project": project_id})
        cursor.execute(SQL.load("place_build_forget"), {"project": project_id})
        cursor.execute(SQL.load("place_build_insert"), {"project": project_id})
        cursor.execute(SQL.load("place_build_derived"), {"project": project_id})
        cursor.execute(SQL.load("place_counts"), {"project": project_id})
        counts = dict(cursor.fetchall())
    if labels_now:
        place_labels_rebuild(project_id=project_id)
    else:
        place_labels_request(project_id=project_id)
    return {
        "streets": counts.get("street", 0),
        "addresses": counts.get("address", 0),
        "districts": counts.get("district", 0),
        "places": counts.get("place", 0),
    }


def place_labels_rebuild(*, project_id: int) -> int:
    """Label every suggestion of the project again from its gazetteer, network and districts; how many label
    rows changed. One rebuild per project at a time: a second one waits, then starts from what the first
    one committed, so an older picture never overwrites a newer one."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SQL.load("place_labels_lock"), {"project": project_id})
        cursor.execute(SQL.load("place_labels_rebuild"), {"project": project_id})
        return cursor.fetchone()[0]


def place_labels_request(*, project_id: int) -> None:
    """Have the worker label the project's suggestions again once the current transaction has committed
    (a rolled-back import asks for nothing). A job of the project that still waits for the worker is
    enough: it has not started, so it reads what this transaction committed (an admin importing the network,
    the addresses and the districts one after the other has the labels rebuilt once, not three times)."""
    transaction.on_commit(lambda: _place_labels_enqueue(project_id))


def _place_labels_enqueue(project_id: int) -> None:
    waiting = DBTaskResult.objects.filter(
        task_path=place_labels_rebuild_task.module_path,
        args_kwargs__args=[project_id],
        status=TaskResultStatus.READY,
    )
    if isinstance(place_labels_rebuild_task.get_backend(), DatabaseBackend) and waiting.exists():
        return
    place_labels_rebuild_task.enqueue(project_id)


@task()
def place_labels_rebuild_task(project_id: int) -> None:
    """The worker's side of `place_labels_request`."""
    started = time.perf_counter()
    written = place_labels_rebuild(project_id=project_id)
    logger.info(
        "Project %s: %s place labels changed in %.1f s", project_id, written, time.perf_counter() - started
    )
