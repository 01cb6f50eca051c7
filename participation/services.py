"""Every change of participation data: one keyword-only function per use case, each in one transaction.

Each public service first checks (phase, sign-in, visibility, limits) and only then writes; nothing is
written when a check fails. Counters change with conditional `UPDATE … SET n = n ± 1` so concurrent
requests never lose an update, and the UNIQUE constraints (not Python) decide duplicates.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from geo.geometry import geometry_from_geojson

from .errors import (
    AlreadyReported,
    AlreadySupported,
    BadCredentials,
    CommentNotFound,
    EmailNotVerified,
    InactiveCategory,
    InvalidText,
    NotPublished,
    OwnSuggestion,
    ReplyDepth,
)
from .models import (
    Category,
    Comment,
    ModerationMode,
    ModerationState,
    Profile,
    Project,
    Report,
    Suggestion,
    Support,
)
from .rules import Actor, check_can_write, check_signed_in
from .selectors import category_get, suggestion_get_visible
from .texts import clean_text
from .throttling import rate_limit_check, rate_limit_spent

TITLE_MAX = Suggestion._meta.get_field("title").max_length
TEXT_MAX = Suggestion._meta.get_field("text").max_length
COMMENT_MAX = Comment._meta.get_field("text").max_length
REPORT_TEXT_MAX = Report._meta.get_field("text").max_length


@transaction.atomic
def suggestion_create(
    *, actor: Actor, project: Project, category_key: str, geometry: object, title: str, text: str
) -> Suggestion:
    """A citizen's new suggestion: public at once in post-moderation, waiting for review in pre-moderation."""
    check_can_write(actor, project)
    category = _active_category(project=project, key=category_key)
    geom = geometry_from_geojson(geometry, kind=category.geometry_kind, area=project.area)
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, single_line=True)
    text = clean_text(text, field="text", max_length=TEXT_MAX)
    rate_limit_check(scope="suggestion", ident=str(actor.pk))
    state = (
        ModerationState.PUBLISHED
        if project.moderation_mode == ModerationMode.POST
        else ModerationState.PENDING
    )
    return Suggestion.objects.create(
        project=project,
        category=category,
        geom=geom,
        title=title,
        text=text,
        author=actor,
        display_name=display_name_of(actor),
        moderation_state=state,
    )


@transaction.atomic
def support_add(*, actor: Actor, suggestion_id: int) -> Suggestion:
    suggestion = _published(actor=actor, suggestion_id=suggestion_id)
    check_can_write(actor, suggestion.project)
    if suggestion.author_id == actor.pk:
        raise OwnSuggestion()
    rate_limit_check(scope="support", ident=str(actor.pk))
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal must not end the outer transaction
            Support.objects.create(suggestion=suggestion, user=actor)
    except IntegrityError:
        raise AlreadySupported() from None
    _count_on_published(suggestion, support_count=F("support_count") + 1)
    suggestion.refresh_from_db(fields=["support_count"])
    return suggestion


@transaction.atomic
def support_withdraw(*, actor: Actor, suggestion_id: int) -> Suggestion:
    """Withdrawing a support that does not exist is not an error: the result is the same."""
    suggestion = _published(actor=actor, suggestion_id=suggestion_id)
    check_can_write(actor, suggestion.project)
    deleted, _detail = Support.objects.filter(suggestion=suggestion, user=actor).delete()
    if deleted:
        Suggestion.objects.filter(pk=suggestion.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
    suggestion.refresh_from_db(fields=["support_count"])
    return suggestion


@transaction.atomic
def comment_create(*, actor: Actor, suggestion_id: int, text: str, parent_id: int | None = None) -> Comment:
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
    rate_limit_check(scope="comment", ident=str(actor.pk))
    published = project.moderation_mode == ModerationMode.POST
    comment = Comment.objects.create(
        suggestion=suggestion,
        parent=parent,
        author=actor,
        display_name=display_name_of(actor),
        text=text,
        moderation_state=ModerationState.PUBLISHED if published else ModerationState.PENDING,
    )
    if published:
        _count_on_published(suggestion, comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def report_create(
    *, actor: Actor, suggestion_id: int, reason: str, text: str = "", comment_id: int | None = None
) -> Report:
    """Reports stay possible after the phase ends: abuse must be reportable as long as it is visible."""
    suggestion = _published(actor=actor, suggestion_id=suggestion_id)
    check_signed_in(actor)
    comment = None
    if comment_id is not None:
        comment = Comment.objects.filter(
            pk=comment_id, suggestion=suggestion, moderation_state=ModerationState.PUBLISHED
        ).first()
        if comment is None:
            raise CommentNotFound()
    text = clean_text(text, field="text", max_length=REPORT_TEXT_MAX)
    rate_limit_check(scope="report", ident=str(actor.pk))
    try:
        with transaction.atomic():
            return Report.objects.create(
                suggestion=suggestion, comment=comment, reporter=actor, reason=reason, text=text
            )
    except IntegrityError:
        raise AlreadyReported() from None


def display_name_of(actor: Actor) -> str:
    """The public name chosen at sign-up; empty means "a participant", translated when shown."""
    profile = Profile.objects.filter(user_id=actor.pk).only("display_name").first()
    return profile.display_name if profile else ""


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


def _published(*, actor: Actor, suggestion_id: int) -> Suggestion:
    """The suggestion if the actor may see it, and only if it is published (pending ones take no support)."""
    suggestion = suggestion_get_visible(actor=actor, suggestion_id=suggestion_id)
    if suggestion.moderation_state != ModerationState.PUBLISHED:
        raise NotPublished()
    return suggestion


def token_issue(*, login: str, password: str) -> str:
    """An API token for a user name or e-mail address and password; one token per account."""
    account = login.strip().casefold()
    rate_limit_spent(scope="token_failure", ident=account)  # guessing passwords stops here
    credentials = {"email": login} if "@" in login else {"username": login}
    user = authenticate(request=None, password=password, **credentials)
    if user is None or not user.is_active:
        rate_limit_check(scope="token_failure", ident=account)
        raise BadCredentials()
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise EmailNotVerified()
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
