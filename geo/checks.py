"""Start-up checks of the GIS channels."""

from django.conf import settings
from django.core import checks

from participation.models import EXPORT_PIECES_TIME_ZONE


@checks.register()
def export_pieces_time_zone(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The stored GeoJSON/CSV pieces write their times in a zone fixed by a migration (a generated column
    reads only constants); every other channel follows settings.TIME_ZONE. Say so when the two differ."""
    if settings.TIME_ZONE == EXPORT_PIECES_TIME_ZONE:
        return []
    return [
        checks.Warning(
            f"TIME_ZONE is {settings.TIME_ZONE}, but the GeoJSON and CSV exports write their times in "
            f"{EXPORT_PIECES_TIME_ZONE} (stored export pieces, geo/sql/export_fragments.sql).",
            hint="Add a migration that re-creates the columns geojson_tail and csv_tail of "
            "participation_suggestion with the new zone, as *_export_pieces_local_time.py does.",
            id="geo.W002",
        )
    ]
