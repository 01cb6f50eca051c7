"""Every change of participation data: one keyword-only function per use case, each in one transaction.

Each public service first checks (phase, who may take part, visibility, input), then the anti-spam proof
of anonymous people and the rate limit, and only then writes; nothing is written when a check fails.
Counters change with conditional `UPDATE … SET n = n ± 1` so concurrent requests never lose an update, and
the UNIQUE constraints (not Python) decide duplicates.
"""

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from geo.core.geometry import geometry_from_geojson

from .. import notifications
from ..antispam import check_human
from ..errors import (
    AlreadyReported,
    AlreadySupported,
    BadCredentials,
    CommentNotFound,
    ContactMailLimit,
    EmailNotVerified,
    InactiveCategory,
    InvalidText,
    LineDrawingInvalid,
    NotPublished,
    OwnSuggestion,
    ReplyDepth,
    TooManyRequests,
)
from ..login_limits import account_for_login, password_attempt_check, password_failure_count
from ..models import (
    PHOTOS_PER_SUGGESTION,
    Category,
    Comment,
    GeometryKind,
    LineDrawing,
    ModerationMode,
    ModerationState,
    Profile,
    Project,
    Report,
    Suggestion,
    SuggestionContact,
    Support,
)
from ..names import check_public_name
from ..participants import Participant
from ..rules import check_can_write, check_may_take_part
from ..selectors import category_get, suggestion_get_visible, support_list
from ..texts import clean_email, clean_text
from ..throttling import rate_limit_check
from .follows import notices_comment, notices_new
from .photos import (
    PhotoUpload,
    photo_state_for,
    photo_uploads_check,
    photos_attach,
    photos_prepare,
    stored_files,
)
from .reports import hide_when_reported

TITLE_MAX = Suggestion._meta.get_field("title").max_length
TEXT_MAX = Suggestion._meta.get_field("text").max_length
COMMENT_MAX = Comment._meta.get_field("text").max_length
REPORT_TEXT_MAX = Report._meta.get_field("text").max_length
NAME_MAX = Suggestion._meta.get_field("display_name").max_length
# The account's side of the one-to-one (`user.profile`), filled when the profile was read with the account.
PROFILE = Profile._meta.get_field("user").remote_field


def line_drawing_for(*, kind: str, value: str) -> str:
    """How a suggestion of this kind records its drawing: lines "routed" or "free" (free when not said, as
    every line was before routing), points and areas nothing."""
    if kind != GeometryKind.LINE:
        if value:
            raise LineDrawingInvalid()
        return ""
    if not value:
        return LineDrawing.FREE
    if value not in LineDrawing.values:
        raise LineDrawingInvalid()
    return value


def suggestion_create(
    *,
    actor: Participant,
    project: Project,
    category_key: str,
    geometry: object,
    title: str,
    text: str,
    name: str = "",
    email: str = "",
    line_drawing: str = "",
    photos: Sequence[PhotoUpload] = (),
) -> Suggestion:
    """A citizen's new suggestion: public at once in post-moderation, waiting for review in pre-moderation.

    Up to three `photos`, each with its description, go in with it or not at all: every photo is re-encoded
    before anything is written, and one refused refuses the suggestion (services/photos.py). They wait for
    review where the project pre-moderates photos.

    Anonymous authors may give a public `name` and an `email` to be told what became of it; that address
    is confirmed by a link before any mail about the suggestion is sent to it. A path records how it was
    drawn (`line_drawing`: routed along the streets, or free); one sent without saying was drawn freely.
    """
    check_can_write(actor, project)
    category = _active_category(project=project, key=category_key)
    geom = geometry_from_geojson(geometry, kind=category.geometry_kind, area=project.area)
    line_drawing = line_drawing_for(kind=category.geometry_kind, value=line_drawing)
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, single_line=True)
    text = clean_text(text, field="text", max_length=TEXT_MAX)
    display_name = _display_name(actor, name)
    email = "" if actor.signed_in else clean_email(email)
    checked_photos = photo_uploads_check(photos, room=PHOTOS_PER_SUGGESTION)
    check_human(actor)
    rate_limit_check(scope="suggestion", ident=actor.rate_ident)
    if email:
        # Nobody may use the city's server to flood an address with confirmation mails.
        recipient = salted_hmac("participation.contact", email.casefold()).hexdigest()
        try:
            rate_limit_check(scope="contact", ident=recipient)
        except TooManyRequests as refused:
            raise ContactMailLimit(retry_after=refused.retry_after) from None
    state = (
        ModerationState.PUBLISHED
        if project.moderation_mode == ModerationMode.POST
        else ModerationState.PENDING
    )
    prepared = photos_prepare(checked_photos)  # the costly part, after the anti-spam proof and the limit
    # Every check above only reads. One INSERT is atomic by itself; a transaction (BEGIN and COMMIT, two
    # more round trips) is opened only when the contact row, photos or alerts' notices must go in with it.
    published = state == ModerationState.PUBLISHED
    with stored_files() as written, transaction.atomic() if email or prepared or published else nullcontext():
        suggestion = Suggestion.objects.create(
            project=project,
            category=category,
            geom=geom,
            title=title,
            text=text,
            line_drawing=line_drawing,
            author=actor.user if actor.signed_in else None,
            display_name=display_name,
            moderation_state=state,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            source_address=actor.source_address,
        )
        if email:
            contact = SuggestionContact.objects.create(
                suggestion=suggestion, email=email, language=translation.get_language() or "de"
            )
            notifications.queue_contact_confirmation(contact)
        if prepared:
            photos_attach(
                suggestion=suggestion,
                comment=None,
                author=actor,
                state=photo_state_for(project, state),
                prepared=prepared,
                positions=range(len(prepared)),
                written=written,
            )
        if published:
            notices_new(suggestion_ids=[suggestion.pk])
    return suggestion


