"""`Idempotency-Key` on POST: a client that lost the answer sends the request again and gets the first
answer instead of a second suggestion, comment, support or report.

How it holds under concurrency and faults:
- The key is claimed in its own short transaction before the work (an INSERT against the UNIQUE
  (scope, key) constraint), so a concurrent duplicate sees the claim "running" and gets 409 at once.
- The work runs in one transaction that first locks the key's row (while the claim is still ours) and
  ends by storing the answer in it: a request either did its work and left its answer, or did nothing.
- The row lock is the proof of life: a duplicate that finds the row locked knows the first request is
  working (409). A "running" row nobody locks belongs to a request that died without answering (a killed
  worker, a database restart that cut its connection and kept it from giving the key back): a retry takes
  it over at once, except in the first IDEMPOTENCY_GRACE_SECONDS after the claim, while its request may
  be about to lock it. If that request locks it after all, it finds the claim gone and answers 409; the
  work is done once either way.
- Files are not in that transaction: the photos' files (participation/services/photos.py) are written
  during the work and removed if the work fails; those a later rollback leaves (the answer could not be
  stored, the commit failed) are named by no row, so never served, and `manage.py purge_photo_files`
  deletes them. "Did nothing" holds for everything a client can see.
- What "the same request" means: the method, the path and the body. A JSON body counts by its bytes; a
  multipart form (a suggestion with photos, a photo for one's suggestion or comment) by its fields and the
  contents of its files, hashed as the upload handler holds them, after its size checks and without
  reading the body a second time (a retried 15 MB photo is fingerprinted, not copied). A file's name and
  type do not count: the work keeps neither.
- Only successful answers (2xx, 3xx) are kept. A refused request changed nothing, so the same key may be
  sent again, with the same or a corrected body.
- Keys belong to the client: an account, else an anonymous browser's key (its signed cookie), else its
  address (keyed hash, as the rate limits count it). Another client's key is simply another key.
Expired keys count as unused; `manage.py purge_idempotency_keys` deletes them.
"""

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import IdempotencyKeyInProgress, IdempotencyKeyInvalid, IdempotencyKeyReused
from .models import IdempotencyKey, IdempotencyState
from .participants import Participant, client_address, participant_reading

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
KEY_MAX = 255
REPLAYED_HEADER = "Idempotent-Replayed"

HEADER_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional: a key of 1 to 255 printable ASCII characters chosen by the client, new for each new "
        "request (e.g. a UUID). Sending the same request again with the same key (after a lost answer) "
        "repeats the first successful answer (header `Idempotent-Replayed: true`) instead of doing the "
        "work twice. The same key with another request is a 422; while the first request with the key is "
        "still running, a 409 with `Retry-After`. Keys belong to the client (account, anonymous browser or "
        "address) and are kept for IDEMPOTENCY_KEY_TTL_HOURS (24 h)."
    ),
)


@dataclass(frozen=True, slots=True)
class Claim:
    pk: int
    token: uuid.UUID


class ClaimLost(Exception):
    """A retry took the claim over before this request locked it: the retry does the work, not this one."""


