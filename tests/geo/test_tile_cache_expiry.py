"""`manage.py purge_tile_cache`: old cached tiles go, recent ones stay, and an expired tile is built again
(the same bytes) when it is asked for next."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone

from geo.models import TileCache
from tests.factories import SuggestionFactory
from tests.geo.test_tiles import P, tile_of, url

pytestmark = pytest.mark.django_db


def test_purge_deletes_old_tiles_and_keeps_recent_ones(client, point_category, capsys):
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    old, recent = tile_of(*P, 14), tile_of(*P, 15)
    first = client.get(url(*old))
    assert first.status_code == 200
    assert client.get(url(*recent)).status_code == 200
    TileCache.objects.filter(z=old[0]).update(created_at=timezone.now() - timedelta(days=8))

    call_command("purge_tile_cache", days=7)

    assert "Deleted 1 cached tiles" in capsys.readouterr().out
    assert list(TileCache.objects.values_list("z", flat=True)) == [recent[0]]
    again = client.get(url(*old))
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert TileCache.objects.filter(z=old[0]).exists()


def test_purge_refuses_a_negative_age(db):
    with pytest.raises(SystemExit):
        call_command("purge_tile_cache", days=-1)
