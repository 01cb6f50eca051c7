"""A project's gazetteer: the streets, addresses, districts and named places its search box finds.

Derived data, rebuilt as a whole per source (geo.places.services): streets from the street network's edge
names (one row per name, its pieces merged), districts from the project's districts layers, addresses and
named places from an imported OSM extract or address list. Python never writes a row: the builds are SQL
(geo/sql/places_*.sql).

`key` is the search key, computed by PostgreSQL itself from `label` with `geo_place_key` (geo 0020,
geo/sql/place_key.sql), the same IMMUTABLE function the search applies to what people type: lower case,
without accents, ß→ss, ä→ae, ö→oe, ü→ue, "str"/"str." at a word's end → "strasse", every run of punctuation
and spaces one space. So "Kaiserstraße", "Kaiserstrasse" and "kaiserstr." have one key.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    STREET = "street", _("street")
    ADDRESS = "address", _("address")
    DISTRICT = "district", _("district")
    PLACE = "place", _("place")


class PlaceSource(models.TextChoices):
    NETWORK = "network", _("street network")
    DISTRICTS = "districts", _("districts layer")
    ADDRESSES = "addresses", _("address list or OSM extract")
    # Streets named only by addresses (an address list without a street network).
    DERIVED = "derived", _("streets of the addresses")


class Place(models.Model):
    """One thing that can be found by its name, with a point to go to and, for a street or a district, its
    extent to show whole."""

    id = models.BigAutoField(primary_key=True)
    # No index of its own: every index below starts with the project.
    project = models.ForeignKey(
        "participation.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PlaceKind.choices)
    source = models.CharField(_("source"), max_length=10, choices=PlaceSource.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    housenumber = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    label = models.CharField(_("label"), max_length=300)
    key = models.GeneratedField(
        expression=Func(F("label"), function="geo_place_key", output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
    )
    # Where the search takes you: the address or place itself, a point on the street, inside the district.
    geom = models.PointField(_("position"), srid=4326)
    # The street's merged line or the district's bounding box: what the map shows whole.
    extent = models.GeometryField(_("extent"), srid=4326, null=True, blank=True, spatial_index=False)

    class Meta:
        db_table = "geo_place"
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            # Names (streets, districts, places; thousands) and addresses (up to millions) apart, so that a
            # search for a name never walks addresses. Prefixes by the B-trees in key order
            # (text_pattern_ops: `~>=~`/`~<~` ranges), typos by the trigram GiST's nearest-first order
            # (`key <->> text`, 1 - word_similarity).
            models.Index(
                fields=["project", "key"],
                opclasses=["int8_ops", "text_pattern_ops"],
                name="place_name_prefix",
                condition=~Q(kind="address"),
            ),
            models.Index(
                fields=["project", "key"],
                opclasses=["int8_ops", "text_pattern_ops"],
                name="place_address_prefix",
                condition=Q(kind="address"),
            ),
            GistIndex(
                fields=["key"],
                opclasses=["gist_trgm_ops"],
                name="place_name_trgm",
                condition=~Q(kind="address"),
            ),
            models.Index(fields=["project", "source"], name="place_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PlaceKind.values), name="place_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=PlaceSource.values), name="place_source_valid"),
            models.CheckConstraint(condition=~Q(label=""), name="place_label_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


class SuggestionPlace(models.Model):
    """Where a suggestion is, in words: its nearest address within 40 m, its nearest street within 200 m and
    its district ("Kaiserstraße 12, Innenstadt-West"). Derived data kept exact by PostgreSQL (geo 0021–0025,
    geo/sql/place_label_trigger.sql): labelled when a suggestion is made or moved, and all of a project's
    again when its gazetteer is built. Only projects with streets or addresses have rows."""

    suggestion = models.OneToOneField(
        "participation.Suggestion", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    project = models.ForeignKey("participation.Project", on_delete=models.CASCADE, related_name="+")
    address = models.CharField(_("nearest address"), max_length=300, blank=True)
    street = models.CharField(_("nearest street"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=300, blank=True)
    # The label as the streamed exports write it (geo_place_label_fragments): `,"place":"…"` and `,"…"`.
    geojson_place = models.TextField(editable=False, default=',"place":null')
    csv_place = models.TextField(editable=False, default=",")

    class Meta:
        db_table = "geo_suggestion_place"
        verbose_name = _("place of a suggestion")
        verbose_name_plural = _("places of suggestions")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return ", ".join(part for part in (self.address or self.street, self.district) if part)
