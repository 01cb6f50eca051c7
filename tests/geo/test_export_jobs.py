"""Large GDAL exports run as background jobs: queued, written by the worker with progress, downloaded by
planners of the project until they expire, then purged. Also the parts GDAL layers are written in, and the
read-only transaction of the streamed exports."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from geo.analysis.models import SuggestionAnalysis
from geo.analysis.services import analysis_rebuild
from geo.exports import gdal
from geo.exports.filters import export_filter_from_query
from geo.exports.provenance import Provenance
from geo.exports.streams import copy_out
from geo.layers.models import ContextFeature, ContextLayer
from geo.models import ExportJob, ExportJobState
from tests.factories import ProjectFactory, SuggestionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def background(settings, tmp_path):
    """Every GDAL export goes to the worker; files land in a private temporary directory."""
    settings.EXPORT_INLINE_MAX_FEATURES = 0
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings


@pytest.fixture
def points(point_category):
    return [
        SuggestionFactory(
            category=point_category, geom=Point(8.40 + i / 1000, 49.0, srid=4326), title=f"Punkt {i}"
        )
        for i in range(7)
    ]


def export_url(project, fmt):
    return reverse("api:project-export", kwargs={"slug": project.slug, "export_format": fmt})


def test_a_background_export_is_queued_written_by_the_worker_and_downloaded(
    client_factory, planner, points, background, run_worker, tmp_path
):
    project = points[0].project
    client = client_factory(planner)

    response = client.post(export_url(project, "gpkg") + "?category=charging-station")
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "queued"
    assert job["download_url"] is None
    assert response["Location"] == reverse(
        "api:export-job", kwargs={"slug": project.slug, "job_id": job["id"]}
    )

    assert run_worker() == 0
    status = client.get(response["Location"]).json()
    assert (status["state"], status["progress"], status["feature_count"]) == ("done", 100, 7)
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="test-project-suggestions-')
    path = tmp_path / "download.gpkg"
    path.write_bytes(b"".join(download.streaming_content))
    layer = DataSource(str(path))["suggestions_points"]
    assert sorted(f.get("title") for f in layer) == sorted(s.title for s in points)

    page = client.get(reverse("geo:export-job", kwargs={"slug": project.slug, "job_id": job["id"]}))
    assert page.status_code == 200
    assert (
        reverse("geo:export-download", kwargs={"slug": project.slug, "job_id": job["id"]})
        in page.content.decode()
    )


@pytest.mark.django_db  # queued or refused before GDAL reads: no commit needed
def test_the_export_page_sends_large_exports_to_the_job_page(client_factory, planner, points, background):
    project = points[0].project
    response = client_factory(planner).post(
        reverse("geo:export", kwargs={"slug": project.slug}), {"format": "shp"}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("geo:export-job", kwargs={"slug": project.slug, "job_id": job.pk})
    assert (job.format, job.state, job.requested_by) == ("shp", ExportJobState.QUEUED, planner)
    assert job.filters == {"state": "published"}


@pytest.mark.django_db  # queued or refused before GDAL reads: no commit needed
def test_jobs_belong_to_the_planners_of_their_project(client, client_factory, planner, points, background):
    project = points[0].project
    job_url = client_factory(planner).post(export_url(project, "kml"))["Location"]
    other = ProjectFactory(slug="other")
    stranger = UserFactory(username="stranger", planner_of=other)

    assert client.get(job_url).status_code == 401
    assert client_factory(stranger).get(job_url).status_code == 403
    # A job id under another project's URL is not found, even for a planner of that project.
    job_id = job_url.rstrip("/").split("/")[-1]
    moved = reverse("api:export-job", kwargs={"slug": other.slug, "job_id": job_id})
    assert client_factory(stranger).get(moved).status_code == 404
    assert client_factory(planner).get(job_url[:-3] + "xyz").status_code == 404


def test_a_download_before_the_file_is_ready_or_after_it_expired_is_refused(
    client_factory, planner, points, background, run_worker
):
    project = points[0].project
    client = client_factory(planner)
    job_id = client.post(export_url(project, "gpkg")).json()["id"]
    download = reverse("api:export-job-download", kwargs={"slug": project.slug, "job_id": job_id})
    assert client.get(download).status_code == 409

    run_worker()
    assert client.get(download).status_code == 200
    ExportJob.objects.filter(pk=job_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get(download)
    assert expired.status_code == 410
    assert expired.json()["message"]
    page = client.get(reverse("geo:export-download", kwargs={"slug": project.slug, "job_id": job_id}))
    assert page.status_code == 410

    call_command("purge_exports", verbosity=0)
    assert not ExportJob.objects.exists()
    assert not (Path(background.EXPORT_ROOT) / job_id).exists()


def test_download_links_need_the_planner_signed_in_and_expire(
    client, client_factory, planner, points, background, run_worker
):
    """A download link passed on (a mail, a chat, a browser history) gives nothing to anyone else."""
    project = points[0].project
    job_id = client_factory(planner).post(export_url(project, "gpkg")).json()["id"]
    run_worker()
    api_link = reverse("api:export-job-download", kwargs={"slug": project.slug, "job_id": job_id})
    page_link = reverse("geo:export-download", kwargs={"slug": project.slug, "job_id": job_id})
    citizen = UserFactory(username="citizen-with-the-link")
    other = ProjectFactory(slug="other-town")
    elsewhere = UserFactory(username="planner-of-another-town", planner_of=other)

    assert client.get(api_link).status_code == 401
    signin = client.get(page_link)
    assert signin.status_code == 302
    assert signin["Location"].startswith(reverse("account_login"))
    for stranger in (citizen, elsewhere):
        assert client_factory(stranger).get(api_link).status_code == 403
        assert client_factory(stranger).get(page_link).status_code == 403
    assert client_factory(planner).get(api_link).status_code == 200

    ExportJob.objects.filter(pk=job_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_factory(planner).get(api_link).status_code == 410
    assert client_factory(planner).get(page_link).status_code == 410


def test_a_failing_export_ends_failed_with_nothing_left_behind(
    client_factory, planner, points, background, run_worker, monkeypatch
):
    project = points[0].project
    client = client_factory(planner)
    job_id = client.post(export_url(project, "gpkg")).json()["id"]
    monkeypatch.setattr(gdal, "_pg_source", lambda: "PG:dbname='no-such-database'")

    run_worker()
    job = ExportJob.objects.get(pk=job_id)
    assert job.state == ExportJobState.FAILED
    assert "ogr2ogr" in job.error
    assert not (Path(background.EXPORT_ROOT) / job_id).exists()
    page = client.get(reverse("geo:export-job", kwargs={"slug": project.slug, "job_id": job_id}))
    assert "could not be written" in page.content.decode() or "konnte nicht" in page.content.decode()


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 7, 50])
def test_layers_written_in_parts_hold_every_suggestion_once_and_report_progress(
    points, settings, tmp_path, chunk_rows
):
    settings.EXPORT_CHUNK_ROWS = chunk_rows
    project = points[0].project
    export_filter = export_filter_from_query({}, project=project)
    provenance = Provenance.build(
        project=project, export_filter=export_filter, source_url="", open_data=False
    )
    progress: list[float] = []

    path = gdal.gdal_export(
        project=project,
        export_filter=export_filter,
        export_format="gpkg",
        provenance=provenance,
        directory=tmp_path,
        on_progress=progress.append,
    )

    ids = sorted(f.get("id") for f in DataSource(str(path))["suggestions_points"])
    assert ids == sorted(s.pk for s in points)
    assert progress == sorted(progress)
    assert progress[-1] == 1
    # One step per part of the points layer, plus the comments, the provenance, the photos and the styles
    # tables.
    assert len(progress) == -(-len(points) // chunk_rows) + 4


def test_streamed_exports_read_in_a_read_only_transaction(db):
    chunks = copy_out("COPY (SELECT current_setting('transaction_read_only')) TO STDOUT (FORMAT binary)", {})
    assert b"".join(chunks) == b"on"


def test_the_geojson_stream_sends_its_head_before_the_database_is_asked(client_factory, planner, points):
    response = client_factory(planner).post(export_url(points[0].project, "geojson"))
    first = next(iter(response.streaming_content))
    assert first.startswith(b'{"type": "FeatureCollection", "export": ')
    rest = b"".join(response.streaming_content)
    assert len(json.loads(first + rest)["features"]) == 7


@pytest.mark.django_db  # queued or refused before GDAL reads: no commit needed
def test_an_inline_export_that_gdal_cannot_write_is_a_503_with_a_message(
    client_factory, planner, points, monkeypatch, settings, tmp_path
):
    monkeypatch.setattr(gdal, "_pg_source", lambda: "PG:dbname='no-such-database'")
    project = points[0].project
    client = client_factory(planner)

    response = client.post(export_url(project, "gpkg"))
    assert response.status_code == 503
    assert response.json()["code"] == "export_failed"

    page = client.post(reverse("geo:export", kwargs={"slug": project.slug}), {"format": "gpkg"})
    assert page.status_code == 400
    assert "could not be written" in page.content.decode() or "konnte nicht" in page.content.decode()


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_the_workers_export_in_parts_carries_the_analysis_of_every_row(
    points, point_category, settings, tmp_path, fmt
):
    """The worker's large-export path: each part (an id slice) joins the analysis like a whole export."""
    settings.EXPORT_CHUNK_ROWS = 3
    project = points[0].project
    chargers = ContextLayer.objects.create(
        project=project, name="Ladesäulen", role="facilities", category=point_category
    )
    ContextFeature.objects.create(layer=chargers, geom=Point(8.40, 49.001, srid=4326), source_id="ls-1")
    analysis_rebuild(project_id=project.pk)
    export_filter = export_filter_from_query({}, project=project)
    provenance = Provenance.build(
        project=project, export_filter=export_filter, source_url="", open_data=False
    )

    path = gdal.gdal_export(
        project=project, export_filter=export_filter, export_format=fmt, provenance=provenance,
        directory=tmp_path,
    )  # fmt: skip

    source = DataSource(f"/vsizip/{path}" if fmt == "shp" else str(path))
    names = ("facility", "fac_dist_m") if fmt == "shp" else ("nearest_facility", "facility_distance_m")
    rows = {f.get("id"): (f.get(names[0]), f.get(names[1])) for f in source["suggestions_points"]}
    measured = {
        a.suggestion_id: ("Ladesäulen: ls-1", float(round(a.facility_distance_m)))
        for a in SuggestionAnalysis.objects.filter(project_id=project.pk)
    }
    assert rows == measured
    assert len(rows) == len(points)
    assert rows[points[0].pk][1] == 111  # 0.001° north of the first point
