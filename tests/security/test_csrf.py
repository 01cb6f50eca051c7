"""Cross-site requests: a form on another site can make a signed-in person's browser POST with their cookies,
but without the CSRF token. Every page form and every session-authenticated API write refuses that with a
403 and a message, and changes nothing. API clients with a token need no CSRF token (no browser sends one)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from geo.models import ExportJob
from participation.models import Comment, ModerationEvent, Report, StaffRole, Suggestion, Support
from tests.factories import ProjectRoleFactory, SuggestionFactory, TokenFactory, UserFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project, point_category, citizen, tmp_path, settings):
    settings.EXPORT_ROOT = tmp_path / "exports"
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    for role in (StaffRole.MODERATOR, StaffRole.PLANNER):
        ProjectRoleFactory(project=project, user=root, role=role)
    suggestion = SuggestionFactory(category=point_category, author=root)
    SurveyFactory(project=project, slug="mobility")
    ExportJob.objects.create(
        project=project, requested_by=root, format="gpkg", expires_at=timezone.now() + timedelta(hours=1)
    )
    return {"root": root, "slug": project.slug, "pk": suggestion.pk}


def state():
    return (
        Suggestion.objects.count(),
        Comment.objects.count(),
        Support.objects.count(),
        Report.objects.count(),
        ModerationEvent.objects.count(),
        ExportJob.objects.count(),
        UserFactory._meta.model.objects.filter(is_active=True).count(),
    )


def forged(world) -> Client:
    """The signed-in planner-moderator's browser with its session and CSRF cookies, as a cross-site form
    sends it: the cookies go along, the token does not."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["root"])
    browser.get(f"/projects/{world['slug']}/suggestions/{world['pk']}/")
    assert "csrftoken" in browser.cookies
    return browser


PAGE_FORMS = [
    ("suggestion-support", "/projects/{slug}/suggestions/{pk}/support/", {}),
    (
        "suggestion-comment",
        "/projects/{slug}/suggestions/{pk}/comments/",
        {"text": "Von einer fremden Seite."},
    ),
    ("suggestion-report", "/projects/{slug}/suggestions/{pk}/reports/", {"reason": "spam"}),
    ("suggestion-edit", "/projects/{slug}/suggestions/{pk}/edit/", {"title": "Übernommen"}),
    ("suggestion-withdraw", "/projects/{slug}/suggestions/{pk}/withdraw/", {}),
    ("moderation-decide", "/projects/{slug}/moderation/decide/", {"suggestion": "{pk}", "action": "hide"}),
    ("moderation-bulk", "/projects/{slug}/moderation/bulk/", {"suggestions": "{pk}", "action": "reject"}),
    ("moderation-merge", "/projects/{slug}/moderation/merge/", {"source": "{pk}", "target": "{pk}"}),
    ("planning-answer", "/projects/{slug}/planning/suggestions/{pk}/", {"status": "declined"}),
    ("export", "/projects/{slug}/planning/export/", {"format": "gpkg"}),
    ("survey", "/projects/{slug}/surveys/mobility/", {}),
    ("account-notifications", "/account/notifications/", {"notify": ""}),
    ("account-delete", "/account/delete/", {"confirm": "on"}),
    ("set-language", "/i18n/setlang/", {"language": "en"}),
    ("sign-out", "/accounts/logout/", {}),
    ("admin change", "/admin/participation/suggestion/{pk}/change/", {"title": "Übernommen"}),
]


@pytest.mark.parametrize(("name", "path", "data"), PAGE_FORMS, ids=[form[0] for form in PAGE_FORMS])
def test_page_forms_without_the_csrf_token_are_refused_with_a_message(world, name, path, data):
    browser = forged(world)
    before = state()
    url = path.format(**world)
    body = {key: value.format(**world) for key, value in data.items()}

    response = browser.post(url, body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403, name
    assert "reload the page" in response.content.decode()
    assert state() == before
    assert browser.get("/account/").status_code == 200  # still signed in: not even the sign-out happened


def test_the_refusal_is_in_the_persons_language(world):
    response = forged(world).post(f"/projects/{world['slug']}/moderation/decide/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 403
    assert 'lang="de"' in response.content.decode()


API_WRITES = [
    ("POST", "/api/v1/projects/{slug}/suggestions/"),
    ("POST", "/api/v1/suggestions/{pk}/comments/"),
    ("POST", "/api/v1/suggestions/{pk}/support/"),
    ("DELETE", "/api/v1/suggestions/{pk}/support/"),
    ("POST", "/api/v1/suggestions/{pk}/reports/"),
    ("POST", "/api/v1/projects/{slug}/exports/gpkg"),
]


@pytest.mark.parametrize(("method", "path"), API_WRITES)
def test_session_api_writes_without_the_csrf_token_are_refused_with_a_message(world, method, path):
    browser = forged(world)
    before = state()
    url = path.format(**world)

    response = browser.generic(method, url, "{}", "application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403, response.content[:300]
    assert "CSRF" in response.json()["message"]

    # What an HTML form on another site can send: refused as well (CSRF, or a body the API does not take).
    form = browser.generic(method, url, "format=gpkg", "application/x-www-form-urlencoded")
    assert form.status_code in (403, 415)
    assert form.json()["message"]
    assert state() == before


def test_token_clients_need_no_csrf_token(world, citizen):
    token = TokenFactory(user=citizen)
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.post(
        f"/api/v1/suggestions/{world['pk']}/comments/", {"text": "Mit Token geschrieben."}, "application/json"
    )

    assert response.status_code == 201, response.content[:300]
