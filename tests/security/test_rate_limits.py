"""Every write is limited per client address and per account, whatever its URL: the URL patterns are walked,
each one that accepts POST, PUT, PATCH or DELETE is found by asking it, and each answers 429 with Retry-After
and a message once the budget is spent. A new endpoint is walked too, so it cannot slip through.
A spoofed X-Forwarded-For gives no fresh budget unless DJANGO_NUM_PROXIES declares a proxy, and people who
write as people do never meet a limit."""

import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

import config.settings.base as base_settings
from geo.models import ExportJob
from participation.models import Comment, StaffRole, Suggestion, Support
from tests.factories import CitizenFactory, ProjectRoleFactory, SuggestionFactory, TokenFactory, UserFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

# Addresses from 198.18.0.0/15 (benchmarking), one set per test: the budgets live in the run's cache, and
# other tests of the run write from the documentation ranges.

WRITES = ("POST", "PUT", "PATCH", "DELETE")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@pytest.fixture
def world(project, point_category, citizen, tmp_path, settings):
    settings.EXPORT_ROOT = tmp_path / "exports"
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    for role in (StaffRole.MODERATOR, StaffRole.PLANNER):
        ProjectRoleFactory(project=project, user=root, role=role)
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    survey = SurveyFactory(project=project, slug="mobility")
    job = ExportJob.objects.create(
        project=project, requested_by=root, format="gpkg", expires_at=timezone.now() + timedelta(hours=1)
    )
    values = {
        "slug": project.slug,
        "survey_slug": survey.slug,
        "pk": str(suggestion.pk),
        "object_id": str(suggestion.pk),
        "feature_id": str(suggestion.pk),
        "job_id": str(job.pk),
        "export_format": "geojson",
        "collection_id": f"{project.slug}-points",
    }
    return {"root": root, "values": values}


def concrete_paths(values: dict[str, str]) -> list[str]:
    """One concrete path per URL pattern (route syntax), its parameters filled with real objects' values."""
    paths = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern).lstrip("^").rstrip("$"))
            elif isinstance(pattern, URLPattern) and isinstance(pattern.pattern, RoutePattern):
                route = prefix + str(pattern.pattern)
                paths.append("/" + PARAMETER.sub(lambda m: values.get(m[1], "1"), route))

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def assert_refused(response, where) -> None:
    assert response.status_code == 429, where
    assert 1 <= int(response["Retry-After"]) <= 3601, where
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["message"], where
    else:
        assert "too often" in response.content.decode() or "zu oft" in response.content.decode(), where


def test_every_write_endpoint_is_limited_per_account_and_per_address(world, settings):
    paths = concrete_paths(world["values"])
    # Every pattern, asked with every writing method (refused before the view, so whether the view takes
    # the method does not matter, and a new endpoint is covered the day it is added).
    writes = [(method, path) for path in paths for method in WRITES]
    slug, pk = world["values"]["slug"], world["values"]["pk"]
    known = {
        f"/api/v1/projects/{slug}/suggestions/": "POST",
        f"/api/v1/suggestions/{pk}/support/": "DELETE",
        f"/api/v1/suggestions/{pk}/comments/": "POST",
        f"/api/v1/projects/{slug}/exports/geojson": "POST",
        "/api/v1/auth/token/": "POST",
        f"/projects/{slug}/suggestions/{pk}/comments/": "POST",
        f"/projects/{slug}/moderation/decide/": "POST",
        f"/projects/{slug}/planning/export/": "POST",
        f"/projects/{slug}/surveys/mobility/": "POST",
        "/account/delete/": "POST",
        "/accounts/login/": "POST",
        "/i18n/setlang/": "POST",
        f"/admin/participation/suggestion/{pk}/change/": "POST",
    }
    # The walk reaches the real writes (each takes its method: no 405), so it is not walking past them.
    root = Client(REMOTE_ADDR="198.18.6.200")
    root.force_login(world["root"])
    for path, method in known.items():
        assert (method, path) in writes, path
        assert root.generic(method, path, "{}", "application/json").status_code != 405, (method, path)

    # Per account: the budget is spent, then every write of that account is refused, from any address.
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_account": "1/3600"}
    spender = CitizenFactory(username="spender")
    client = Client()
    client.force_login(spender)
    assert client.post("/i18n/setlang/", {"language": "en"}, REMOTE_ADDR="198.18.1.1").status_code == 302
    for number, (method, path) in enumerate(writes):
        address = f"198.19.{number // 250}.{number % 250}"
        assert_refused(client.generic(method, path, REMOTE_ADDR=address), path)

    # Per address: an anonymous visitor, and then an account, writing from an address whose budget is spent.
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_account": "1000/3600", "write_address": "1/3600"}
    visitor = Client(REMOTE_ADDR="198.18.2.50")
    assert visitor.post("/i18n/setlang/", {"language": "en"}).status_code == 302
    for method, path in writes:
        assert_refused(visitor.generic(method, path), path)
    other = Client(REMOTE_ADDR="198.18.2.50")
    other.force_login(CitizenFactory(username="same-router"))
    assert_refused(
        other.post("/i18n/setlang/", {"language": "de"}), "another account behind the same address"
    )


