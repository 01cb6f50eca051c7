"""Rebuilding a project's coverage analysis, at once or through the worker.

The triggers (geo/sql/analysis_trigger.sql) keep the analysis exact while suggestions change. What they do
not see is a change of the context layers the suggestions are measured against: a layer import or deletion
asks for a rebuild (`analysis_request`), which the worker runs after the change has committed, so an
administrator's upload does not wait for a million KNN lookups.
"""

import time
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from participation import services as participation_services
from participation.services import DistrictsFollowed

from ..sql import SQL
from . import selectors
from .errors import DistrictNotFound
from .models import AnalysisState


def analysis_rebuild(*, project_id: int) -> int:
    """Measure every suggestion of the project again and rebuild its districts and figures, in one
    transaction. Returns how long it took in milliseconds."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SQL.load("analysis_rebuild"), {"project_id": project_id})
        took_ms = round((time.perf_counter() - started) * 1000)
        AnalysisState.objects.update_or_create(
            project_id=project_id, defaults={"rebuilt_at": timezone.now(), "took_ms": took_ms}
        )
    return took_ms


def analysis_request(*, project_id: int) -> None:
    """Have the worker rebuild the project's analysis once the current transaction has committed."""

    def enqueue() -> None:
        requested = timezone.now()
        AnalysisState.objects.update_or_create(project_id=project_id, defaults={"requested_at": requested})
        analysis_rebuild_task.enqueue(project_id, requested.isoformat())

    transaction.on_commit(enqueue)


@task()
def analysis_rebuild_task(project_id: int, requested: str) -> None:
    """The worker's side of `analysis_request`. A burst of requests queues a job each, but a rebuild that
    started after a request was committed already sees its change: those jobs end at once."""
    requested_at = datetime.fromisoformat(requested)
    claimed = AnalysisState.objects.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=requested_at), project_id=project_id
    ).update(started_at=timezone.now())
    if claimed:
        analysis_rebuild(project_id=project_id)


def district_alerts_follow(*, project_id: int) -> DistrictsFollowed | None:
    """The project's districts may have changed (its districts layer imported, deleted, moved or made
    public): participation's district alerts follow them in the caller's transaction (see
    participation.services.alert_districts_follow for how an alert finds its district again). While the
    districts layer is not public nothing changes (None): the alerts keep what they have until it is."""
    try:
        districts = selectors.districts_for_alerts(project_id=project_id)
    except DistrictNotFound:
        return None
    return participation_services.alert_districts_follow(project_id=project_id, districts=districts)
