"""A project's street network: routable edges between vertices, for pgRouting.

One network per project, replaced only as a whole by an import (geo.network.imports), in one transaction:
routing never sees half a network. Edges are the pieces of streets between two crossings (or a crossing and an
end); `source` and `target` are vertex ids in the shape pgRouting reads (`id, source, target, cost,
reverse_cost`). Costs are metres for a bicycle; a negative cost means a bicycle may not ride that way (a
one-way street), the pgRouting convention.

What was matched to the network (a suggestion's edges) is derived from the suggestion's own geometry and
matched again after each import, so a newer extract replaces the edges without losing the matches.
"""

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StreetNetwork(models.Model):
    """The network of one project and what its last import did (`import_report`)."""

    project = models.OneToOneField(
        "participation.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100, default="", blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    attribution = models.CharField(
        _("attribution"), max_length=300, blank=True, help_text=_("Shown on the map, e.g. © OpenStreetMap.")
    )
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    # Bumped by every import in its transaction: caches of routes, tiles and matches built from older edges
    # compare it.
    generation = models.BigIntegerField(_("generation"), default=0, editable=False)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True, editable=False)
    import_report = models.JSONField(_("last import"), default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "geo_street_network"
        verbose_name = _("street network")
        verbose_name_plural = _("street networks")

    def __str__(self) -> str:
        return self.name or str(_("street network"))


class NetworkVertex(models.Model):
    """A crossing or an end of a street: where edges meet."""

    id = models.BigAutoField(primary_key=True)
    network = models.ForeignKey(StreetNetwork, on_delete=models.CASCADE, related_name="vertices")
    geom = models.PointField(_("position"), srid=4326)  # GiST index from the field

    class Meta:
        db_table = "geo_network_vertex"
        verbose_name = _("network vertex")
        verbose_name_plural = _("network vertices")

    def __str__(self) -> str:
        return f"{self.network_id}/{self.pk}"


class NetworkEdge(models.Model):
    """A piece of a street between two vertices, with what a bicycle may do on it."""

    id = models.BigAutoField(primary_key=True)
    # No index of its own: every index below starts with the network.
    network = models.ForeignKey(StreetNetwork, on_delete=models.CASCADE, related_name="edges", db_index=False)
    source = models.BigIntegerField(_("from vertex"))
    target = models.BigIntegerField(_("to vertex"))
    # Metres along the edge from source to target (cost) and back (reverse_cost); negative: not by bicycle.
    cost = models.FloatField(_("cost"))
    reverse_cost = models.FloatField(_("reverse cost"))
    length_m = models.FloatField(_("length (m)"))
    bicycle = models.BooleanField(_("open to bicycles"))
    name = models.CharField(_("street name"), max_length=200, blank=True)
    highway = models.CharField(_("kind of way"), max_length=40, blank=True)
    osm_way_id = models.BigIntegerField(_("OSM way"), null=True, blank=True)
    # In a small part of the network cut off from the rest (geo/sql/network_stranded.sql): a tap is placed
    # on a street of the connected network before one of these.
    stranded = models.BooleanField(_("cut off"), default=False, db_default=False)
    geom = models.LineStringField(_("geometry"), srid=4326, spatial_index=False)
    # Web Mercator copy for tiles and KNN, computed by PostgreSQL itself so it can never drift from geom.
    geom_3857 = models.GeneratedField(
        expression=Transform("geom", 3857),
        output_field=models.LineStringField(srid=3857, spatial_index=False),
        db_persist=True,
    )

    class Meta:
        db_table = "geo_network_edge"
        verbose_name = _("network edge")
        verbose_name_plural = _("network edges")
        indexes = [
            # One table for every project's network: few networks, so the geometry indexes alone find a
            # project's edges (and the network filter drops the rest).
            GistIndex(fields=["geom"], name="network_edge_geom_gist"),
            GistIndex(fields=["geom_3857"], name="network_edge_3857_gist"),
            models.Index(fields=["network", "source"], name="network_edge_source"),
            models.Index(fields=["network", "target"], name="network_edge_target"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(length_m__gte=0), name="network_edge_length_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.network_id}/{self.pk}"
