"""Where an export comes from, carried inside every file: project, filters, time of export, licence.

GeoJSON gets it as a top-level `export` member (a foreign member, allowed by RFC 7946), GeoPackage as an
`export_info` table and dataset metadata, KML as the document's description, the Shapefile zip as a
`PROVENANCE.txt` beside the layers. CSV has no place for it that every reader skips: it goes in the
file name and the `X-Export-*` response headers, and the export page shows it.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from participation.models import Project

from .filters import ExportFilter


@dataclass(frozen=True, slots=True)
class Provenance:
    project_title: str
    project_slug: str
    source_url: str
    filters: dict[str, str]
    exported_at: datetime
    licence: str
    open_data: bool

    @classmethod
    def build(
        cls, *, project: Project, export_filter: ExportFilter, source_url: str, open_data: bool
    ) -> "Provenance":
        return cls(
            project_title=project.title,
            project_slug=project.slug,
            source_url=source_url,
            filters=export_filter.as_query(),
            exported_at=timezone.now().replace(microsecond=0),
            licence=settings.EXPORT_LICENCE,
            open_data=open_data,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "project": self.project_title,
            "project_slug": self.project_slug,
            "source": self.source_url,
            "filters": self.filters,
            "exported_at": self.local_time().isoformat(),
            "licence": self.licence,
            "content": "published suggestions, public fields" if self.open_data else "planner export",
        }

    def as_pairs(self) -> list[tuple[str, str]]:
        """Key/value lines for the GeoPackage table, the KML description and PROVENANCE.txt."""
        pairs = [(key, str(value)) for key, value in self.as_dict().items() if key != "filters"]
        pairs += [(f"filter.{key}", value) for key, value in self.filters.items()]
        return pairs

    def as_text(self) -> str:
        return "".join(f"{key}: {value}\n" for key, value in self.as_pairs())

    def local_time(self) -> datetime:
        """The time of export in the site's zone (settings.TIME_ZONE), as every page shows times."""
        return timezone.localtime(self.exported_at, ZoneInfo(settings.TIME_ZONE))

    def file_stem(self) -> str:
        # The slug is [-a-zA-Z0-9_] by construction: a file name from it cannot break a header. The date and
        # time are the site's local ones, as the planner's clock shows them.
        return f"{self.project_slug}-suggestions-{self.local_time():%Y%m%d-%H%M}"
