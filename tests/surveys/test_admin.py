"""Surveys are built in the admin: the survey with its questions, a question with its options."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_pages_of_a_survey_and_a_question_open(admin_client, survey, questions):
    for url in (
        "/admin/surveys/survey/",
        "/admin/surveys/survey/add/",
        f"/admin/surveys/survey/{survey.pk}/change/",
        f"/admin/surveys/question/{questions['charge'].pk}/change/",
        "/admin/surveys/response/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_admin_shows_why_a_condition_is_refused(admin_client, survey, questions):
    owns = questions["owns"]
    page = admin_client.get(f"/admin/surveys/question/{owns.pk}/change/")
    form = page.context["adminform"].form
    # Only options of single-choice questions of this survey are offered as conditions.
    assert set(form.fields["show_if_choices"].queryset) == set(owns.choices.all())

    data = {
        "survey": survey.pk,
        "position": 1,
        "kind": "single",
        "required": "on",
        "text_de": "Besitzen Sie eines?",
        "text_en": "",
        "show_if_choices": [owns.choices.first().pk],
        "choices-TOTAL_FORMS": 0,
        "choices-INITIAL_FORMS": 0,
    }
    response = admin_client.post(
        f"/admin/surveys/question/{owns.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "earlier single-choice question" in response.content.decode()
