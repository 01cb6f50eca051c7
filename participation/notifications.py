"""Mails to authors, sent by the background worker (django-tasks, database backend), never in a request.

Services queue a mail in their own transaction (the task is a row of the database backend): the decision and
its mail commit together or not at all, so a rolled-back decision mails nobody and a process that dies after
the commit loses no mail; it also saves each decision a second commit. A slow or failing mail server never
slows or fails a citizen's or moderator's request. The worker (`manage.py db_worker`) works
out the recipient when it sends: an author with an account who wants these mails and has a verified address,
or the confirmed, still subscribed address an anonymous author left. Mails are in the language the author
wrote the suggestion in, and carry a one-click unsubscribe link (RFC 8058 headers too).
"""

import logging
from collections.abc import Sequence

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import (
    ModerationAction,
    ModerationEvent,
    Photo,
    PlanningStatus,
    Profile,
    Suggestion,
    SuggestionContact,
)

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "participation.unsubscribe"


def queue_author_notification(event: ModerationEvent) -> None:
    send_author_notification.enqueue(event.pk)


def queue_author_notifications(events: Sequence[ModerationEvent]) -> None:
    """`queue_author_notification` for each event of a bulk decision, as ONE INSERT of all task rows.

    django-tasks has no bulk enqueue, so the rows are built as `DatabaseBackend.enqueue` builds them
    (django-tasks-db, pinned; a test compares a row queued here with one queued by `enqueue`), in the
    caller's transaction like a single one: the mails commit with the decisions or not at all."""
    task = send_author_notification
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for event in events:
            task.enqueue(event.pk)
        return
    backend.validate_task(task)
    rows = DBTaskResult.objects.bulk_create(
        [
            DBTaskResult(
                id=backend._get_id(),
                args_kwargs=normalize_json({"args": [event.pk], "kwargs": {}}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                # bulk_create skips the backend's pre_save handler that sets this default.
                run_after=task.run_after or get_date_max(),
                backend_name=backend.alias,
            )
            for event in events
        ]
    )
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)


def queue_contact_confirmation(contact: SuggestionContact) -> None:
    send_contact_confirmation.enqueue(contact.pk)


@task()
def send_contact_confirmation(contact_id: int) -> bool:
    from .contacts import send_contact_confirmation as send

    contact = SuggestionContact.objects.select_related("suggestion__project").filter(pk=contact_id).first()
    if contact is None:  # deleted meanwhile (e.g. purged): nothing to confirm
        return False
    send(contact)
    return True


@task()
def send_author_notification(event_id: int) -> bool:
    """Returns whether a mail went out (the task result records it)."""
    event = ModerationEvent.objects.filter(pk=event_id).first()
    if event is None:
        return False
    suggestion = Suggestion.objects.select_related("project", "merged_into").get(pk=event.suggestion_id)
    recipient = author_address(suggestion)
    if recipient is None:
        return False
    _send(
        recipient,
        suggestion,
        _template(event),
        {"event": event, "status": _status_label(event), "target": suggestion.merged_into or suggestion},
    )
    return True


def queue_photo_notification(event: ModerationEvent, photo: Photo) -> None:
    """Tell a photo's author that a moderator removed or blurred it. What the mail names (the description,
    who sent it) goes with the task: a removed photo's row is gone before the worker runs."""
    send_photo_notification.enqueue(event.pk, photo.author_id, photo.alt_text)


@task()
def send_photo_notification(event_id: int, author_id: int | None, alt_text: str) -> bool:
    """Returns whether a mail went out. An account gets it where it gets mails about its contributions; an
    anonymous author only for a photo sent with their suggestion (the confirmed address left with it)."""
    event = ModerationEvent.objects.filter(pk=event_id).first()
    if event is None:
        return False
    suggestion = Suggestion.objects.select_related("project", "merged_into").get(pk=event.suggestion_id)
    if author_id is not None:
        recipient = user_address(author_id)
    elif event.comment_id is None and suggestion.author_id is None:
        recipient = author_address(suggestion)
    else:
        recipient = None  # an anonymous comment's photo: no address was left with it
    if recipient is None:
        return False
    template = "photo_blurred" if event.action == ModerationAction.BLUR else "photo_removed"
    context = {"event": event, "alt_text": alt_text, "on_comment": event.comment_id is not None}
    _send(recipient, suggestion, template, {**context, "target": suggestion.merged_into or suggestion})
    return True


def _send(recipient: tuple[str, str], suggestion: Suggestion, template: str, context: dict) -> None:
    """One mail about `suggestion`, in its language, with the one-click unsubscribe link (RFC 8058)."""
    address, token = recipient
    unsubscribe = settings.SITE_URL + reverse("participation:unsubscribe", kwargs={"token": token})
    with translation.override(suggestion.language):
        context = {
            **context,
            "suggestion": suggestion,
            "project": suggestion.project,
            "link": settings.SITE_URL + suggestion_path(context["target"]),
            "unsubscribe": unsubscribe,
        }
        subject = render_to_string(f"participation/email/{template}_subject.txt", context)
        body = render_to_string(f"participation/email/{template}_message.txt", context)
    unsubscribable_mail(subject=subject, body=body, address=address, unsubscribe=unsubscribe).send()


def unsubscribable_mail(*, subject: str, body: str, address: str, unsubscribe: str) -> EmailMessage:
    """A mail with its one-click unsubscribe link in the headers too (RFC 8058: mail programs offer it and
    POST to it); the subject on one line, as a template renders it over several."""
    return EmailMessage(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def suggestion_path(suggestion: Suggestion) -> str:
    return reverse(
        "participation:suggestion-detail", kwargs={"slug": suggestion.project.slug, "pk": suggestion.pk}
    )


def author_address(suggestion: Suggestion) -> tuple[str, str] | None:
    """Where mails about this suggestion may go, with the unsubscribe token for that address; or None."""
    if suggestion.author_id is not None:
        return user_address(suggestion.author_id)
    contact = SuggestionContact.objects.filter(
        suggestion=suggestion, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).first()
    if contact is None:
        return None
    return contact.email, signing.dumps(["contact", contact.pk], salt=UNSUBSCRIBE_SALT)


def user_address(user_id: int) -> tuple[str, str] | None:
    """An account's verified address for mails about its contributions, if it wants them, with the
    unsubscribe token; or None."""
    wants = Profile.objects.filter(user_id=user_id, notify=True).exists()
    email = (
        EmailAddress.objects.filter(user_id=user_id, verified=True)
        .order_by("-primary", "id")
        .values_list("email", flat=True)
        .first()
    )
    if not (wants and email):
        return None
    return email, signing.dumps(["user", user_id], salt=UNSUBSCRIBE_SALT)


def unsubscribe_target(token: str) -> tuple[str, int] | None:
    """(kind, id) of an unsubscribe link; it never expires, but it cannot be forged."""
    try:
        kind, pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    # user/contact: mails to authors; follow/alert/notices: to followers and alerts (follow_mail.py).
    if kind not in ("user", "contact", "follow", "alert", "notices") or not isinstance(pk, int):
        return None
    return kind, pk


def _template(event: ModerationEvent) -> str:
    return {
        ModerationAction.APPROVE: "approved",
        ModerationAction.REJECT: "rejected",
        ModerationAction.MERGE: "merged",
        ModerationAction.STATUS: "answered",
    }[event.action]


def _status_label(event: ModerationEvent) -> str | Promise:
    """Lazy: the mail's template renders it in the suggestion's language (translation.override in _send)."""
    if event.action != ModerationAction.STATUS:
        return ""
    return PlanningStatus(event.to_state).label