def test_reads_are_never_counted(world, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_address": "1/3600"}
    visitor = Client(REMOTE_ADDR="198.18.3.60")
    slug = world["values"]["slug"]
    for _ in range(5):
        assert visitor.get(f"/projects/{slug}/").status_code == 200
        assert visitor.get(f"/api/v1/projects/{slug}/suggestions/").status_code == 200


def test_api_tokens_count_against_their_account(world, settings, citizen):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_account": "1/3600"}
    token = TokenFactory(user=citizen)
    pk = world["values"]["pk"]
    url = f"/api/v1/suggestions/{pk}/comments/"
    body = {"text": "Gute Idee, hier fehlt eine Ladesäule."}

    first = Client(REMOTE_ADDR="198.18.4.7", HTTP_AUTHORIZATION=f"Token {token.key}")
    second = Client(REMOTE_ADDR="198.18.4.8", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert first.post(url, body, content_type="application/json").status_code == 201
    refused = second.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert_refused(refused, "token from another address")
    assert refused.json()["code"] == "throttled"
    assert Comment.objects.count() == 1


def test_a_spoofed_forwarded_for_gives_no_fresh_budget(world, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_address": "2/3600"}
    answers = [
        Client(REMOTE_ADDR="198.18.5.70", HTTP_X_FORWARDED_FOR=f"198.18.9.{n}").post(
            "/i18n/setlang/", {"language": "en"}
        )
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [302, 302, 429, 429]
    assert_refused(answers[-1], "spoofed X-Forwarded-For")


def test_behind_a_declared_proxy_each_forwarded_client_has_its_own_budget(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_address": "1/3600"}

    def post(forwarded):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        return client.post("/i18n/setlang/", {"language": "en"}).status_code

    # The proxy appends the address it saw; what the client wrote before it is not believed.
    assert [post(f"spoofed-{n}, 198.18.8.1") for n in range(2)] == [302, 429]
    assert post("198.18.8.2") == 302


def test_a_page_refused_by_its_own_limit_says_when_to_try_again(world, settings, client_factory):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "comment": "1/3600"}
    citizen = CitizenFactory(username="writer")
    client = client_factory(citizen)
    slug, pk = world["values"]["slug"], world["values"]["pk"]
    url = f"/projects/{slug}/suggestions/{pk}/comments/"

    assert client.post(url, {"text": "Erster Kommentar zur Ladesäule."}).status_code == 302
    refused = client.post(url, {"text": "Zweiter Kommentar zur Ladesäule."}, HTTP_ACCEPT_LANGUAGE="en")

    assert_refused(refused, "comment form")
    assert Comment.objects.count() == 1


def test_people_writing_as_people_do_never_meet_a_limit(world, settings, point_category):
    """The shipped limits (not the test suite's): one evening of a keen citizen's contributions."""
    settings.WRITE_LIMITS = dict(base_settings.WRITE_LIMITS)
    slug = world["values"]["slug"]
    keen = CitizenFactory(username="keen")
    client = Client(REMOTE_ADDR="198.18.7.99")
    client.force_login(keen)
    others = [
        SuggestionFactory(category=point_category, geom=Point(8.40 + n / 100, 49.0, srid=4326))
        for n in range(10)
    ]

    for n in range(10):
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [8.401 + n / 1000, 49.001]},
            "properties": {"category": "charging-station", "title": f"Ladesäule {n}", "text": "Hier bitte."},
        }
        created = client.post(
            f"/api/v1/projects/{slug}/suggestions/", feature, content_type="application/json"
        )
        assert created.status_code == 201, created.content
    for suggestion in others:
        supported = client.post(f"/api/v1/suggestions/{suggestion.pk}/support/", {}, "application/json")
        assert supported.status_code in (200, 201), supported.content
        url = f"/projects/{slug}/suggestions/{suggestion.pk}/comments/"
        assert client.post(url, {"text": "Das unterstütze ich."}).status_code == 302
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 302

    assert Suggestion.objects.filter(author=keen).count() == 10
    assert Support.objects.filter(user=keen).count() == 10
    assert Comment.objects.filter(author=keen).count() == 10


def test_a_write_while_the_database_is_away_is_a_503_with_a_message_not_a_traceback(
    world, monkeypatch, caplog
):
    """The account behind a write is read before the view: a database outage there is the same 503 as
    anywhere (config/db_unavailable.py), never an error logged with a traceback."""
    from django.db import OperationalError

    from participation import throttling

    def away(request):
        raise OperationalError("connection refused")

    monkeypatch.setattr(throttling, "_account", away)
    client = Client(REMOTE_ADDR="198.18.11.1")

    api = client.post(f"/api/v1/suggestions/{world['values']['pk']}/comments/", {}, "application/json")
    page = client.post("/i18n/setlang/", {"language": "en"})

    assert (api.status_code, page.status_code) == (503, 503)
    assert api.json()["message"]
    assert api["Retry-After"]
    assert page["Retry-After"]
    assert not [record for record in caplog.records if record.exc_info]
