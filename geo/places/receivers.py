"""What the gazetteer does when the street network changes: its streets are made again from the new edges.
Connected in geo.apps; the signal comes after the import's transaction committed (geo.network.signals)."""

from typing import Any

from django.dispatch import receiver

from geo.network.signals import network_replaced

from .services import places_build


@receiver(network_replaced, dispatch_uid="geo.places.rebuild_after_network_import")
def rebuild_after_network_import(sender: Any, network: Any, **kwargs: Any) -> None:
    places_build(project_id=network.project_id)
