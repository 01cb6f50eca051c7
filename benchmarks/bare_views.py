"""Benchmark-only views, mounted under /bench/ by `benchmarks.urls` (config.settings.bench) and never by
config.urls: they skip every rule the real API keeps and exist only as the floor the write scenarios compare
against, or to hand the benchmark client a moderator's session.

`suggestion_insert` writes the same row as `POST /api/v1/projects/<slug>/suggestions/` (project, category,
geometry, texts, author, public name, moderation state, language, address hash) with one token lookup and one
INSERT, and no validation: no phase, area, geometry kind, text or rate-limit check, no serializer, no
GeoJSON output.

`photo_store` is the floor of the photo uploads: the multipart form of a suggestion with photos, received
into memory as the real API receives it (participation.uploads.PhotoUploadHandler), the same row inserted as
`suggestion_insert` does, and each file's bytes written to the photo storage exactly as they came: no
check of any kind, no decoding, no re-encoding, no photo row.
"""

import json
import re
import uuid
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from participation.participants import Participant, client_address
from participation.services.photos import photo_storage
from participation.uploads import PhotoUploadHandler

# Bench SQL is kept next to the one view that runs it: it is the benchmark's floor, not an app query.
USER_BY_KEY_SQL = """
SELECT t.user_id, coalesce(p.display_name, '')
FROM authtoken_token AS t LEFT JOIN participation_profile AS p ON p.user_id = t.user_id
WHERE t.key = %s
"""
PROJECT_SQL = """
SELECT p.id, p.moderation_mode, c.key, c.id
FROM participation_project AS p JOIN participation_category AS c ON c.project_id = p.id
WHERE p.slug = %s
"""
INSERT_SQL = """
INSERT INTO participation_suggestion
    (project_id, category_id, geom, title, text, author_id, display_name, moderation_state, planning_status,
     official_answer, support_count, comment_count, language, source_address, created_at, updated_at)
VALUES (%s, %s, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326), %s, %s, %s, %s, %s, 'received', '', 0, 0, %s, %s,
        %s, %s)
RETURNING id
"""


@cache
def _project(slug: str) -> tuple[int, str, dict[str, int]] | None:
    """Project id, moderation mode and category ids by key, read once per process (the floor pays no
    lookup the real API would cache)."""
    with connection.cursor() as cursor:
        cursor.execute(PROJECT_SQL, [slug])
        rows = cursor.fetchall()
    if not rows:
        return None
    return rows[0][0], rows[0][1], {key: category_id for _pid, _mode, key, category_id in rows}


def _token_user(request: HttpRequest) -> tuple[int, str] | None:
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Token" or not key:
        return None
    with connection.cursor() as cursor:
        cursor.execute(USER_BY_KEY_SQL, [key])
        return cursor.fetchone()


@csrf_exempt
@require_POST
def suggestion_insert(request: HttpRequest, slug: str) -> HttpResponse:
    """One row in, 201 with its id: the rate the database and the HTTP stack allow without our rules."""
    user = _token_user(request)
    if user is None:
        return JsonResponse({"message": "token required"}, status=401)
    project = _project(slug)
    if project is None:
        return JsonResponse({"message": "no such project"}, status=404)
    suggestion_id = _insert(request, user, project, json.loads(request.body))
    return JsonResponse({"id": suggestion_id}, status=201)


def _insert(
    request: HttpRequest, user: tuple[int, str], project: tuple[int, str, dict[str, int]], feature: dict
) -> int:
    project_id, mode, categories = project
    properties = feature["properties"]
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_SQL,
            [
                project_id,
                categories[properties["category"]],
                json.dumps(feature["geometry"]),
                properties["title"],
                properties.get("text", ""),
                user[0],
                user[1],
                "published" if mode == "post" else "pending",
                translation.get_language() or settings.LANGUAGE_CODE,
                Participant(user=AnonymousUser(), address=client_address(request)).source_address,
                now,
                now,
            ],
        )
        (suggestion_id,) = cursor.fetchone()
    return suggestion_id


# The folder a benchmark run's bare uploads go to (`?run=`), which it deletes afterwards.
RUN_TAG = re.compile(r"[0-9a-f]{8,32}")


@csrf_exempt
@require_POST
def photo_store(request: HttpRequest, slug: str) -> HttpResponse:
    """A suggestion with photos stored without our rules: the row, and the uploads' bytes as they came."""
    request.upload_handlers = [PhotoUploadHandler(request)]
    run = request.GET.get("run", "")
    if not RUN_TAG.fullmatch(run):
        return JsonResponse({"message": "run=<hex tag> required"}, status=400)
    user = _token_user(request)
    if user is None:
        return JsonResponse({"message": "token required"}, status=401)
    project = _project(slug)
    if project is None:
        return JsonResponse({"message": "no such project"}, status=404)
    suggestion_id = _insert(request, user, project, json.loads(request.POST["feature"]))
    storage = photo_storage()
    names = [
        storage.save(f"bench-bare/{run}/{uuid.uuid4().hex}.jpg", upload)
        for upload in request.FILES.getlist("photo")
    ]
    return JsonResponse({"id": suggestion_id, "files": names}, status=201)


@csrf_exempt
@require_POST
def session_from_token(request: HttpRequest) -> HttpResponse:
    """Signs the token's user in with a session and returns a CSRF token, so that the benchmark can work the
    real moderation pages (session and CSRF only) as the planner whose API token it holds."""
    user = _token_user(request)
    if user is None:
        return JsonResponse({"message": "token required"}, status=401)
    login(
        request, get_user_model().objects.get(pk=user[0]), backend="django.contrib.auth.backends.ModelBackend"
    )
    return JsonResponse({"csrf": get_token(request)})
