"""Idempotency-Key on the API's POSTs: a retry after a lost answer does the work once and gets the first
answer; another request under the same key is a 422, a key whose first request still runs a 409."""

import hashlib
import io
import json
import uuid
from datetime import timedelta

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from participation import idempotency
from participation.idempotency import HEADER, idempotency_keys_purge
from participation.models import (
    Comment,
    IdempotencyKey,
    IdempotencyState,
    Photo,
    Report,
    Suggestion,
    Support,
)
from tests.factories import CitizenFactory, CommentFactory, SuggestionFactory
from tests.participation.photo_files import phone_jpeg
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
        "/api/v1/suggestions/{id}/photos/",
        "/api/v1/suggestions/{id}/comments/{comment_pk}/photos/",
    }

    for path in posts:
        parameters = schema["paths"][path]["post"].get("parameters", [])
        header = [p for p in parameters if p["in"] == "header" and p["name"] == HEADER]
        assert len(header) == 1, path
        assert not header[0].get("required", False)
        assert "422" in header[0]["description"]


# ------------------------------------------------------------------------------------------ photo uploads
# A phone photo is far larger than API_MAX_BODY_BYTES, the limit up to which a body is fingerprinted as it
# came: a multipart form is fingerprinted from its fields and its files' contents instead.


@pytest.fixture(scope="module")
def photo():
    return phone_jpeg(1600, 1200, noisy=True)


@pytest.fixture(scope="module")
def other_photo():
    return phone_jpeg(1600, 1200, orientation=1, noisy=True)


@pytest.fixture
def photo_root(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "photos": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture(params=["with a new suggestion", "to my suggestion", "to my comment"])
def photo_upload(request, citizen, point_category):
    """(address, form) of one photo upload as a citizen sends it; `form(data, alt, name)` builds the form."""
    if request.param == "with a new suggestion":
        return CREATE, lambda data, alt, name="photo.jpg": {
            "feature": json.dumps(feature()),
            "photo": [SimpleUploadedFile(name, data, content_type="image/jpeg")],
            "alt": [alt],
        }
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    url = f"/api/v1/suggestions/{suggestion.pk}/photos/"
    if request.param == "to my comment":
        comment = CommentFactory(suggestion=suggestion, author=citizen)
        url = f"/api/v1/suggestions/{suggestion.pk}/comments/{comment.pk}/photos/"
    return url, lambda data, alt, name="photo.jpg": {
        "photo": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        "alt": alt,
    }


def send_photo(client, url, form, key, **headers):
    return client.post(url, form, HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_a_retried_photo_upload_gets_the_first_answer_and_stores_one_photo(
    signed_in, photo_upload, photo, photo_root, settings
):
    url, form = photo_upload
    assert len(photo) > 4 * settings.API_MAX_BODY_BYTES

    first = send_photo(signed_in, url, form(photo, "Die Ecke an der Haltestelle"), "photo-retry-1")
    # The phone lost the answer and sends the same photo again (its picker may name the file anew).
    again = send_photo(
        signed_in, url, form(photo, "Die Ecke an der Haltestelle", "IMG_0001.jpg"), "photo-retry-1"
    )

    assert first.status_code == again.status_code == 201, first.content
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Photo.objects.count() == 1
    assert len(stored_files(photo_root)) == 3  # one photo's full, medium and small
    assert IdempotencyKey.objects.get(key="photo-retry-1").state == IdempotencyState.DONE


@pytest.mark.parametrize("change", ["another photo", "another description"])
def test_the_same_key_with_another_photo_upload_is_refused(
    signed_in, photo_upload, photo, other_photo, photo_root, change
):
    url, form = photo_upload
    send_photo(signed_in, url, form(photo, "Die Ecke"), "photo-k-1")

    if change == "another photo":
        other = send_photo(
            signed_in, url, form(other_photo, "Die Ecke"), "photo-k-1", HTTP_ACCEPT_LANGUAGE="en"
        )
    else:
        other = send_photo(
            signed_in, url, form(photo, "Die Ecke bei Nacht"), "photo-k-1", HTTP_ACCEPT_LANGUAGE="en"
        )

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert "already used for a different request" in other.json()["message"]
    assert Photo.objects.count() == 1
    assert len(stored_files(photo_root)) == 3


def test_a_form_whose_fields_only_line_up_with_another_is_another_request(
    signed_in, citizen, point_category, photo, photo_root
):
    # Field values that spell out the next field's name and value: the same strings in the same order.
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    url = f"/api/v1/suggestions/{suggestion.pk}/photos/"

    def form(**fields):
        return {**fields, "photo": SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")}

    first = send_photo(signed_in, url, form(alt="Die Ecke", b="v"), "photo-fields")
    other = send_photo(signed_in, url, form(alt=["Die Ecke", "field", "b", "v"]), "photo-fields")

    assert first.status_code == 201, first.content
    assert other.status_code == 422
    assert Photo.objects.count() == 1


def test_a_refused_photo_upload_leaves_the_key_free_for_the_corrected_one(
    signed_in, photo_upload, photo, photo_root
):
    url, form = photo_upload

    forgotten = send_photo(signed_in, url, form(photo, "  "), "photo-form-1")
    described = send_photo(signed_in, url, form(photo, "Die Ecke"), "photo-form-1")
    retried = send_photo(signed_in, url, form(photo, "Die Ecke"), "photo-form-1")

    assert forgotten.status_code == 400
    assert described.status_code == retried.status_code == 201
    assert retried.content == described.content
    assert Photo.objects.count() == 1


def test_a_photo_retry_while_the_first_upload_runs_gets_409(
    signed_in, citizen, point_category, photo, photo_root
):
    """The first upload claimed its key and is still re-encoding (tests/test_integrity.py has one really
    working): its claim is what a retry finds."""
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    url = f"/api/v1/suggestions/{suggestion.pk}/photos/"

    def form():
        return {"photo": SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg"), "alt": "Die Ecke"}

    assert send_photo(signed_in, url, form(), "photo-busy").status_code == 201
    # The same fingerprint, as its request left it just after claiming: running, claimed a moment ago.
    IdempotencyKey.objects.filter(key="photo-busy").update(
        state=IdempotencyState.RUNNING,
        claim=uuid.uuid4(),
        claimed_at=timezone.now(),
        status_code=None,
        body=b"",
    )

    response = send_photo(signed_in, url, form(), "photo-busy", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert response["Retry-After"] == "1"
    assert Photo.objects.count() == 1
    assert len(stored_files(photo_root)) == 3


def test_a_photo_too_large_is_refused_before_any_key_is_claimed(
    signed_in, photo_upload, photo_root, settings
):
    settings.PHOTO_UPLOAD_MAX_BYTES = 100 * 1024
    url, form = photo_upload

    response = send_photo(
        signed_in, url, form(b"\xff\xd8\xff\xe0" + b"\0" * (200 * 1024), "Riesig"), "photo-big"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert not IdempotencyKey.objects.exists()
    assert stored_files(photo_root) == []


def _fingerprint(path, body):
    return hashlib.sha256(b"\n".join([b"POST", path.encode(), json.dumps(body).encode()])).hexdigest()
