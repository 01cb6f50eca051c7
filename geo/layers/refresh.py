"""The worker's refresh of context layers whose source is a URL (geo.layers.remote), every `refresh_hours`.

There is no cron. One system task, `refresh_due_layers`, is kept queued exactly once: when it runs it queues
`refresh_layer` for each URL layer that is due (unless that layer's refresh is already queued or running),
then queues itself again CONTEXT_LAYER_REFRESH_CHECK_MINUTES later. `schedule_refresh` queues it if it is not
queued yet, under an advisory lock so two callers never queue two; it is called when a URL layer is saved
(admin, `manage.py import_layer`), by the task itself (in `finally`, so an error does not end the chain) and
by `manage.py refresh_layers`, which `make run` and docker-compose's worker run before `db_worker`: a chain
broken by a killed worker is mended at its next start.

A refresh is the same import as the first one: it fails as a whole and keeps the previous features. The
failure is written into the layer (`refresh_failed_at`, `refresh_error`, in the site's language; the admin
shows it) and counts as the attempt, so the next try is one interval later, not at the next check.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from geo.sql import SQL

from .imports import ImportReport, LayerRefused
from .models import ContextLayer, SourceKind
from .remote import url_import

logger = logging.getLogger(__name__)

ACTOR = "worker (refresh)"


def url_layers() -> Any:
    """The layers the worker refreshes: a URL source and an interval."""
    return ContextLayer.objects.filter(source_kind=SourceKind.URL, refresh_hours__isnull=False).exclude(
        source_url=""
    )


def next_refresh(layer: ContextLayer) -> datetime | None:
    """When `layer` is due: one interval after its last attempt (success or failure); None if never."""
    if layer.source_kind != SourceKind.URL or not layer.source_url or not layer.refresh_hours:
        return None
    attempts = [at for at in (layer.refreshed_at, layer.refresh_failed_at) if at is not None]
    if not attempts:
        return timezone.now()
    return max(attempts) + timedelta(hours=layer.refresh_hours)


def due_layers(now: datetime | None = None) -> list[ContextLayer]:
    now = now or timezone.now()
    return [layer for layer in url_layers() if (due := next_refresh(layer)) is not None and due <= now]


def schedule_refresh(at: datetime | None = None) -> bool:
    """Queue the refresh check (at `at`, default now) unless one is queued already. True if it queued one.

    Only for the database backend the worker reads: another backend (an immediate one) would run the check
    inside this call, and the check calls this again."""
    backend = refresh_due_layers.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SQL.load("context_layer_refresh_lock"))
        # Only a ready one counts: a running check (this one, calling from its `finally`) is about to end.
        if DBTaskResult.objects.filter(
            task_path=refresh_due_layers.module_path, status=TaskResultStatus.READY
        ).exists():
            return False
        refresh_due_layers.using(run_after=at or timezone.now()).enqueue()
    return True


def _refresh_queued(layer_id: int) -> bool:
    """Whether the layer's refresh will still run: ready, or running and not left behind by a dead worker (a
    running import ends within CONTEXT_LAYER_TIMEOUT_SECONDS)."""
    stale = timezone.now() - timedelta(seconds=2 * settings.CONTEXT_LAYER_TIMEOUT_SECONDS + 60)
    return (
        DBTaskResult.objects.filter(task_path=refresh_layer.module_path, args_kwargs__args=[layer_id])
        .filter(Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=stale))
        .exists()
    )


@task()
def refresh_due_layers() -> list[int]:
    """Queue the refresh of each due URL layer, then this check again. Returns the layers queued."""
    queued = []
    try:
        for layer in due_layers():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(SQL.load("context_layer_refresh_lock"))
                if not _refresh_queued(layer.pk):
                    refresh_layer.enqueue(layer.pk)
                    queued.append(layer.pk)
    finally:
        schedule_refresh(timezone.now() + timedelta(minutes=settings.CONTEXT_LAYER_REFRESH_CHECK_MINUTES))
    return queued


@task()
def refresh_layer(layer_id: int) -> dict[str, Any]:
    """Import the layer's URL again. A failure is recorded in the layer, not raised: it is the source's, not
    the worker's, and the next interval tries again."""
    layer = ContextLayer.objects.filter(pk=layer_id).first()
    if layer is None or layer.source_kind != SourceKind.URL or not layer.source_url:
        return {"refreshed": False, "reason": "not a URL layer"}
    try:
        report = layer_refresh(layer)
    except LayerRefused as refused:
        return {"refreshed": False, "error": refused.message}
    except ContextLayer.DoesNotExist:  # deleted while its source was read
        return {"refreshed": False, "reason": "deleted"}
    return {"refreshed": True, "taken": report.taken_total}


def layer_refresh(layer: ContextLayer, actor: Any = ACTOR) -> ImportReport:
    """Import `layer` from its URL with its saved options. On LayerRefused the layer keeps its features and
    gets the failure's time and message (in the site's language), then the refusal is raised on."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            report = url_import(
                layer=layer,
                url=layer.source_url,
                actor=actor,
                type_name=layer.source_layer or None,
                where=layer.source_where or None,
                srs=layer.source_srs or None,
            )
        except LayerRefused as refused:
            failed_at = timezone.now()
            ContextLayer.objects.filter(pk=layer.pk).update(
                refresh_failed_at=failed_at, refresh_error=refused.message
            )
            layer.refresh_failed_at, layer.refresh_error = failed_at, refused.message
            logger.warning(
                "Refreshing context layer %s from %s failed: %s", layer.pk, layer.source_url, refused
            )
            raise
    return report
