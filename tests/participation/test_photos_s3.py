"""Photos in an S3-compatible bucket (django-storages' S3Storage, PHOTO_STORAGE=s3), against moto's S3 server
on 127.0.0.1: stored re-encoded under random keys, served through the site, removed when the write fails."""

import json

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer

from participation.models import Photo, Suggestion

from .photo_files import metadata_groups, phone_jpeg

BUCKET = "participation-photos"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # moto takes any
FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [8.4, 49.0]},
    "properties": {"category": "charging-station", "title": "Platz für vier Ladesäulen"},
}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, and the photo storage pointed at it as PHOTO_STORAGE=s3 configures it."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-central-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = {
        **settings.STORAGES,
        "photos": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "location": "photos",
                "endpoint_url": s3_endpoint,
                "region_name": "eu-central-1",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "file_overwrite": True,
                "default_acl": None,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def send(citizen, *photos: bytes):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(citizen)
    form = {
        "feature": json.dumps(FEATURE),
        "photo": [SimpleUploadedFile(f"p{i}.jpg", data, "image/jpeg") for i, data in enumerate(photos)],
        "alt": [f"Foto {i}" for i in range(len(photos))],
    }
    return client.post("/api/v1/projects/test-project/suggestions/", form)


def test_photos_go_to_the_bucket_re_encoded_and_come_back_through_the_site(
    bucket, citizen, project, point_category
):
    project.premoderate_photos = False
    project.save()

    response = send(citizen, phone_jpeg(1200, 900))

    assert response.status_code == 201, response.content
    photo = Photo.objects.get()
    prefix = f"photos/{photo.key[:2]}/{photo.key}/"
    assert keys(bucket) == [f"{prefix}full.jpg", f"{prefix}medium.jpg", f"{prefix}small.jpg"]
    stored = bucket.get_object(Bucket=BUCKET, Key=f"{prefix}full.jpg")
    assert stored["ContentType"] == "image/jpeg"
    served = Client().get(response.json()["properties"]["photos"][0]["url"])
    body = b"".join(served.streaming_content)
    assert served.status_code == 200
    assert body == stored["Body"].read()
    assert metadata_groups(body) == set()


def test_a_failed_write_leaves_nothing_in_the_bucket(bucket, citizen, project, point_category, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database refused")

    monkeypatch.setattr(Photo.objects, "bulk_create", refuse)

    with pytest.raises(RuntimeError):
        send(citizen, phone_jpeg(), phone_jpeg())

    assert keys(bucket) == []
    assert not Suggestion.objects.exists()