def idempotent(handler: Callable[..., Response]) -> Callable[..., HttpResponse]:
    """Decorate an APIView's `post`: with an Idempotency-Key header, the work runs at most once per key."""

    @functools.wraps(handler)
    def wrapper(view: APIView, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.headers.get(HEADER)
        if raw is None:
            return handler(view, request, *args, **kwargs)
        key = _checked_key(raw)
        fingerprint = request_fingerprint(request)
        if fingerprint is None:  # too large to be accepted anyway: the handler refuses it and nothing is done
            return handler(view, request, *args, **kwargs)
        claimed = idempotency_claim(scope=client_scope(request), key=key, fingerprint=fingerprint)
        if isinstance(claimed, IdempotencyKey):
            return _replay(claimed)
        return _run_once(view, handler, claimed, request, *args, **kwargs)

    return extend_schema(parameters=[HEADER_PARAMETER])(wrapper)


def account_scope(user_id: int) -> str:
    """The scope of an account's keys. Their stored answers repeat what the account sent (its public name,
    its texts): personal data, listed in its download and deleted with it (services.account_delete)."""
    return f"user:{user_id}"


def account_keys(user_id: int) -> QuerySet[IdempotencyKey]:
    return IdempotencyKey.objects.filter(scope=account_scope(user_id))


def client_scope(request: Request) -> str:
    """Whose key it is: the account, else the anonymous browser (its cookie), else the client address."""
    reader = participant_reading(request)
    if reader.signed_in:
        return account_scope(reader.pk)
    if reader.browser:
        return f"browser:{reader.browser}"
    django_request = getattr(request, "_request", request)
    return Participant(user=reader.user, address=client_address(django_request)).rate_ident


def idempotency_claim(*, scope: str, key: str, fingerprint: str) -> Claim | IdempotencyKey:
    """Claim the key for this request (a `Claim`), or return the finished key whose answer to repeat.

    Raises IdempotencyKeyReused for another request under the key, IdempotencyKeyInProgress while the
    request holding it is still running."""
    for _attempt in range(3):
        now = timezone.now()
        token = uuid.uuid4()
        try:
            # Its own short transaction (a savepoint inside one), committed before the work starts.
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    claim=token,
                    claimed_at=now,
                    created_at=now,
                    expires_at=now + timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS),
                )
            return Claim(pk=row.pk, token=token)
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:
            continue  # released or purged in between: claim it afresh
        if row.expires_at <= now:
            # An expired key counts as unused: take it over for this request, whatever it stood for.
            if _take_over(row, token, now, fingerprint=fingerprint, state=IdempotencyState.RUNNING):
                return Claim(pk=row.pk, token=token)
            continue
        if row.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if row.state == IdempotencyState.DONE:
            return row
        if row.claimed_at > now - timedelta(seconds=settings.IDEMPOTENCY_GRACE_SECONDS):
            raise IdempotencyKeyInProgress()
        if _take_over_abandoned(row, token, now):
            return Claim(pk=row.pk, token=token)
        raise IdempotencyKeyInProgress()
    raise IdempotencyKeyInProgress()


def _take_over_abandoned(row: IdempotencyKey, token: uuid.UUID, now: datetime) -> bool:
    """Take a running claim over if no request holds its row: a working request locks it until it ends."""
    with transaction.atomic():
        unlocked = (
            IdempotencyKey.objects.select_for_update(skip_locked=True)
            .filter(pk=row.pk, claim=row.claim, state=IdempotencyState.RUNNING)
            .exists()
        )
        return unlocked and _take_over(row, token, now)


def _take_over(row: IdempotencyKey, token: uuid.UUID, now: datetime, **changes: Any) -> bool:
    """Claim `row` for this request if nobody else did since we read it (the old claim token decides)."""
    expires_at = now + timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    if changes:  # an expired key starts over: no answer, a new lifetime
        changes.update(status_code=None, content_type="", location="", body=b"", created_at=now)
    return bool(
        IdempotencyKey.objects.filter(pk=row.pk, claim=row.claim).update(
            claim=token, claimed_at=now, expires_at=expires_at, **changes
        )
    )


def _run_once(
    view: APIView, handler: Callable[..., Response], claim: Claim, request: Request, *args: Any, **kwargs: Any
) -> HttpResponse:
    try:
        with transaction.atomic():
            _lock(claim)  # held until the work and its answer commit: duplicates see it running
            response = handler(view, request, *args, **kwargs)
            if _kept(response):
                _finish(claim, response)  # in the work's transaction: both commit, or neither
                return response
    except ClaimLost:
        _release(claim)
        raise IdempotencyKeyInProgress() from None
    except Exception as exc:
        _release(claim)
        return view.handle_exception(exc)  # the API's error answer; re-raises what it does not know
    _release(claim)
    return response


