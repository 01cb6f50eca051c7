"""Idempotency-Key on the API's POSTs: a retry after a lost answer does the work once and gets the first
answer; another request under the same key is a 422, a key whose first request still runs a 409."""

import hashlib
import io
import json
import uuid
from datetime import timedelta

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from participation import idempotency
from participation.idempotency import HEADER, idempotency_keys_purge
from participation.models import Comment, IdempotencyKey, IdempotencyState, Report, Suggestion, Support
from tests.factories import CitizenFactory, SuggestionFactory
from tests.participation.test_anonymous import solved

CREATE = "/api/v1/projects/test-project/suggestions/"
POINT = {"type": "Point", "coordinates": [8.4, 49.0]}


def feature(**properties):
    props = {"category": "charging-station", "title": "Ladestation am Marktplatz", "text": "Bitte hier."}
    props.update(properties)
    return {"type": "Feature", "geometry": POINT, "properties": props}


def post(client, url, body, key=None, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, json.dumps(body), "application/json", **headers)


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def published(project, point_category):
    return SuggestionFactory(project=project, category=point_category)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_one_suggestion(
    signed_in, point_category
):
    first = post(signed_in, CREATE, feature(), key="3f1c9a7e-retry-1")
    again = post(signed_in, CREATE, feature(), key="3f1c9a7e-retry-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Suggestion.objects.count() == 1
    assert json.loads(again.content)["id"] == Suggestion.objects.get().pk


def test_without_a_key_every_post_is_a_new_request(signed_in, point_category):
    post(signed_in, CREATE, feature())
    post(signed_in, CREATE, feature())

    assert Suggestion.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_payload_is_refused(signed_in, point_category):
    post(signed_in, CREATE, feature(), key="k-1")

    other = post(signed_in, CREATE, feature(title="Etwas anderes"), key="k-1", HTTP_ACCEPT_LANGUAGE="en")

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert "already used for a different request" in other.json()["message"]
    assert Suggestion.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_another_request(signed_in, published):
    post(signed_in, f"/api/v1/suggestions/{published.pk}/support/", {}, key="shared")

    other = post(signed_in, f"/api/v1/suggestions/{published.pk}/comments/", {"text": "Gut"}, key="shared")

    assert other.status_code == 422
    assert not Comment.objects.exists()


def test_a_freshly_claimed_key_gets_409(signed_in, citizen, point_category):
    # What a concurrent first request leaves just before it starts working (tests/test_integrity.py has a
    # first request really working).
    IdempotencyKey.objects.create(
        scope=f"user:{citizen.pk}",
        key="busy",
        fingerprint=_fingerprint(CREATE, feature()),
        claim="8a4b1f2e-0000-4000-8000-000000000001",
        expires_at=timezone.now() + timedelta(hours=1),
    )

    response = post(signed_in, CREATE, feature(), key="busy", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert response.json()["message"].startswith("A request with this Idempotency-Key is still being")
    assert response["Retry-After"] == "1"
    assert not Suggestion.objects.exists()


def test_a_claim_whose_request_died_is_taken_over_after_the_grace(
    signed_in, citizen, point_category, settings
):
    # Nobody holds the row (a working request would lock it): its request died without answering.
    stale = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_GRACE_SECONDS + 1)
    IdempotencyKey.objects.create(
        scope=f"user:{citizen.pk}",
        key="orphan",
        fingerprint=_fingerprint(CREATE, feature()),
        claim="8a4b1f2e-0000-4000-8000-000000000002",
        claimed_at=stale,
        expires_at=timezone.now() + timedelta(hours=1),
    )

    response = post(signed_in, CREATE, feature(), key="orphan")

    assert response.status_code == 201
    assert Suggestion.objects.count() == 1
    assert IdempotencyKey.objects.get(key="orphan").state == IdempotencyState.DONE


def test_a_request_whose_claim_a_retry_took_over_does_no_work(signed_in, point_category, monkeypatch):
    claim_key = idempotency.idempotency_claim

    def claimed_then_taken_over(**kwargs):
        claim = claim_key(**kwargs)
        # A retry took the claim over before this request locked it: the retry does the work.
        IdempotencyKey.objects.filter(pk=claim.pk).update(claim=uuid.uuid4())
        return claim

    monkeypatch.setattr(idempotency, "idempotency_claim", claimed_then_taken_over)

    response = post(signed_in, CREATE, feature(), key="taken")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert not Suggestion.objects.exists()
    assert IdempotencyKey.objects.get(key="taken").state == IdempotencyState.RUNNING  # the retry's claim


def test_a_refused_request_leaves_the_key_free_for_the_corrected_one(signed_in, point_category):
    typo = post(signed_in, CREATE, feature(title="   "), key="form-7")
    fixed = post(signed_in, CREATE, feature(), key="form-7")
    retried = post(signed_in, CREATE, feature(), key="form-7")

    assert typo.status_code == 400
    assert fixed.status_code == retried.status_code == 201
    assert retried.content == fixed.content
    assert Suggestion.objects.count() == 1


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "schlüssel", "tab\there", "line\nbreak", "\x7f"],
    ids=["empty", "256 chars", "non-ascii", "tab", "newline", "delete"],
)
def test_a_malformed_key_is_refused(signed_in, point_category, key):
    response = post(signed_in, CREATE, feature(), key=key, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "code": "idempotency_key_invalid",
        "message": "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
    }
    assert not Suggestion.objects.exists()


