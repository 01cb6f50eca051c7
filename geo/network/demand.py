"""Demand per street segment: which network edges each suggested path follows, and per edge the published
suggestions along it with their supports.

Both tables are kept exact by PostgreSQL (geo/sql/network_match_trigger.sql) in the transaction that changes
a suggestion, like the cluster cells and the coverage analysis, and matched again whole for a project after
its network was replaced (geo.network.demand_services). No foreign keys: an import replaces the edges under
the matches, and the re-match that follows sets the new ids; readers join the edges, so a match of an edge
that is gone is never shown.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionEdge(models.Model):
    """A network edge a line suggestion follows: within the matching tolerance along most of the edge's
    length, and running the same way as the path (a crossing street is not followed)."""

    pk = models.CompositePrimaryKey("suggestion_id", "edge_id")
    suggestion_id = models.BigIntegerField()
    edge_id = models.BigIntegerField()
    project_id = models.BigIntegerField()
    # The share (0..1) of the edge's length within the tolerance of the path.
    share = models.FloatField()

    class Meta:
        db_table = "geo_suggestion_edge"
        verbose_name = _("suggestion edge")
        indexes = [
            models.Index(fields=["edge_id"], name="suggestion_edge_edge"),
            models.Index(fields=["project_id"], name="suggestion_edge_project"),
        ]

    def __str__(self) -> str:
        return f"suggestion {self.suggestion_id}, edge {self.edge_id}"


class SegmentDemand(models.Model):
    """The published suggestions that follow one edge, and their supports. Demand (what colours the map) is
    both together: each suggestion is its author's voice, each support one more."""

    edge_id = models.BigIntegerField(primary_key=True)
    project_id = models.BigIntegerField()
    suggestions = models.IntegerField(default=0)
    supports = models.BigIntegerField(default=0)

    class Meta:
        db_table = "geo_segment_demand"
        verbose_name = _("segment demand")
        indexes = [
            models.Index(fields=["project_id", "edge_id"], name="segment_demand_project"),
        ]

    def __str__(self) -> str:
        return f"edge {self.edge_id}"
