"""What the coverage analysis keeps: one row per suggestion (its nearest existing facility, its district, the
share of a suggested path along the existing network) and the figures per district and category.

Both tables are kept exact by PostgreSQL (geo/sql/analysis_trigger.sql) in the transaction that changes a
suggestion, and rebuilt whole for a project when its facilities or districts change (geo.analysis.services).
The dashboard, the exports and the OGC API read them; nothing recomputes them per page view.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionAnalysis(models.Model):
    """A suggestion against what exists. No foreign keys: the trigger writes these rows while the suggestion
    and the context features change around them (a layer import replaces its features, and the rebuild that
    follows sets the new ids)."""

    suggestion_id = models.BigIntegerField(primary_key=True)
    project_id = models.BigIntegerField(db_index=True)
    category_id = models.BigIntegerField()
    # The nearest feature of a facilities layer of the suggestion's category (KNN), its distance in metres.
    facility_id = models.BigIntegerField(null=True)
    facility_distance_m = models.FloatField(null=True)
    # The smallest area of the project's districts layer that holds the suggestion's anchor point.
    district_id = models.BigIntegerField(null=True)
    # For a line: the share (0..1) of its length within NETWORK_TOLERANCE_M of the category's existing lines.
    network_share = models.FloatField(null=True)

    class Meta:
        db_table = "geo_suggestion_analysis"
        verbose_name = _("suggestion analysis")

    def __str__(self) -> str:
        return f"suggestion {self.suggestion_id}"


class DistrictFigure(models.Model):
    """Published demand and existing facilities of one category in one district. Totals add the rows of the
    districts that hold no other district (`nested_in` is NULL for none), so nested districts count once."""

    project_id = models.BigIntegerField(db_index=True)
    district_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    suggestions = models.IntegerField(default=0)
    supports = models.BigIntegerField(default=0)
    # Suggestions (and their supports) within the project's coverage distance of an existing facility.
    covered = models.IntegerField(default=0)
    covered_supports = models.BigIntegerField(default=0)
    facilities = models.IntegerField(default=0)

    class Meta:
        db_table = "geo_district_figure"
        verbose_name = _("district figure")
        constraints = [
            models.UniqueConstraint(
                fields=["project_id", "district_id", "category_id"], name="district_figure_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"district {self.district_id}, category {self.category_id}"


class District(models.Model):
    """A feature of a project's districts layer as the analysis sees it: its area, the district it lies in."""

    feature_id = models.BigIntegerField(primary_key=True)
    project_id = models.BigIntegerField(db_index=True)
    layer_id = models.BigIntegerField()
    name = models.CharField(max_length=300)
    area_km2 = models.FloatField()
    nested_in = models.BigIntegerField(null=True)
    # A district that holds others: its figures are its children's plus what lies in it outside them.
    is_leaf = models.BooleanField(default=True)

    class Meta:
        db_table = "geo_district"
        verbose_name = _("district")

    def __str__(self) -> str:
        return self.name


class AnalysisState(models.Model):
    """When a project's analysis was asked for, started and last rebuilt (how long it took)."""

    project_id = models.BigIntegerField(primary_key=True)
    requested_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)
    took_ms = models.IntegerField(null=True)

    class Meta:
        db_table = "geo_analysis_state"
        verbose_name = _("analysis state")

    def __str__(self) -> str:
        return f"project {self.project_id}"
