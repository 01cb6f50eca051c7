"""HTTP responses for export results, shared by the export page and the API."""

import shutil

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from ..models import ExportJob
from .provenance import Provenance
from .services import CONTENT_TYPES, Streamed, Written


def file_response(result: Streamed | Written) -> HttpResponse:
    """The answer to an export that is streamed or was written during the request."""
    if isinstance(result, Streamed):
        return streamed_response(result)
    return written_response(result)


def streamed_response(result: Streamed) -> StreamingHttpResponse:
    response = StreamingHttpResponse(result.chunks, content_type=result.content_type)
    response["Content-Disposition"] = content_disposition_header(True, result.filename)
    _provenance_headers(response, result.provenance)
    # Written as it is read: no proxy buffering, and never stored by a shared cache.
    response["X-Accel-Buffering"] = "no"
    response["Cache-Control"] = "private, no-store"
    return response


def written_response(result: Written) -> FileResponse:
    handle = result.path.open("rb")
    # The open handle keeps the file readable; the directory can go now, so nothing is left behind.
    shutil.rmtree(result.directory, ignore_errors=True)
    response = FileResponse(
        handle, as_attachment=True, filename=result.filename, content_type=result.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def job_file_response(path, job: ExportJob) -> FileResponse:
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=job.file_name, content_type=CONTENT_TYPES[job.format]
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _provenance_headers(response: HttpResponse, provenance: Provenance) -> None:
    """CSV has no place for the provenance inside the file: the headers carry it (ASCII only)."""
    response["X-Export-Project"] = provenance.project_slug
    response["X-Export-Time"] = provenance.as_dict()["exported_at"]
    response["X-Export-Filters"] = "&".join(f"{k}={v}" for k, v in provenance.filters.items() if k != "area")
    response["X-Export-Licence"] = provenance.licence.encode("ascii", "replace").decode()
