"""Photos of suggestions and comments: checking the uploads, re-encoding them, storing the files and rows.

What is stored is only what participation/images.py wrote (the re-encoded image and its thumbnails), under
names made from a random key. Every check that only reads comes first (count, descriptions, sizes, who may
add, the anti-spam proof, the rate limit); then the photos are re-encoded, outside any transaction and
before anything is written, so a bad second photo leaves nothing of the first behind. The files are
written inside the transaction that inserts the rows, and removed again when that transaction does not
commit (`stored_files`). Files left by a rollback further out, or by a cascade that deleted rows (a
project, a suggestion), are removed by `photo_files_purge` (daily: `manage.py purge_photo_files`).
"""

import logging
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..errors import (
    CommentNotFound,
    DomainError,
    InvalidText,
    NotEditable,
    NotSignedIn,
    PhotoLimit,
    PhotoNotYours,
    PhotoTooLarge,
    about_photo,
)
from ..images import RENDITIONS, ProcessedPhoto, photo_process
from ..models import (
    ALT_TEXT_MAX,
    PHOTOS_PER_COMMENT,
    PHOTOS_PER_SUGGESTION,
    Comment,
    ModerationState,
    Photo,
    Project,
    Suggestion,
)
from ..participants import Participant
from ..rules import check_can_write
from ..selectors import suggestion_get_visible
from ..texts import clean_text
from ..throttling import rate_limit_check

logger = logging.getLogger(__name__)

STORAGE = "photos"
# What an author may still add photos to (as what they may still correct).
OPEN_STATES = (ModerationState.PENDING, ModerationState.PUBLISHED)


@dataclass(frozen=True, slots=True)
class PhotoUpload:
    """One uploaded file and the description typed for it. `size` is the upload's size in bytes, if known."""

    file: IO[bytes]
    alt: object
    size: int | None = None


@dataclass(frozen=True, slots=True)
class CheckedPhoto:
    upload: PhotoUpload
    alt: str


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    alt: str
    processed: ProcessedPhoto


def photo_storage() -> Storage:
    return storages[STORAGE]


def photo_file_name(key: str, rendition: str) -> str:
    """Where a rendition lies in the photo storage: a folder per key, spread over 4,096 folders."""
    return f"{key[:2]}/{key}/{rendition}.jpg"


def photo_too_large() -> PhotoTooLarge:
    limit = settings.PHOTO_UPLOAD_MAX_BYTES // (1024 * 1024)
    return PhotoTooLarge(_("This photo is too large: at most %(mb)d MB.") % {"mb": limit})


def photo_limit(*, room: int, on_comment: bool) -> PhotoLimit:
    if on_comment:
        return PhotoLimit(
            ngettext(
                "A comment can have at most %(max)d photo.",
                "A comment can have at most %(max)d photos.",
                PHOTOS_PER_COMMENT,
            )
            % {"max": PHOTOS_PER_COMMENT}
        )
    message = _("A suggestion can have at most %(max)d photos.") % {"max": PHOTOS_PER_SUGGESTION}
    if room < PHOTOS_PER_SUGGESTION:
        message += " " + ngettext("There is room for one more.", "There is room for %(room)d more.", room) % {
            "room": room
        }
    return PhotoLimit(message)


def photo_uploads_check(
    uploads: Sequence[PhotoUpload], *, room: int, on_comment: bool = False
) -> list[CheckedPhoto]:
    """The cheap checks, before anything costly: how many, how large, and a description for each."""
    if len(uploads) > room:
        raise photo_limit(room=room, on_comment=on_comment)
    checked = []
    for index, upload in enumerate(uploads):
        try:
            checked.append(_upload_check(upload))
        except DomainError as error:
            raise about_photo(error, index) from None
    return checked


def _upload_check(upload: PhotoUpload) -> CheckedPhoto:
    if upload.size is not None and upload.size > settings.PHOTO_UPLOAD_MAX_BYTES:
        raise photo_too_large()
    alt = upload.alt if isinstance(upload.alt, str) else ""
    if not alt.strip():
        raise InvalidText(
            _("Please describe each photo in a few words, for people who cannot see it."), field="alt"
        )
    return CheckedPhoto(
        upload=upload, alt=clean_text(alt, field="alt", max_length=ALT_TEXT_MAX, single_line=True)
    )