def test_the_longest_and_oddest_allowed_keys_work(signed_in, point_category):
    assert post(signed_in, CREATE, feature(), key="k" * 255).status_code == 201
    punctuation = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    assert post(signed_in, CREATE, feature(title="Zwei"), key=punctuation).status_code == 201


def test_keys_belong_to_their_client(signed_in, point_category, client_factory):
    other = client_factory(CitizenFactory(username="ben"))

    mine = post(signed_in, CREATE, feature(), key="same-key")
    theirs = post(other, CREATE, feature(), key="same-key")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert Suggestion.objects.count() == 2


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [
        ("comments/", {"text": "Dafür!"}, Comment),
        ("support/", {}, Support),
        ("reports/", {"reason": "spam"}, Report),
    ],
)
def test_every_write_on_a_suggestion_takes_a_key(signed_in, published, path, body, model):
    url = f"/api/v1/suggestions/{published.pk}/{path}"

    first = post(signed_in, url, body, key=f"key-{path}")
    again = post(signed_in, url, body, key=f"key-{path}")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert model.objects.count() == 1


def test_an_anonymous_retry_without_the_lost_cookie_gets_the_first_answer(project, point_category):
    project.allow_anonymous = True
    project.save()
    browser = Client()
    body = {**feature(name="Bea"), "altcha": solved(browser), "website": ""}

    first = post(browser, CREATE, body, key="anon-1")
    # The answer (and the cookie it set) was lost: the same browser sends the same request again.
    retry = post(Client(), CREATE, body, key="anon-1")
    elsewhere = post(Client(REMOTE_ADDR="198.51.100.9"), CREATE, body, key="anon-1")

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert Suggestion.objects.count() == 1
    # Another address is another client: its key is its own, and the proof it replays is refused.
    assert elsewhere.status_code == 400
    assert elsewhere.json()["code"] == "proof_replayed"


def test_expired_keys_count_as_unused_and_are_purged(signed_in, point_category, settings):
    post(signed_in, CREATE, feature(), key="old")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    reused = post(signed_in, CREATE, feature(title="Neu"), key="old")
    post(signed_in, CREATE, feature(title="Dritter"), key="fresh")
    IdempotencyKey.objects.filter(key="fresh").update(expires_at=timezone.now() - timedelta(seconds=1))

    assert reused.status_code == 201
    assert Suggestion.objects.count() == 3
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["old"]
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert out.getvalue().startswith("Deleted 1 Idempotency-Keys")
    assert not IdempotencyKey.objects.exists()


def test_the_schema_documents_the_header_on_every_write(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    posts = {
        "/api/v1/projects/{slug}/suggestions/",
        "/api/v1/suggestions/{id}/comments/",
        "/api/v1/suggestions/{id}/support/",
        "/api/v1/suggestions/{id}/reports/",
    }

    for path in posts:
        parameters = schema["paths"][path]["post"].get("parameters", [])
        header = [p for p in parameters if p["in"] == "header" and p["name"] == HEADER]
        assert len(header) == 1, path
        assert not header[0].get("required", False)
        assert "422" in header[0]["description"]


def _fingerprint(path, body):
    return hashlib.sha256(b"\n".join([b"POST", path.encode(), json.dumps(body).encode()])).hexdigest()
