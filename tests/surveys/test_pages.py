"""The survey page: a plain form that works without script, messages at their questions, one response."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from surveys.models import Response
from tests.participation.test_anonymous import solved
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

POINT = json.dumps({"type": "Point", "coordinates": [8.40, 49.00]})


def url(survey):
    return f"/projects/{survey.project.slug}/surveys/{survey.slug}/"


def form(questions, **changes):
    data = {
        f"q{questions['owns'].pk}": str(questions["owns"].choices.get(key="yes").pk),
        f"q{questions['charge'].pk}": [str(questions["charge"].choices.get(key="home").pk)],
        f"q{questions['trips'].pk}": "7",
        f"q{questions['scale'].pk}": "4",
        f"q{questions['share'].pk}": "no",
        f"q{questions['text'].pk}": "Mehr Bügel",
        f"q{questions['point'].pk}": POINT,
        f"q{questions['line'].pk}": "",
    }
    data.update({f"q{questions[name].pk}": value for name, value in changes.items()})
    return data


def test_the_page_shows_every_question_with_labels_and_no_script_notice(client, survey, questions):
    page = client.get(url(survey), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()

    assert page.status_code == 200
    assert html.count('<fieldset class="question') == len(questions)
    assert "Do you own one?" in html
    assert f'data-show-if="{questions["owns"].choices.get(key="yes").pk}"' in html
    assert "Only if you chose “A”" not in html  # keys are yes/no here
    assert "Only if you chose" in html
    assert "needs JavaScript" in html  # map questions without script
    assert 'name="website"' in html  # the honeypot of anonymous forms
    assert "not at all" in html


def test_a_signed_in_citizen_answers_and_sees_the_thank_you_state(client_factory, citizen, survey, questions):
    client = client_factory(citizen)
    sent = client.post(url(survey), form(questions), HTTP_ACCEPT_LANGUAGE="en")

    assert sent.status_code == 302
    response = Response.objects.get()
    assert response.user == citizen
    assert response.answers.count() == 7
    page = client.get(url(survey), HTTP_ACCEPT_LANGUAGE="en")
    assert "Thank you! Your answers are saved." in page.content.decode()
    assert 'id="survey-done"' in page.content.decode()
    assert 'id="survey-form"' not in page.content.decode()

    again = client.post(url(survey), form(questions), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert "You have already answered this survey" in again.content.decode()
    assert Response.objects.count() == 1


def test_invalid_answers_come_back_with_messages_and_what_was_typed(
    client_factory, citizen, survey, questions
):
    client = client_factory(citizen)
    sent = client.post(
        url(survey), form(questions, trips="99", text="Mein Text bleibt"), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = sent.content.decode()

    assert sent.status_code == 400
    assert 'id="error-summary"' in html
    assert f'href="#question-{questions["trips"].pk}"' in html
    assert "Please enter a number of at most 50." in html
    assert 'value="99"' in html
    assert "Mein Text bleibt" in html
    assert "&quot;Point&quot;" in html  # the drawn point is kept for the map
    assert not Response.objects.exists()


def numbers(html: str) -> dict[str, str]:
    """The number in front of each question's text, by question id ("" where none is shown)."""
    found = re.findall(r'id="question-(\d+)".*?<span class="question-number">([^<]*)</span>', html, re.S)
    return {pk: number.strip() for pk, number in found}


def test_questions_are_numbered_without_a_gap_where_a_conditional_question_waits(client, survey, questions):
    html = client.get(url(survey), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    shown = numbers(html)
    # "charge" is only asked after "yes": until then it has no number and the others follow on from 1.
    assert shown[str(questions["charge"].pk)] == ""
    order = ["owns", "trips", "scale", "share", "text", "point", "line"]
    assert [shown[str(questions[name].pk)] for name in order] == [f"{n}." for n in range(1, 8)]
    assert "Only if you chose “YES” in question 1." in html


def test_a_form_sent_back_numbers_the_questions_its_answers_show(client_factory, citizen, survey, questions):
    sent = client_factory(citizen).post(url(survey), form(questions, trips="99"), HTTP_ACCEPT_LANGUAGE="en")
    html = sent.content.decode()

    shown = numbers(html)
    assert [shown[str(questions[name].pk)] for name in ("owns", "charge", "trips")] == ["1.", "2.", "3."]
    assert "Question 3: Please enter a number of at most 50." in html  # the summary uses the same numbers


def test_anonymous_answers_with_the_anti_spam_proof_and_a_cookie(survey, questions):
    client = Client()
    data = {**form(questions), "altcha": solved(client), "website": ""}
    sent = client.post(url(survey), data)

    assert sent.status_code == 302
    assert Response.objects.get().browser
    assert "pm_browser" in sent.cookies
    again = client.post(url(survey), {**form(questions), "altcha": solved(client)}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert Response.objects.count() == 1


def test_without_anonymous_answers_the_page_asks_to_sign_in(client, project, questions):
    survey = questions["owns"].survey
    survey.allow_anonymous = False
    survey.save()
    page = client.get(url(survey), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="signin-notice"' in page.content.decode()
    assert 'id="survey-form"' not in page.content.decode()
    sent = client.post(url(survey), form(questions))
    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/login/")
    assert not Response.objects.exists()


@pytest.mark.parametrize(("opens", "closes", "text"), [(-10, -1, "closed on"), (2, 10, "opens on")])
def test_a_closed_or_future_survey_shows_its_date_and_takes_nothing(
    client_factory, citizen, survey, questions, opens, closes, text
):
    now = timezone.now()
    survey.opens_at, survey.closes_at = now + timedelta(days=opens), now + timedelta(days=closes)
    survey.save()
    client = client_factory(citizen)
    page = client.get(url(survey), HTTP_ACCEPT_LANGUAGE="en")
    assert text in page.content.decode()
    assert 'id="survey-form"' not in page.content.decode()
    sent = client.post(url(survey), form(questions), HTTP_ACCEPT_LANGUAGE="en")
    assert sent.status_code == 403
    assert text in sent.content.decode()
    assert not Response.objects.exists()


def test_unknown_surveys_and_surveys_of_hidden_projects_are_404(client, survey):
    assert client.get(f"/projects/{survey.project.slug}/surveys/nope/").status_code == 404
    assert client.get(f"/projects/other/surveys/{survey.slug}/").status_code == 404
    survey.project.is_public = False
    survey.project.save()
    assert client.get(url(survey)).status_code == 404


def test_the_project_map_links_its_open_surveys(client, project, survey):
    SurveyFactory(
        project=project,
        slug="old",
        title_en="Old one",
        closes_at=timezone.now() - timedelta(days=1),
        opens_at=timezone.now() - timedelta(days=9),
    )
    html = client.get(f"/projects/{project.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{url(survey)}"' in html
    assert "Survey: Mobility" in html
    assert "Old one" not in html