def photos_prepare(checked: Sequence[CheckedPhoto]) -> list[PreparedPhoto]:
    """Re-encode every photo (the costly part); the first one refused ends it, with nothing written."""
    prepared = []
    for index, photo in enumerate(checked):
        try:
            processed = photo_process(photo.upload.file)
        except DomainError as error:
            raise about_photo(error, index) from None
        prepared.append(PreparedPhoto(alt=photo.alt, processed=processed))
    return prepared


def photo_state_for(project: Project, contribution_state: str) -> str:
    """A new photo is public with its contribution, unless the project pre-moderates photos (the default)."""
    if contribution_state == ModerationState.PUBLISHED and not project.premoderate_photos:
        return ModerationState.PUBLISHED
    return ModerationState.PENDING


@contextmanager
def stored_files() -> Iterator[list[str]]:
    """Collects the names of files written inside; removes them when the block ends with an error (open it
    around the transaction, so a failed commit removes them too)."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        _files_delete(written)
        raise


def _files_delete(names: Sequence[str]) -> None:
    storage = photo_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # the storage is down: photo_files_orphaned finds the file later
            logger.warning("photo file %s could not be deleted", name)


def photo_files_write(processed: ProcessedPhoto, *, written: list[str]) -> str:
    """Store every rendition under a new random key and return the key. The caller is inside
    `stored_files`, which `written` belongs to (the files go again if its block fails)."""
    storage = photo_storage()
    key = secrets.token_urlsafe(16)
    for rendition in RENDITIONS:
        name = photo_file_name(key, rendition)
        saved = storage.save(name, ContentFile(processed.renditions[rendition].data))
        written.append(saved)
        if saved != name:  # 128 random bits never collide; a storage renaming them would break URLs
            raise RuntimeError(f"photo storage renamed {name} to {saved}")
    return key


def photo_files_delete_on_commit(key: str) -> None:
    """Delete a photo's files once the caller's transaction commits (a rollback keeps them: the row that
    names them is then still there). Deleting them first could leave a row whose files are gone."""
    names = [photo_file_name(key, rendition) for rendition in RENDITIONS]
    transaction.on_commit(lambda: _files_delete(names))


def photos_attach(
    *,
    suggestion: Suggestion,
    comment: Comment | None,
    author: Participant,
    state: str,
    prepared: Sequence[PreparedPhoto],
    positions: Sequence[int],
    written: list[str],
) -> list[Photo]:
    """Write the files and insert the rows. The caller holds the transaction (inside `stored_files`, which
    `written` belongs to) and the lock that decided `positions`."""
    photos = []
    for photo, position in zip(prepared, positions, strict=True):
        key = photo_files_write(photo.processed, written=written)
        photos.append(
            Photo(
                suggestion=suggestion,
                comment=comment,
                position=position,
                author=author.user if author.signed_in else None,
                alt_text=photo.alt,
                moderation_state=state,
                key=key,
                width=photo.processed.width,
                height=photo.processed.height,
                source_address=author.source_address,
            )
        )
    try:
        with transaction.atomic():  # a savepoint: a lost race for a position is a refusal, not an error
            return Photo.objects.bulk_create(photos)
    except IntegrityError:
        raise photo_limit(room=0, on_comment=comment is not None) from None


def _free_positions(taken: Sequence[int], *, slots: int, wanted: int, on_comment: bool) -> list[int]:
    free = [position for position in range(slots) if position not in set(taken)]
    if len(free) < wanted:
        raise photo_limit(room=len(free), on_comment=on_comment)
    return free[:wanted]


def photo_add(*, actor: Participant, suggestion_id: int, upload: PhotoUpload) -> Photo:
    """The author adds a photo to their suggestion while it waits for review or is published, during the
    phase (as they may correct it). It waits for review when the project pre-moderates photos."""
    if not actor.signed_in:
        raise NotSignedIn()
    suggestion = suggestion_get_visible(actor=actor.user, suggestion_id=suggestion_id)
    if suggestion.author_id != actor.pk:
        raise PhotoNotYours()
    check_can_write(actor, suggestion.project)
    if suggestion.moderation_state not in OPEN_STATES:
        raise NotEditable()
    checked = photo_uploads_check([upload], room=PHOTOS_PER_SUGGESTION)
    taken = _suggestion_positions(suggestion.pk)
    _free_positions(taken, slots=PHOTOS_PER_SUGGESTION, wanted=1, on_comment=False)  # refused before the work
    rate_limit_check(scope="photo", ident=actor.rate_ident)
    prepared = photos_prepare(checked)
    with stored_files() as written, transaction.atomic():
        state = (
            Suggestion.objects.select_for_update(no_key=True)
            .filter(pk=suggestion.pk, moderation_state__in=OPEN_STATES)
            .values_list("moderation_state", flat=True)
            .first()
        )
        if state is None:
            raise NotEditable()
        positions = _free_positions(
            _suggestion_positions(suggestion.pk), slots=PHOTOS_PER_SUGGESTION, wanted=1, on_comment=False
        )
        [photo] = photos_attach(
            suggestion=suggestion,
            comment=None,
            author=actor,
            state=photo_state_for(suggestion.project, state),
            prepared=prepared,
            positions=positions,
            written=written,
        )
    return photo


def comment_photo_add(
    *, actor: Participant, suggestion_id: int, comment_id: int, upload: PhotoUpload
) -> Photo:
    """The author adds a photo to their comment (one per comment), while the discussion is open."""
    if not actor.signed_in:
        raise NotSignedIn()
    suggestion = suggestion_get_visible(actor=actor.user, suggestion_id=suggestion_id)
    comment = Comment.objects.filter(pk=comment_id, suggestion_id=suggestion.pk).first()
    if comment is None or comment.moderation_state not in OPEN_STATES:
        raise CommentNotFound()
    if comment.author_id != actor.pk:
        raise PhotoNotYours()
    check_can_write(actor, suggestion.project)
    checked = photo_uploads_check([upload], room=PHOTOS_PER_COMMENT, on_comment=True)
    if Photo.objects.filter(comment_id=comment.pk).exists():
        raise photo_limit(room=0, on_comment=True)
    rate_limit_check(scope="photo", ident=actor.rate_ident)
    prepared = photos_prepare(checked)
    with stored_files() as written, transaction.atomic():
        state = (
            Comment.objects.select_for_update(no_key=True)
            .filter(pk=comment.pk, moderation_state__in=OPEN_STATES)
            .values_list("moderation_state", flat=True)
            .first()
        )
        if state is None:
            raise NotEditable()
        [photo] = photos_attach(
            suggestion=suggestion,
            comment=comment,
            author=actor,
            state=photo_state_for(suggestion.project, state),
            prepared=prepared,
            positions=[0],
            written=written,
        )
    return photo


def _suggestion_positions(suggestion_id: int) -> list[int]:
    return list(
        Photo.objects.filter(suggestion_id=suggestion_id, comment__isnull=True).values_list(
            "position", flat=True
        )
    )


def photos_publish_with(*, suggestion_ids: Sequence[int], comment_id: int | None = None) -> int:
    """A moderator approved these suggestions (or this comment) looking at the photos sent with them: those
    photos are published too. Photos added to an item already published wait for their own decision. The
    caller holds the items' row locks."""
    return Photo.objects.filter(
        suggestion_id__in=suggestion_ids, comment_id=comment_id, moderation_state=ModerationState.PENDING
    ).update(moderation_state=ModerationState.PUBLISHED)


# A photo being stored has its files before its row is committed: files younger than this are left alone.
ORPHAN_GRACE = timedelta(hours=1)


def photo_files_purge(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the stored files no photo row names, once older than ORPHAN_GRACE: those of photos whose
    suggestion, comment or project was deleted (the rows went by cascade), or whose write was rolled back
    by an enclosing transaction. Returns the number of files (to be) deleted. One listing per key prefix
    and one query per prefix, whatever the storage (filesystem or S3)."""
    storage = photo_storage()
    cutoff = (now or timezone.now()) - ORPHAN_GRACE
    try:
        prefixes, _files = storage.listdir("")
    except FileNotFoundError:  # nothing stored yet
        return 0
    found = 0
    for prefix in sorted(prefixes):
        keys, _files = storage.listdir(prefix)
        known = set(Photo.objects.filter(key__in=keys).values_list("key", flat=True))
        for key in sorted(set(keys) - known):
            _dirs, names = storage.listdir(f"{prefix}/{key}")
            paths = [f"{prefix}/{key}/{name}" for name in names]
            if any(storage.get_modified_time(path) > cutoff for path in paths):
                continue
            found += len(paths)
            if not dry_run:
                _files_delete(paths)
    return found
