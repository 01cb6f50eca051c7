"""Reads of context layers for the map: who sees which layer, and the list the map's layer control shows.

A layer is everyone's when it and its project are public; any other layer only its project's planners and
moderators (and site administrators) see, on the map, in its tiles and in this list. To anyone else it
does not exist (LayerNotFound, 404).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from participation import rules
from participation.models import Project
from participation.participants import Actor

from ..sql import SQL
from .models import ContextLayer

# Counting a layer's features and their bounds reads them all (100,000 points: ~40 ms): kept per layer and
# last change, so an import or a saved layer is seen at once and the map's page does not pay it per view.
FIGURES_SECONDS = 24 * 3600


def layer_visible(*, user: Actor | None, project: Project, layer_public: bool) -> bool:
    """Whether `user` (None: an anonymous request answered before the session is read) may see a layer of
    `project` that is (`layer_public`) or is not public."""
    if project.is_public and layer_public:
        return True
    if user is None:
        return False
    return rules.can_plan(user, project) or rules.can_moderate(user, project)


@dataclass(frozen=True, slots=True)
class LayerFigures:
    features: int
    bounds: tuple[float, float, float, float] | None  # minlon, minlat, maxlon, maxlat; None when empty


def context_layer_list(*, user: Actor | None, project: Project) -> list[ContextLayer]:
    """The layers of `project` that `user` may see, in their order."""
    # ContextLayer's own ordering (project, position, id).
    layers = ContextLayer.objects.filter(project=project).select_related("category")
    if layer_visible(user=user, project=project, layer_public=False):
        return list(layers)
    if project.is_public:
        return list(layers.filter(public=True))
    return []


def context_layer_figures(layers: list[ContextLayer]) -> dict[int, LayerFigures]:
    """Feature count and bounds of each layer, from the cache when the layer has not changed since."""
    keys = {layer.pk: f"context-layer-figures:{layer.pk}:{layer.updated_at.timestamp()}" for layer in layers}
    cached = cache.get_many(list(keys.values()))
    # Cached as plain tuples (features, bounds): what any cache backend stores.
    found = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(SQL.load("context_layer_figures"), {"layer_ids": missing})
            rows = {row[0]: row for row in cursor.fetchall()}
        fresh = {pk: (rows[pk][1], tuple(rows[pk][2:6])) if pk in rows else (0, None) for pk in missing}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, FIGURES_SECONDS)
        found.update(fresh)
    return {pk: LayerFigures(features=value[0], bounds=value[1]) for pk, value in found.items()}
