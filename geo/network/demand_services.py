"""Matching a project's suggested paths to its street network again, at once or through the worker.

The triggers (geo/sql/network_match_trigger.sql) keep the matches and the demand per segment exact while
suggestions change. What they do not see is the network itself being replaced: an import sends
`network_replaced` after its commit, and the worker matches every path of the project again, so an
administrator's upload does not wait for the matching.
"""

import logging
import time
from typing import Any

from django.db import connection, transaction
from django.dispatch import receiver
from django_tasks import task

from ..sql import SQL
from .models import StreetNetwork
from .signals import network_replaced

logger = logging.getLogger(__name__)


def network_rematch(*, project_id: int) -> int:
    """Match every line suggestion of the project to its network again and count the demand per segment
    anew, in one transaction. Returns how long it took in milliseconds."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SQL.load("network_match_rebuild"), {"project_id": project_id})
    return round((time.perf_counter() - started) * 1000)


@task()
def network_rematch_task(project_id: int) -> None:
    """The worker's side of `network_replaced`."""
    took_ms = network_rematch(project_id=project_id)
    logger.info("Project %s: paths matched to the new network in %s ms", project_id, took_ms)


@receiver(network_replaced, dispatch_uid="geo.network.demand_services.rematch")
def _network_replaced(sender: Any, *, network: StreetNetwork, **kwargs: Any) -> None:
    # Sent after the import committed: the job sees the new edges.
    network_rematch_task.enqueue(network.project_id)
