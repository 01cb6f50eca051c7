"""The honeypot and the one-time ALTCHA proof on every anonymous write, API and pages alike: a filled honeypot
is refused even with a valid proof, and a proof that was spent once is refused on every other channel, from
another browser too. Each refusal has a message and stores nothing. (tests/participation/test_anonymous.py
has the proof's other failures for suggestions: missing, forged, expired.)"""

import json

import pytest
from django.test import Client

from participation.models import Comment, Report, Suggestion, Support
from surveys.models import Response
from tests.factories import SuggestionFactory
from tests.participation.test_anonymous import solved
from tests.surveys.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

POINT = {"type": "Point", "coordinates": [8.4, 49.0]}


@pytest.fixture
def world(project, point_category):
    project.allow_anonymous = True
    project.save()
    published = SuggestionFactory(project=project, category=point_category)
    survey = SurveyFactory(project=project, slug="mobility", allow_anonymous=True)
    question = QuestionFactory(survey=survey, kind="text", required=True)
    return {"slug": project.slug, "pk": published.pk, "survey": survey, "question": question}


def api(client, url, body):
    return client.post(url, json.dumps(body), "application/json", HTTP_ACCEPT_LANGUAGE="en")


CHANNELS = {
    "api suggestion": (
        lambda c, w, spam: api(
            c,
            f"/api/v1/projects/{w['slug']}/suggestions/",
            {
                "type": "Feature",
                "geometry": POINT,
                "properties": {"category": "charging-station", "title": "Ladesäule", "text": ""},
                **spam,
            },
        ),
        lambda: Suggestion.objects.count(),
    ),
    "api comment": (
        lambda c, w, spam: api(c, f"/api/v1/suggestions/{w['pk']}/comments/", {"text": "Gute Idee", **spam}),
        lambda: Comment.objects.count(),
    ),
    "api report": (
        lambda c, w, spam: api(c, f"/api/v1/suggestions/{w['pk']}/reports/", {"reason": "spam", **spam}),
        lambda: Report.objects.count(),
    ),
    "api support": (
        lambda c, w, spam: api(c, f"/api/v1/suggestions/{w['pk']}/support/", spam),
        lambda: Support.objects.count(),
    ),
    "page support": (
        lambda c, w, spam: c.post(
            f"/projects/{w['slug']}/suggestions/{w['pk']}/support/", spam, HTTP_ACCEPT_LANGUAGE="en"
        ),
        lambda: Support.objects.count(),
    ),
    "page comment": (
        lambda c, w, spam: c.post(
            f"/projects/{w['slug']}/suggestions/{w['pk']}/comments/",
            {"text": "Sehr gut", **spam},
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        lambda: Comment.objects.count(),
    ),
    "page report": (
        lambda c, w, spam: c.post(
            f"/projects/{w['slug']}/suggestions/{w['pk']}/reports/",
            {"reason": "spam", **spam},
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        lambda: Report.objects.count(),
    ),
    "survey": (
        lambda c, w, spam: c.post(
            f"/projects/{w['slug']}/surveys/{w['survey'].slug}/",
            {f"q{w['question'].pk}": "Mehr Ladesäulen", **spam},
            HTTP_ACCEPT_LANGUAGE="en",
        ),
        lambda: Response.objects.count(),
    ),
}


def message_of(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["message"]
    return response.content.decode()


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_channel_takes_a_person_with_a_fresh_proof(world, channel):
    """The control: with a solved proof and an empty honeypot the write goes through."""
    send, count = CHANNELS[channel]
    client = Client()
    before = count()

    response = send(client, world, {"altcha": solved(client), "website": ""})

    assert response.status_code in (200, 201, 302), response.content[:500]
    assert count() == before + 1


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_filled_honeypot_is_refused_even_with_a_valid_proof(world, channel):
    send, count = CHANNELS[channel]
    client = Client()
    before = count()

    response = send(client, world, {"altcha": solved(client), "website": "http://spam.example"})

    assert response.status_code == 400
    assert "looks like automated spam" in message_of(response)
    assert count() == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_spent_proof_is_refused_on_every_channel(world, channel):
    send, count = CHANNELS[channel]
    first = Client()
    proof = solved(first)
    assert (
        api(
            first, f"/api/v1/suggestions/{world['pk']}/comments/", {"text": "Erst", "altcha": proof}
        ).status_code
        == 201
    )
    before = count()

    response = send(Client(), world, {"altcha": proof, "website": ""})

    assert response.status_code == 400
    assert "already used" in message_of(response)
    assert count() == before