def contact_confirm(*, contact: SuggestionContact) -> SuggestionContact:
    """The author followed the link in the confirmation mail: mails about the suggestion may go out now."""
    SuggestionContact.objects.filter(pk=contact.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    contact.refresh_from_db(fields=["confirmed_at"])
    return contact


@transaction.atomic
def support_add(*, actor: Participant, suggestion_id: int) -> Suggestion:
    """One support per account, or per anonymous browser (the key in its signed cookie)."""
    suggestion = _published(actor=actor, suggestion_id=suggestion_id)
    check_can_write(actor, suggestion.project)
    if actor.signed_in and suggestion.author_id == actor.pk:
        raise OwnSuggestion()
    _lock_published(suggestion)
    if support_list(actor).filter(suggestion=suggestion).exists():
        raise AlreadySupported()  # said before the anti-spam check, which a second click need not pass
    check_human(actor)
    rate_limit_check(scope="support", ident=actor.rate_ident)
    if not actor.signed_in:
        # A browser without its cookie is a new browser: the address may support one suggestion only a few
        # times a day, however many cookies it throws away.
        rate_limit_check(scope="support_anonymous", ident=f"{actor.rate_ident}:{suggestion.pk}")
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal must not end the outer transaction
            if actor.signed_in:
                Support.objects.create(suggestion=suggestion, user=actor.user)
            else:
                Support.objects.create(suggestion=suggestion, browser=actor.browser)
    except IntegrityError:
        raise AlreadySupported() from None
    _count_on_published(suggestion, support_count=F("support_count") + 1)
    suggestion.refresh_from_db(fields=["support_count"])
    return suggestion


@transaction.atomic
def support_withdraw(*, actor: Participant, suggestion_id: int) -> Suggestion:
    """Withdrawing a support that does not exist is not an error: the result is the same. Only one's own
    support can be withdrawn, so this needs no anti-spam proof."""
    suggestion = _published(actor=actor, suggestion_id=suggestion_id)
    check_can_write(actor, suggestion.project)
    _lock_published(suggestion)  # the suggestion's row first, like merges: no lock cycle with them
    deleted, _detail = support_list(actor).filter(suggestion=suggestion).delete()
    if deleted:
        Suggestion.objects.filter(pk=suggestion.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
    suggestion.refresh_from_db(fields=["support_count"])
    return suggestion


@transaction.atomic
def comment_create(
    *, actor: Participant, suggestion_id: int, text: str, parent_id: int | None = None, name: str = ""
) -> Comment:
    """A comment, or a reply to a top-level comment (one reply level keeps discussions readable)."""
    suggestion = _published(actor=actor, suggestion_id=suggestion_id)
    project = suggestion.project
    check_can_write(actor, project)
    parent = None
    if parent_id is not None:
        parent = (
            Comment.objects.filter(
                pk=parent_id, suggestion=suggestion, moderation_state=ModerationState.PUBLISHED
            )
            .only("id", "parent_id")
            .first()
        )
        if parent is None:
            raise CommentNotFound()
        if parent.parent_id is not None:
            raise ReplyDepth()
    text = clean_text(text, field="text", max_length=COMMENT_MAX, required=True)
    display_name = _display_name(actor, name)
    check_human(actor)
    rate_limit_check(scope="comment", ident=actor.rate_ident)
    _lock_published(suggestion)
    published = project.moderation_mode == ModerationMode.POST
    comment = Comment.objects.create(
        suggestion=suggestion,
        parent=parent,
        author=actor.user if actor.signed_in else None,
        display_name=display_name,
        text=text,
        moderation_state=ModerationState.PUBLISHED if published else ModerationState.PENDING,
        source_address=actor.source_address,
    )
    if published:
        _count_on_published(suggestion, comment_count=F("comment_count") + 1)
        notices_comment(comment=comment)
    return comment


@transaction.atomic
def report_create(
    *, actor: Participant, suggestion_id: int, reason: str, text: str = "", comment_id: int | None = None
) -> Report:
    """Reports stay possible after the phase ends: abuse must be reportable as long as it is visible."""
    suggestion = _published(actor=actor, suggestion_id=suggestion_id)
    check_may_take_part(actor, suggestion.project)
    comment = None
    if comment_id is not None:
        comment = Comment.objects.filter(
            pk=comment_id, suggestion=suggestion, moderation_state=ModerationState.PUBLISHED
        ).first()
        if comment is None:
            raise CommentNotFound()
    text = clean_text(text, field="text", max_length=REPORT_TEXT_MAX)
    check_human(actor)
    rate_limit_check(scope="report", ident=actor.rate_ident)
    reporter = {"reporter": actor.user} if actor.signed_in else {"reporter_browser": actor.browser}
    try:
        with transaction.atomic():
            report = Report.objects.create(
                suggestion=suggestion,
                comment=comment,
                reason=reason,
                text=text,
                source_address=actor.source_address,
                **reporter,
            )
    except IntegrityError:
        raise AlreadyReported() from None
    hide_when_reported(report)
    return report


def _display_name(actor: Participant, name: object) -> str:
    """The public name chosen at sign-up, or the one an anonymous person gives; empty means "a participant",
    translated when shown."""
    if actor.signed_in:
        # The API token authentication reads it with the account (participation/token_auth.py).
        if PROFILE.is_cached(actor.user):
            profile = PROFILE.get_cached_value(actor.user)  # None: the account has no profile
        else:
            profile = Profile.objects.filter(user_id=actor.pk).only("display_name").first()
        return profile.display_name if profile else ""
    chosen = clean_text(name, field="name", max_length=NAME_MAX, single_line=True)
    check_public_name(chosen, user=None)  # nobody without an account speaks as "Moderation"
    return chosen


def _active_category(*, project: Project, key: Any) -> Category:
    if not isinstance(key, str) or not key:
        raise InvalidText(_("Please choose a category."), field="category")
    category = category_get(project=project, key=key)
    if not category.active:
        raise InactiveCategory()
    return category


def _count_on_published(suggestion: Suggestion, **counters: F) -> None:
    """Count only while the suggestion is still published: a moderator may have hidden it since the check.
    Raising rolls the whole write back, so nothing is stored for a suggestion that just left the map."""
    if not Suggestion.objects.filter(pk=suggestion.pk, moderation_state=ModerationState.PUBLISHED).update(
        **counters
    ):
        raise NotPublished()


def _lock_published(suggestion: Suggestion) -> None:
    """Lock the suggestion's row while it is still published, before writing anything that hangs on it.

    Merging and moderating lock the same row first, so a support or comment either lands before a merge
    (and moves with it) or waits and then finds the suggestion gone; never half of each. FOR NO KEY UPDATE
    leaves other writers' foreign-key checks alone.
    """
    locked = (
        Suggestion.objects.select_for_update(no_key=True)
        .filter(pk=suggestion.pk, moderation_state=ModerationState.PUBLISHED)
        .values_list("pk", flat=True)
    )
    if not list(locked):
        raise NotPublished()


def _published(*, actor: Participant, suggestion_id: int) -> Suggestion:
    """The suggestion if the actor may see it, and only if it is published (pending ones take no support)."""
    suggestion = suggestion_get_visible(actor=actor.user, suggestion_id=suggestion_id)
    if suggestion.moderation_state != ModerationState.PUBLISHED:
        raise NotPublished()
    return suggestion


def token_issue(*, login: str, password: str, source: str) -> str:
    """An API token for a user name or e-mail address and password; one token per account.

    `source` is the client address's rate ident. Wrong passwords are counted per account (whichever of its
    names was typed) and address, without a lever to lock the owner out (participation/login_limits.py).
    """
    account = account_for_login(login)
    account_id = account.pk if account is not None else None
    password_attempt_check(account_id=account_id, source=source)  # guessing passwords stops here
    credentials = {"email": login} if "@" in login else {"username": login}
    user = authenticate(request=None, password=password, **credentials)
    if user is None or not user.is_active:
        password_failure_count(account_id=account_id, source=source)
        raise BadCredentials()
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise EmailNotVerified()
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
