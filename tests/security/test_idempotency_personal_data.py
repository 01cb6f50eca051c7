"""The answers kept for Idempotency-Key retries are personal data of the account that sent them.

A stored answer repeats what was sent: the public name and the texts. Before, deleting the account left
them for up to 24 hours (until the purge), and the personal-data download did not list them. Now they go
with the account, and while they exist the download lists them.
"""

import json

import pytest

from participation.models import IdempotencyKey
from tests.factories import CitizenFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory


@pytest.fixture
def sent_with_a_key(client_factory, citizen, point_category):
    """Anna comments through the API with an Idempotency-Key; her answer is stored for retries."""
    suggestion = SuggestionFactory(category=point_category)
    client = client_factory(citizen)
    response = client.post(
        f"/api/v1/suggestions/{suggestion.pk}/comments/",
        json.dumps({"text": "Annas Kommentar mit Schlüssel"}),
        "application/json",
        HTTP_IDEMPOTENCY_KEY="anna-key-1",
    )
    assert response.status_code == 201
    stored = IdempotencyKey.objects.get(key="anna-key-1")
    assert b"Anna K." in bytes(stored.body)
    return client


def test_the_download_lists_the_stored_answers(sent_with_a_key):
    response = sent_with_a_key.get("/account/data/")
    data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)

    stored = data["idempotency_answers"]
    assert [answer["key"] for answer in stored] == ["anna-key-1"]
    assert stored[0]["status"] == 201
    assert stored[0]["answer"]["text"] == "Annas Kommentar mit Schlüssel"
    assert stored[0]["answer"]["display_name"] == "Anna K."
    assert stored[0]["expires"]


def test_deleting_the_account_deletes_its_stored_answers(sent_with_a_key, client_factory, point_category):
    someone_else = client_factory(CitizenFactory(username="bernd", profile__display_name="Bernd"))
    suggestion = SuggestionFactory(category=point_category)
    kept = someone_else.post(
        f"/api/v1/suggestions/{suggestion.pk}/comments/",
        json.dumps({"text": "Bernds Kommentar"}),
        "application/json",
        HTTP_IDEMPOTENCY_KEY="bernd-key-1",
    )
    assert kept.status_code == 201

    response = sent_with_a_key.post("/account/delete/", {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert not IdempotencyKey.objects.filter(key="anna-key-1").exists()
    assert not any(b"Anna K." in bytes(row.body) for row in IdempotencyKey.objects.all())
    assert IdempotencyKey.objects.filter(key="bernd-key-1").exists()