def _lock(claim: Claim) -> None:
    owned = IdempotencyKey.objects.select_for_update().filter(
        pk=claim.pk, claim=claim.token, state=IdempotencyState.RUNNING
    )
    if not owned.exists():
        raise ClaimLost()


def _kept(response: HttpResponse) -> bool:
    return response.status_code < 400


def _finish(claim: Claim, response: HttpResponse) -> None:
    body = _rendered(response)
    finished = IdempotencyKey.objects.filter(
        pk=claim.pk, claim=claim.token, state=IdempotencyState.RUNNING
    ).update(
        state=IdempotencyState.DONE,
        status_code=response.status_code,
        content_type="application/json" if isinstance(response, Response) else response["Content-Type"],
        location=response.get("Location", ""),
        body=body,
    )
    if not finished:
        raise ClaimLost()


def _release(claim: Claim) -> None:
    """Give the key back after a refused or failed request. If the database is gone too, the claim stays
    unlocked and a retry takes it over."""
    try:
        IdempotencyKey.objects.filter(pk=claim.pk, claim=claim.token, state=IdempotencyState.RUNNING).delete()
    except DatabaseError as exc:  # the answer to the client matters more than this cleanup
        logger.warning("idempotency key %s not released: %s", claim.pk, exc)


def _rendered(response: HttpResponse) -> bytes:
    """The body exactly as the client gets it: API views answer through DRF's JSON renderer only."""
    if isinstance(response, Response):
        return JSONRenderer().render(response.data)
    return bytes(response.content)


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status_code, content_type=row.content_type)
    if row.location:
        response["Location"] = row.location
    response[REPLAYED_HEADER] = "true"
    return response


def _checked_key(raw: str) -> str:
    if not 1 <= len(raw) <= KEY_MAX or not all(" " <= char <= "~" for char in raw):
        raise IdempotencyKeyInvalid()
    return raw


def request_fingerprint(request: Request) -> str | None:
    """What the request asks for, as a digest: method, path and body. A multipart form (photos) is hashed
    from its parsed fields and its files' contents; another body from its bytes, None above
    API_MAX_BODY_BYTES (the parser refuses it anyway)."""
    if (request.content_type or "").startswith("multipart/form-data"):
        return _form_fingerprint(request)
    body = _body(request)
    if body is None:
        return None
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(), body])).hexdigest()


def _form_fingerprint(request: Request) -> str:
    """A multipart form's digest, read from what the parser kept: its fields in the order sent, and each
    file's content streamed from the upload handler's buffer (participation/uploads.py bounds each file
    before this runs), so a photo is never copied whole for hashing. A file's name and type are left out:
    nothing keeps them, so a request differing only in those does the same work. Parsing errors (too
    large, too many files, no multipart parser on the view) are the view's own answers."""
    digest = hashlib.sha256()

    # Every part length-prefixed and every list counted: no two different forms give the same stream.
    def part(value: bytes) -> None:
        digest.update(len(value).to_bytes(8, "big"))
        digest.update(value)

    def named(kind: bytes, name: str, count: int) -> None:
        part(kind)
        part(name.encode("utf-8", "surrogatepass"))
        part(count.to_bytes(8, "big"))

    for value in (b"multipart", request.method.encode(), request.path.encode()):
        part(value)
    for name, values in request.POST.lists():
        named(b"field", name, len(values))
        for text in values:
            part(text.encode("utf-8", "surrogatepass"))
    for name, files in request.FILES.lists():
        named(b"file", name, len(files))
        for upload in files:
            content = hashlib.sha256()
            for chunk in upload.chunks():  # from the start of the file, whatever read it before
                content.update(chunk)
            upload.seek(0)
            part(content.digest())
    return digest.hexdigest()


def _body(request: Request) -> bytes | None:
    django_request = getattr(request, "_request", request)
    length = django_request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.API_MAX_BODY_BYTES:
        return None
    return django_request.body


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Delete expired keys with their stored answers (which may hold what a participant wrote)."""
    deleted, _detail = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
