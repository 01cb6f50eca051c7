"""Signals of the street network: what else follows an import."""

from django.dispatch import Signal

# Sent after an import's transaction committed, with `network` (a geo.network.models.StreetNetwork).
network_replaced = Signal()
