"""The site's 404 page says why, when one of our views said it ("This project has no districts."), in the
visitor's language; what Django or a library put into an Http404 (the URL patterns tried, a model's name,
a path) never reaches the page. The tests run with DEBUG off, as production does."""

import pytest
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from config.api_errors import public_reason
from geo.layers.models import ContextLayer
from participation.models import Suggestion
from tests.factories import CitizenFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    return ProjectFactory(slug="town")


def test_debug_is_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    ("language", "reason", "title"),
    [
        ("de", "Dieses Projekt hat keine Stadtteile.", "Seite nicht gefunden"),
        ("en", "This project has no districts.", "Page not found"),
    ],
)
def test_the_districts_page_of_a_project_without_districts_says_so(client, project, language, reason, title):
    response = client.get("/projects/town/districts/", HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert response.status_code == 404
    assert f'<p class="notice" id="not-found-reason">{reason}</p>' in page
    assert f"<h1>{title}</h1>" in page
    assert 'href="/"' in page  # the way back, as on every 404 page


def test_a_hidden_districts_layer_answers_as_no_districts(client, project):
    ContextLayer.objects.create(project=project, name="Bezirke", role="districts", public=False)

    page = client.get("/projects/town/districts/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Dieses Projekt hat keine Stadtteile." in page
    assert "Bezirke" not in page


def test_a_lazy_message_is_rendered_in_the_visitors_language(client):
    client.force_login(CitizenFactory())

    response = client.get("/account/alerts/987654/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert "Diese Benachrichtigung gibt es in Ihrem Konto nicht." in response.content.decode()


def test_an_unknown_project_says_there_is_none(client):
    response = client.get("/projects/no-such-project/districts/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert "Es gibt kein Projekt mit diesem Namen." in response.content.decode()


def test_an_address_nobody_answers_gets_the_plain_page_and_nothing_of_djangos_resolver(client):
    response = client.get("/nowhere/<script>/", HTTP_ACCEPT_LANGUAGE="de")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht, oder sie ist nicht öffentlich." in page
    assert 'id="not-found-reason"' not in page
    for internal in ("Resolver404", "tried", "urlpatterns", "<script>", "admin/"):
        assert internal not in page


def test_a_librarys_message_is_never_a_reason():
    # get_object_or_404 names the model; raised in Django, so it is not shown.
    with pytest.raises(Http404) as raised:
        get_object_or_404(Suggestion, pk=-1)
    assert "Suggestion" in str(raised.value)
    assert public_reason(raised.value) is None


def test_an_http404_raised_outside_our_apps_or_without_words_is_no_reason():
    with pytest.raises(Http404) as raised:
        raise Http404("a test's own words")  # tests/ is not one of the apps
    assert public_reason(raised.value) is None
    assert public_reason(Http404("never raised")) is None
    assert public_reason(Http404({"tried": [], "path": "x"})) is None


def test_the_api_still_answers_json(client):
    response = client.get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
