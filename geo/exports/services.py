"""Starting an export: stream it, write it at once, or hand it to the worker; and running a worker's job.

Permission is checked here, once: planners (and site administrators) of the project get every planner
format and filter; everyone gets the open-data export of a public project's published suggestions.
"""

import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from config.errors import DomainError
from participation import rules
from participation.models import Category, Project
from participation.participants import Actor

from ..models import ExportFormat, ExportJob, ExportJobState
from . import gdal, streams
from .filters import ExportFilter, export_filter_from_query
from .provenance import Provenance
from .styles import QML_MEDIA_TYPE, SLD_MEDIA_TYPE, layer_style

logger = logging.getLogger(__name__)

STREAMED = (ExportFormat.GEOJSON, ExportFormat.CSV)
OPEN_DATA_FORMATS = STREAMED
CONTENT_TYPES = {
    ExportFormat.GEOJSON: "application/geo+json",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    **gdal.CONTENT_TYPES,
}
EXTENSIONS = {ExportFormat.GEOJSON: "geojson", ExportFormat.CSV: "csv", **gdal.EXTENSIONS}
# The job's progress is written at most this often: the bar moves, the database is not kept busy.
PROGRESS_STEP = 0.01


class ExportFormatUnknown(DomainError):
    status_code = 404
    code = "unknown_format"
    default_message = _("There is no such export format.")


class ExportTooLarge(DomainError):
    code = "too_large"
    default_message = _(
        "An Excel worksheet holds at most 1,048,575 rows. "
        "Please choose CSV or GeoPackage, or narrow the filters."
    )


class ExportUnavailable(DomainError):
    status_code = 503
    code = "export_failed"
    default_message = _("The export could not be written. Please try again in a moment.")


class ExportJobMissing(DomainError):
    status_code = 404
    code = "not_found"
    default_message = _("There is no such export.")


class ExportExpired(DomainError):
    status_code = 410
    code = "expired"
    default_message = _("This export has expired. Please start it again.")


class ExportNotReady(DomainError):
    status_code = 409
    code = "not_ready"
    default_message = _("This export is not ready yet.")


@dataclass(frozen=True, slots=True)
class Streamed:
    chunks: Iterator[bytes]
    content_type: str
    filename: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Written:
    """A file written during the request; the caller deletes `directory` once it has sent the file."""

    path: Path
    directory: Path
    content_type: str
    filename: str


@dataclass(frozen=True, slots=True)
class Queued:
    job: ExportJob


class ExportStyleMissing(DomainError):
    status_code = 404
    code = "not_found"
    default_message = _("There is no such style.")


STYLE_MEDIA_TYPES = {"qml": QML_MEDIA_TYPE, "sld": SLD_MEDIA_TYPE}


@dataclass(frozen=True, slots=True)
class StyleFile:
    content: bytes
    content_type: str
    filename: str


def export_format_get(value: str, *, open_data: bool = False) -> ExportFormat:
    formats = OPEN_DATA_FORMATS if open_data else tuple(ExportFormat)
    if value not in [f.value for f in formats]:
        raise ExportFormatUnknown(
            _("There is no such export format. Formats: %(formats)s.") % {"formats": ", ".join(formats)}
        )
    return ExportFormat(value)


def export_start(
    *,
    actor: Actor,
    project: Project,
    export_filter: ExportFilter,
    export_format: ExportFormat,
    source_url: str,
) -> Streamed | Written | Queued:
    """A planner's export: streamed (GeoJSON, CSV), written now (small GDAL exports) or queued."""
    rules.check_can_plan(actor, project)
    provenance = Provenance.build(
        project=project, export_filter=export_filter, source_url=source_url, open_data=False
    )
    if export_format in STREAMED:
        return _stream(project, export_filter, export_format, provenance, analysis=True)
    counts = gdal.export_counts(project_id=project.pk, export_filter=export_filter)
    if export_format == ExportFormat.XLSX and sum(counts.values()) > gdal.XLSX_MAX_ROWS:
        raise ExportTooLarge()
    if sum(counts.values()) > settings.EXPORT_INLINE_MAX_FEATURES:
        return Queued(_job_create(actor, project, export_filter, export_format, source_url))
    directory = Path(tempfile.mkdtemp(prefix="export-"))
    try:
        path = gdal.gdal_export(
            project=project,
            export_filter=export_filter,
            export_format=export_format,
            provenance=provenance,
            directory=directory,
            counts=counts,
        )
    except gdal.ExportFailed:
        shutil.rmtree(directory, ignore_errors=True)
        logger.exception("Export of project %s as %s failed", project.slug, export_format)
        raise ExportUnavailable() from None
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return Written(
        path=path, directory=directory, content_type=CONTENT_TYPES[export_format], filename=path.name
    )


def open_data_export(
    *, project: Project, export_filter: ExportFilter, export_format: ExportFormat, source_url: str
) -> Streamed:
    """Published suggestions of a public project, public fields: for anyone, streamed."""
    if export_filter.states != ("published",):
        raise ValueError("Open data is published suggestions only.")  # its form has no state field
    provenance = Provenance.build(
        project=project, export_filter=export_filter, source_url=source_url, open_data=True
    )
    return _stream(project, export_filter, export_format, provenance, analysis=False)


