"""Context layers from live URLs (geo.layers.remote) and their refresh by the worker (geo.layers.refresh),
against real servers on 127.0.0.1 that the tests start and stop (tests/geo/remote_servers.py): an OGC API –
Features service that pages with `next` links, a WFS 2.0, and servers that fail in each way a source can.
GDAL is the real one, in the real fence; nothing is mocked. Every refusal leaves the layer's features as
they were."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from geo.layers.imports import LayerRefused, layer_import
from geo.layers.models import ContextFeature, ContextLayer
from geo.layers.refresh import (
    due_layers,
    layer_refresh,
    next_refresh,
    refresh_due_layers,
    refresh_layer,
    schedule_refresh,
)
from geo.layers.remote import remote_source, url_import
from tests.factories import ProjectFactory, UserFactory

from . import remote_servers as servers
from .test_context_layers import ADD_URL, DISTRICTS, add_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loopback(settings):
    """The servers are on 127.0.0.1, which production refuses (a test below checks that)."""
    settings.CONTEXT_LAYER_URL_PRIVATE = True


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def layer(db):
    """A layer that already has features (the 28 districts): a refused URL must leave them."""
    project = ProjectFactory(slug="karlsruhe")
    layer = ContextLayer.objects.create(project=project, name="Layer", role="reference")
    layer_import(layer=layer, source=DISTRICTS, actor="test")
    return layer


@pytest.fixture
def service():
    return servers.Service(features=servers.points(2500))


def refused(layer: ContextLayer, url: str, **options) -> str:
    before = set(layer.features.values_list("pk", flat=True))
    source = ContextLayer.objects.values("source_kind", "source_url", "import_report").get(pk=layer.pk)
    with pytest.raises(LayerRefused) as caught:
        url_import(layer=layer, url=url, actor="test", **options)
    assert set(layer.features.values_list("pk", flat=True)) == before
    assert (
        ContextLayer.objects.values("source_kind", "source_url", "import_report").get(pk=layer.pk) == source
    )
    return caught.value.message


def items(base: str, collection: str = "parking") -> str:
    return f"{base}/ogcapi/collections/{collection}/items"


# Imports that work.


def test_an_ogc_api_collection_is_imported_page_by_page(layer, service):
    with servers.oapif(service) as base:
        started = time.perf_counter()
        report = url_import(layer=layer, url=items(base), actor="test")
        seconds = time.perf_counter() - started
    pages = [r for r in service.requests if "/items" in r]
    assert len(pages) >= 2500 // service.page_size  # the server's pages of 100, followed by `next`
    assert report.read == report.taken_total == 2500
    assert layer.features.count() == 2500
    assert layer.features.filter(properties__name="stand 2500", properties__places=2499 % 40).exists()
    layer.refresh_from_db()
    assert (layer.source_kind, layer.source_url, layer.source_layer) == ("url", items(base), "")
    assert layer.import_report["source"] == items(base)
    assert layer.refreshed_at is not None
    assert seconds < 30


def test_a_wfs_type_is_imported_in_its_coordinate_system_with_the_servers_page_size(layer):
    service = servers.Service(features=servers.points(250))
    with servers.wfs(service) as base:
        report = url_import(
            layer=layer, url=f"{base}/wfs?SERVICE=WFS&VERSION=2.0.0", actor="test", type_name="app:parking"
        )
    assert report.taken_total == 250
    # GDAL asked for 1,000 a page, the server gives 100: the import asked again in pages of 100.
    assert any("COUNT=100" in r for r in service.requests)
    first = layer.features.get(properties__name="stand 1")
    # EPSG:25832 on the wire, longitude and latitude in the layer (the test server's rough projection).
    assert first.geom.x == pytest.approx(8.38, abs=0.002)
    assert first.geom.y == pytest.approx(49.0, abs=0.02)
    layer.refresh_from_db()
    assert layer.source_layer == "app:parking"


def test_a_wfs_1_1_type_is_imported_from_its_one_getfeature(layer):
    service = servers.Service(features=servers.points(300))
    with servers.wfs(service, version="1.1.0") as base:
        url = f"{base}/wfs?SERVICE=WFS&VERSION=1.1.0"
        report = url_import(layer=layer, url=url, actor="test", type_name="app:parking")
    assert report.taken_total == 300
    assert any("VERSION=1.1.0" in r and "GetFeature" in r for r in service.requests)
    first = layer.features.get(properties__name="stand 1")
    assert (first.geom.x, first.geom.y) == (pytest.approx(8.38, abs=0.002), pytest.approx(49.0, abs=0.02))


def test_a_wfs_url_may_name_its_type_itself(layer):
    service = servers.Service(features=servers.points(20))
    with servers.wfs(service) as base:
        url = f"{base}/wfs?service=WFS&version=2.0.0&request=GetFeature&typeNames=app:parking"
        assert remote_source(url).layer == "app:parking"
        assert url_import(layer=layer, url=url, actor="test").taken_total == 20


def test_the_filter_applies_to_a_url_source(layer):
    service = servers.Service(features=servers.points(300))
    with servers.oapif(service) as base:
        report = url_import(layer=layer, url=items(base), actor="test", where="places >= 30")
    assert report.taken_total == layer.features.count() == sum(1 for n in range(300) if n % 40 >= 30)


# Bad input: a clear message, and the layer keeps its 28 districts.


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/vsicurl/http://127.0.0.1/ogcapi/collections/x",
        "ftp://127.0.0.1/ogcapi/collections/x",
        "gopher://127.0.0.1:70/",
    ],
)
def test_only_http_and_https_urls_are_sources(layer, url):
    assert "Only web addresses (http:// or https://)" in refused(layer, url)


def test_a_url_that_is_neither_a_collection_nor_a_wfs_is_refused(layer):
    assert "neither an OGC API – Features collection" in refused(layer, "http://127.0.0.1:1/ogcapi")


def test_a_wfs_without_type_name_is_refused(layer):
    assert "type name of the WFS layer" in refused(layer, "http://127.0.0.1:1/wfs?SERVICE=WFS")


def test_a_server_that_refuses_the_connection(layer):
    port = servers.free_port()
    message = refused(layer, f"http://127.0.0.1:{port}/ogcapi/collections/parking")
    assert message == (
        f"The server 127.0.0.1:{port} cannot be reached (Connection refused). Please check the address."
    )


def test_a_server_that_does_not_answer_times_out(layer, settings):
    settings.CONTEXT_LAYER_URL_TIMEOUT_SECONDS = 1
    with servers.silent() as base:
        started = time.perf_counter()
        message = refused(layer, items(base))
    assert "did not answer within 1 seconds" in message
    assert time.perf_counter() - started < 15


def test_a_source_slower_than_the_import_may_take_is_stopped(layer, service, settings):
    settings.CONTEXT_LAYER_TIMEOUT_SECONDS = 2
    service.delay = 0.5  # each page answers, but 25 pages take 12 s
    with servers.oapif(service) as base:
        started = time.perf_counter()
        message = refused(layer, items(base))
    assert message == f"Reading {items(base)} took longer than 2 seconds. Please choose a smaller source."
    assert time.perf_counter() - started < 10


def test_an_unknown_collection_is_named(layer, service):
    with servers.oapif(service) as base:
        message = refused(layer, items(base, "bike-racks"))
    assert message == "The server has no collection “bike-racks” (it answers 404 Not Found)."


def test_a_server_error_is_reported_with_its_status(layer, service):
    service.overrides["/ogcapi/collections/parking/items"] = (500, "text/plain", b"oops")
    with servers.oapif(service) as base:
        message = refused(layer, items(base))
    assert message.startswith("The server answered 500 Internal Server Error to http://127.0.0.1:")


def test_a_page_that_fails_half_way_refuses_the_whole_import(layer, service):
    """GDAL ends the layer quietly at the failing page; the gate makes it a refusal, not 1,200 of 2,500."""
    service.fail_from_offset = 1200
    with servers.oapif(service) as base:
        message = refused(layer, items(base))
    assert "answered 500 Internal Server Error" in message
    assert "offset=1200" in message


def test_html_instead_of_features_is_refused(layer, service):
    html = b"<!doctype html><html><body><h1>Welcome to our portal</h1></body></html>"
    service.overrides["/ogcapi/collections/parking/items"] = (200, "text/html", html)
    with servers.oapif(service) as base:
        message = refused(layer, items(base))
    assert "does not answer with the features of an OGC API – Features collection" in message
    assert "text/html" in message


def test_garbage_instead_of_features_is_refused(layer, service):
    service.overrides["/ogcapi/collections/parking/items"] = (200, "application/geo+json", b"\x00{[garbage")
    with servers.oapif(service) as base:
        message = refused(layer, items(base))
    assert "does not answer with the features" in message


def test_a_wfs_that_answers_html_is_refused(layer):
    service = servers.Service(features=servers.points(5))
    service.overrides["/wfs"] = (200, "text/html", b"<html><body>maintenance</body></html>")
    with servers.wfs(service) as base:
        message = refused(layer, f"{base}/wfs?SERVICE=WFS", type_name="app:parking")
    assert "does not answer as a WFS with features" in message


def test_an_unknown_wfs_type_name_is_named(layer):
    with servers.wfs(servers.Service(features=servers.points(5))) as base:
        message = refused(layer, f"{base}/wfs?SERVICE=WFS", type_name="app:benches")
    assert message.startswith("The WFS has no feature type “app:benches”.")


def test_a_source_over_the_size_cap_is_refused(layer, service, settings):
    settings.CONTEXT_LAYER_MAX_BYTES = 100 * 1024  # 2,500 features are ~400 KB of GeoJSON
    with servers.oapif(service) as base:
        message = refused(layer, items(base))
    assert message == "The source sends more than 100.0\xa0KB. Please choose a smaller collection or type."


def test_a_source_over_the_feature_cap_is_refused(layer, service, settings):
    settings.CONTEXT_LAYER_MAX_FEATURES = 1000
    with servers.oapif(service) as base:
        message = refused(layer, items(base))
    assert message == "The source has more than 1,000 features. Please choose a smaller collection or type."


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "http://127.0.0.2:{port}/x"])
def test_a_redirect_to_another_scheme_or_server_is_not_followed(layer, service, target):
    with servers.oapif(service) as base:
        port = base.rsplit(":", 1)[1]
        service.redirects["/ogcapi/collections/parking/items"] = target.format(port=port)
        message = refused(layer, items(base))
    assert message.startswith(f"The server sends the import on to {target.format(port=port)}.")


def test_a_redirect_on_the_same_server_is_followed(layer, service):
    with servers.oapif(service) as base:
        service.redirects["/old/parking"] = f"{base}/ogcapi/collections/parking/items"
        service.redirects["/old/parking/items"] = f"{base}/ogcapi/collections/parking/items"
        report = url_import(layer=layer, url=items(base), actor="test")
    assert report.taken_total == 2500


def test_an_https_source_goes_through_the_gates_tunnel_and_its_limits(layer, service, settings, tmp_path):
    certificate = servers.self_signed(tmp_path)
    settings.CONTEXT_LAYER_URL_CA_BUNDLE = str(certificate.cert)
    with servers.oapif(service, certificate) as base:
        assert base.startswith("https://")
        report = url_import(layer=layer, url=items(base), actor="test")
        assert report.taken_total == 2500
        service.fail_from_offset = 1200  # the gate cannot see this status inside TLS: GDAL's message can
        assert "answered 500 Internal Server Error" in refused(layer, items(base))
        service.fail_from_offset = None
        settings.CONTEXT_LAYER_MAX_BYTES = 100 * 1024
        assert refused(layer, items(base)).startswith("The source sends more than 100.0")


def test_an_https_source_with_a_certificate_nobody_vouches_for_is_refused(layer, service, tmp_path):
    with servers.oapif(service, servers.self_signed(tmp_path)) as base:
        message = refused(layer, items(base))
    assert message.startswith("The certificate of 127.0.0.1 is not trusted")


@pytest.mark.parametrize("name", ["-sql", "app:a,app:b", "app: x"])
def test_a_wfs_type_name_is_one_name_and_never_an_option(layer, name):
    message = refused(layer, "http://127.0.0.1:1/wfs?SERVICE=WFS", type_name=name)
    assert message == f"“{name.strip()}” is not the type name of one WFS layer."


def test_private_addresses_are_refused_unless_allowed(layer, service, settings):
    settings.CONTEXT_LAYER_URL_PRIVATE = False
    with servers.oapif(service) as base:
        message = refused(layer, items(base))
    assert message.startswith("127.0.0.1 is an address of a private or local network")
    assert service.requests == []  # the gate never connected


def test_the_messages_are_german_for_a_german_administrator(layer):
    port = servers.free_port()
    with translation.override("de"):
        message = refused(layer, f"http://127.0.0.1:{port}/ogcapi/collections/parking")
        scheme = refused(layer, "file:///etc/passwd")
    assert message.startswith(f"Der Server 127.0.0.1:{port} ist nicht erreichbar")
    assert scheme.startswith("Nur Webadressen (http:// oder https://)")


# The worker's refresh.


def url_layer(layer: ContextLayer, base: str, hours: int = 24) -> ContextLayer:
    url_import(layer=layer, url=items(base), actor="test")
    layer.refresh_hours = hours
    layer.save()
    return layer


def ready(task) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task.module_path, status="READY"))


def test_a_refresh_picks_up_the_changed_source(layer, service, run_worker):
    with servers.oapif(service) as base:
        url_layer(layer, base)
        assert layer.features.count() == 2500
        service.features = servers.points(40, name="rack", start=(8.40, 49.01))
        ContextLayer.objects.filter(pk=layer.pk).update(refreshed_at=timezone.now() - timedelta(hours=25))
        assert [due.pk for due in due_layers()] == [layer.pk]
        schedule_refresh()
        assert run_worker() == 0
    assert layer.features.count() == 40
    assert layer.features.filter(properties__name="rack 40").exists()
    layer.refresh_from_db()
    assert layer.refreshed_at > timezone.now() - timedelta(minutes=1)
    assert layer.import_report["by"] == "worker (refresh)"
    # The check queued itself again, once, for its next round.
    (following,) = ready(refresh_due_layers)
    assert following.run_after > timezone.now() + timedelta(minutes=10)


def test_a_failed_refresh_keeps_the_features_records_the_error_and_waits_an_interval(layer, service):
    with servers.oapif(service) as base:
        url_layer(layer, base, hours=6)
        service.fail_from_offset = 500
        with pytest.raises(LayerRefused):
            layer_refresh(layer)
    assert layer.features.count() == 2500  # the previous import's
    layer.refresh_from_db()
    assert layer.refresh_failed_at is not None
    # In the site's language (German), for any administrator who opens the layer later.
    assert layer.refresh_error.startswith("Der Server antwortete 500")
    assert next_refresh(layer) == layer.refresh_failed_at + timedelta(hours=6)
    assert due_layers() == []
    # The next good import clears the error.
    service.fail_from_offset = None
    with servers.oapif(service) as base:
        layer.source_url = items(base)
        layer.save()
        layer_refresh(layer)
    layer.refresh_from_db()
    assert (layer.refresh_failed_at, layer.refresh_error) == (None, "")


def test_a_refresh_does_not_save_over_what_the_admin_changed_meanwhile(layer, service):
    with servers.oapif(service) as base:
        url_layer(layer, base)
        stale = ContextLayer.objects.get(pk=layer.pk)  # the worker's copy, read before the download
        ContextLayer.objects.filter(pk=layer.pk).update(colour="#123456", refresh_hours=3)
        layer_refresh(stale)
        layer.refresh_from_db()
        assert (layer.colour, layer.refresh_hours) == ("#123456", 3)
        ContextLayer.objects.filter(pk=layer.pk).update(source_url=f"{base}/ogcapi/collections/other")
        with pytest.raises(LayerRefused, match="inzwischen geändert"):  # the site's language
            layer_refresh(stale)
    layer.refresh_from_db()
    assert layer.source_url.endswith("/collections/other")


def test_a_failed_refresh_in_the_worker_is_a_finished_task_and_the_error_is_shown_in_the_admin(
    layer, service, run_worker, client
):
    with servers.oapif(service) as base:
        url_layer(layer, base)
    # The server is gone now: its port refuses.
    ContextLayer.objects.filter(pk=layer.pk).update(refreshed_at=timezone.now() - timedelta(days=2))
    refresh_layer.enqueue(layer.pk)
    assert run_worker() == 0
    layer.refresh_from_db()
    assert layer.features.count() == 2500
    assert "nicht erreichbar" in layer.refresh_error
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(
        f"/admin/geo/contextlayer/{layer.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The last refresh failed at" in page
    assert "nicht erreichbar" in page


def test_the_check_is_queued_once_however_often_it_is_asked(layer, service):
    assert schedule_refresh() is True
    assert schedule_refresh() is False
    assert len(ready(refresh_due_layers)) == 1


def test_a_due_layer_is_queued_once_however_often_the_check_runs(layer, service):
    with servers.oapif(service) as base:
        url_layer(layer, base)
    ContextLayer.objects.filter(pk=layer.pk).update(refreshed_at=timezone.now() - timedelta(days=2))
    assert refresh_due_layers.call() == [layer.pk]
    assert refresh_due_layers.call() == []
    assert len(ready(refresh_layer)) == 1
    assert len(ready(refresh_due_layers)) == 1


def test_refresh_layers_mends_the_chain_and_lists_the_layers(layer, service, capsys):
    with servers.oapif(service) as base:
        url_layer(layer, base, hours=12)
    call_command("refresh_layers")
    call_command("refresh_layers")
    out = capsys.readouterr().out
    assert "Queued the refresh check." in out
    assert "The refresh check is already queued." in out
    assert f"Layer {layer.pk} 'Layer': next refresh" in out
    assert len(ready(refresh_due_layers)) == 1


# The command and the admin.


def test_the_command_imports_a_url_and_schedules_its_refresh(service):
    ProjectFactory(slug="karlsruhe")
    with servers.oapif(service) as base:
        call_command(
            "import_layer", "karlsruhe", items(base), "--name", "Parken", "--role", "reference",
            "--refresh-hours", "24",
        )  # fmt: skip
    layer = ContextLayer.objects.get()
    assert (layer.source_kind, layer.refresh_hours, layer.features.count()) == ("url", 24, 2500)
    assert len(ready(refresh_due_layers)) == 1


def test_the_command_refuses_a_file_url():
    ProjectFactory(slug="karlsruhe")
    with pytest.raises(CommandError, match=r"Only web addresses \(http:// or https://\)"):
        call_command("import_layer", "karlsruhe", "file:///etc/passwd", "--name", "x", "--role", "reference")
    assert not ContextLayer.objects.exists()


@pytest.fixture
def admin_client(db, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_imports_a_url_and_schedules_its_refresh(admin_client, service):
    project = ProjectFactory(slug="karlsruhe")
    with servers.oapif(service) as base:
        form = add_form(project, role="reference", import_url=items(base), refresh_hours=24)
        response = admin_client.post(ADD_URL, form, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/geo/contextlayer/"
    layer = ContextLayer.objects.get()
    assert (layer.source_kind, layer.source_url, layer.features.count()) == ("url", items(base), 2500)
    shown = [str(m) for m in response.context["messages"]]
    assert any(f"2,500 of 2,500 features taken from {items(base)}" in m for m in shown)
    assert len(ready(refresh_due_layers)) == 1
    page = admin_client.get(f"/admin/geo/contextlayer/{layer.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Next refresh:" in page.content.decode()


def test_saving_a_url_layer_imports_it_again_only_when_asked(admin_client, service):
    project = ProjectFactory(slug="karlsruhe")
    with servers.oapif(service) as base:
        admin_client.post(ADD_URL, add_form(project, role="reference", import_url=items(base)))
        layer = ContextLayer.objects.get()
        change = f"/admin/geo/contextlayer/{layer.pk}/change/"
        service.requests.clear()
        form = add_form(project, role="reference", import_url=items(base), colour="#aa0000", refresh_hours=6)
        assert admin_client.post(change, form).status_code == 302
        assert service.requests == []  # the same URL: only the settings changed
        service.features = servers.points(7)
        assert admin_client.post(change, {**form, "import_now": "on"}).status_code == 302
    layer.refresh_from_db()
    assert (layer.colour, layer.refresh_hours, layer.features.count()) == ("#aa0000", 6, 7)


def test_a_refused_url_is_a_form_error_in_german_and_nothing_is_saved(admin_client):
    project = ProjectFactory(slug="karlsruhe")
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}/ogcapi/collections/parking"
    response = admin_client.post(
        ADD_URL, add_form(project, role="reference", import_url=url), HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["import_url"]
    assert "nicht erreichbar" in error
    assert not ContextLayer.objects.exists()
    assert not ContextFeature.objects.exists()


def test_the_admin_gives_a_url_only_the_time_of_a_request(admin_client, service, settings):
    settings.CONTEXT_LAYER_ADMIN_URL_SECONDS = 1
    service.delay = 0.5
    project = ProjectFactory(slug="karlsruhe")
    with servers.oapif(service) as base:
        form = add_form(project, role="reference", import_url=items(base))
        response = admin_client.post(ADD_URL, form, HTTP_ACCEPT_LANGUAGE="en")
    (error,) = response.context["adminform"].form.errors["import_url"]
    assert error.startswith("Reading the URL took longer than 1 seconds, too long for a page of the admin.")
    assert "manage.py import_layer" in error
    assert not ContextLayer.objects.exists()


def test_a_refresh_interval_needs_a_url(admin_client):
    project = ProjectFactory(slug="karlsruhe")
    with DISTRICTS.open("rb") as upload:
        response = admin_client.post(
            ADD_URL, add_form(project, source_file=upload, refresh_hours=24), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert "Only a layer imported from a URL" in response.context["adminform"].form.errors["refresh_hours"][0]
    assert not ContextLayer.objects.exists()
    assert not ContextFeature.objects.exists()
