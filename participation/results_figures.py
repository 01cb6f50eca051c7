"""The results page's figures, kept in the shared cache: the figures query reads every published suggestion,
support and comment of a project (~2.5 s at 1.1 M suggestions and 2 M supports), too slow to run for each
citizen who opens the page.

A copy younger than FRESH_SECONDS is served as it is. An older one is still served, and the worker computes
a new one (`refresh`, queued at most once per project at a time), so only the first visitor to a project
whose figures were never computed (or were evicted) waits for the query. The copy holds counts only, no
title, text or answer: what moderators hide leaves the lists and the map at once (they are read live), and
a count that is a few minutes behind harms nobody. The page says how old its figures are.
"""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tasks import task

from .sql import SQL

FRESH_SECONDS = 300
# Long enough that a project nobody opened for days is still served at once when someone does.
KEEP_SECONDS = 7 * 24 * 3600
# A refresh that died (a worker stopped) lets another be queued after this long.
REFRESHING_SECONDS = 600


def _key(project_id: int) -> str:
    return f"results-figures:{project_id}"


def compute(project_id: int) -> tuple[datetime, list[tuple]]:
    """Run the figures query now and keep its rows; returns (when, rows)."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("results_figures"), {"project_id": project_id, "tz": settings.TIME_ZONE})
        rows = cursor.fetchall()
    computed = (timezone.now(), rows)
    cache.set(_key(project_id), computed, KEEP_SECONDS)
    return computed


def figures_rows(project_id: int) -> tuple[datetime, list[tuple]]:
    """(when computed, rows of participation/sql/results_figures.sql) of the project."""
    kept = cache.get(_key(project_id))
    if kept is None:
        return compute(project_id)
    computed_at, _rows = kept
    stale = (timezone.now() - computed_at).total_seconds() > FRESH_SECONDS
    if stale and cache.add(f"{_key(project_id)}:refreshing", 1, REFRESHING_SECONDS):
        refresh.enqueue(project_id)
    return kept


def forget(project_id: int) -> None:
    """Drop the project's copy: the next reader computes the figures (the benchmark's cold page)."""
    cache.delete(_key(project_id))


@task()
def refresh(project_id: int) -> None:
    try:
        compute(project_id)
    finally:
        cache.delete(f"{_key(project_id)}:refreshing")