def _stream(
    project: Project,
    export_filter: ExportFilter,
    export_format: ExportFormat,
    provenance: Provenance,
    *,
    analysis: bool,
) -> Streamed:
    # The coverage analysis is for planners: it names features of layers that may not be public. So is the
    # place in words (docs/exports.md says why the open data has none).
    if export_format == ExportFormat.GEOJSON:
        chunks = streams.geojson_stream(
            project_id=project.pk,
            export_filter=export_filter,
            provenance=provenance,
            analysis=analysis,
            nearest_street=analysis,
        )
    else:
        chunks = streams.csv_stream(
            project_id=project.pk, export_filter=export_filter, analysis=analysis, nearest_street=analysis
        )
    return Streamed(
        chunks=chunks,
        content_type=CONTENT_TYPES[export_format],
        filename=f"{provenance.file_stem()}.{EXTENSIONS[export_format]}",
        provenance=provenance,
    )


@transaction.atomic
def _job_create(
    actor: Actor, project: Project, export_filter: ExportFilter, export_format: ExportFormat, source_url: str
) -> ExportJob:
    job = ExportJob.objects.create(
        project=project,
        requested_by=actor if actor.is_authenticated else None,
        format=export_format,
        filters=export_filter.as_query(),
        source_url=source_url,
        expires_at=timezone.now() + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    job_id = str(job.pk)
    transaction.on_commit(lambda: export_job_run.enqueue(job_id))
    return job


def export_style_layers(*, project: Project) -> list[str]:
    """The layers of the project's GeoPackage and Shapefile exports that have a style to download: one per
    geometry kind of its categories, in the exports' order."""
    kinds = set(Category.objects.filter(project=project).values_list("geometry_kind", flat=True))
    return [layer for kind, layer in gdal.LAYER_NAMES.items() if kind in kinds]


def export_style(*, actor: Actor, project: Project, layer: str, style_format: str) -> StyleFile:
    """The QGIS style (QML) or SLD of one export layer, for the planners of the project, as the exports:
    the styles the GeoPackage carries, with every category of the layer's geometry kind."""
    rules.check_can_plan(actor, project)
    kinds = {name: kind for kind, name in gdal.LAYER_NAMES.items()}
    if style_format not in STYLE_MEDIA_TYPES or layer not in export_style_layers(project=project):
        raise ExportStyleMissing(
            _("There is no such style. Styles: %(styles)s.")
            % {
                "styles": ", ".join(
                    f"{name}.{extension}"
                    for name in export_style_layers(project=project)
                    for extension in STYLE_MEDIA_TYPES
                )
            }
        )
    style = layer_style(project=project, layer=layer, kind=kinds[layer])
    return StyleFile(
        content=style.qml if style_format == "qml" else style.sld,
        content_type=STYLE_MEDIA_TYPES[style_format],
        # The slug is [-a-zA-Z0-9_] and the layer one of ours: nothing in the name can break the header.
        filename=f"{project.slug}-{layer}.{style_format}",
    )


def export_job_get(*, actor: Actor, project: Project, job_id: str) -> ExportJob:
    """A job of the project, for the planners of the project; 404 for anyone else and for unknown ids."""
    rules.check_can_plan(actor, project)
    job = ExportJob.objects.filter(pk=job_id, project=project).first() if _is_uuid(job_id) else None
    if job is None:
        raise ExportJobMissing()
    return job


def export_job_file(*, actor: Actor, project: Project, job_id: str) -> tuple[Path, ExportJob]:
    """The finished file of a job that has not expired."""
    job = export_job_get(actor=actor, project=project, job_id=job_id)
    if job.expires_at <= timezone.now():
        raise ExportExpired()
    if job.state != ExportJobState.DONE:
        raise ExportNotReady()
    path = job_directory(job) / job.file_name
    if not path.is_file():  # purged early, or lost with the disk
        raise ExportExpired()
    return path, job


def job_directory(job: ExportJob) -> Path:
    return Path(settings.EXPORT_ROOT) / str(job.pk)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@task()
def export_job_run(job_id: str) -> str:
    """The worker's side: write the file, keeping `progress` current; the job ends done or failed."""
    started = ExportJob.objects.filter(pk=job_id, state=ExportJobState.QUEUED).update(
        state=ExportJobState.RUNNING, progress=0
    )
    if not started:  # already run, or deleted meanwhile
        return "skipped"
    job = ExportJob.objects.select_related("project").get(pk=job_id)
    directory = job_directory(job)
    try:
        export_filter = export_filter_from_query(job.filters, project=job.project)
        provenance = Provenance.build(
            project=job.project,
            export_filter=export_filter,
            source_url=job.filters.get("source", ""),
            open_data=False,
        )
        counts = gdal.export_counts(project_id=job.project_id, export_filter=export_filter)
        directory.mkdir(parents=True, exist_ok=True)
        reported = [0.0]

        def on_progress(fraction: float) -> None:
            if fraction - reported[0] >= PROGRESS_STEP and fraction < 1:
                reported[0] = fraction
                ExportJob.objects.filter(pk=job.pk).update(progress=int(fraction * 100))

        path = gdal.gdal_export(
            project=job.project,
            export_filter=export_filter,
            export_format=job.format,
            provenance=provenance,
            directory=directory,
            on_progress=on_progress,
            counts=counts,
        )
    except Exception as error:
        logger.exception("Export %s failed", job.pk)
        shutil.rmtree(directory, ignore_errors=True)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJobState.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return "failed"
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJobState.DONE,
        progress=100,
        file_name=path.name,
        size=path.stat().st_size,
        feature_count=sum(counts.values()),
        finished_at=timezone.now(),
    )
    return "done"


def export_jobs_purge(*, now: datetime | None = None) -> int:
    """Delete expired jobs and their files; returns how many jobs went."""
    expired = ExportJob.objects.filter(expires_at__lte=now or timezone.now())
    count = 0
    for job in expired.iterator():  # a handful a day
        shutil.rmtree(job_directory(job), ignore_errors=True)
        count += 1
    expired.delete()
    return count
