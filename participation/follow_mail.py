"""Mails to followers and alert subscribers, sent by the background worker from the `Notice` outbox.

Services write notices in the transaction of the change (services/follows.py) and, when one is wanted at
once, queue `send_notices` in that same transaction: the task sweeps every pending immediate notice, one
mail each. Daily ones wait for the digest.

Why a management command for the digest: django-tasks has no scheduler, and a self-rescheduling task
(`run_after` tomorrow) is lost for good the day a worker dies between running it and queueing the next
one, or doubles when an operator queues a second chain. `manage.py send_digests`, run once a day by the
same cron/systemd timer as `purge_personal_data` (docs/notifications.md), has neither failure: a missed
day is caught up by the next run, because the digest mails what is pending, not what is "from today".

Exactly-once, as far as SMTP allows: each mail is built and sent inside the transaction that locks its
notices (`FOR UPDATE SKIP LOCKED`, so two workers or two digest runs never take the same ones) and marks
them sent. A worker that dies before that commit leaves them pending, to be sent by the next run: nothing
is lost. Only a death in the instant after the mail server accepted the mail and before the commit would
send it again.

Nothing unpublished goes out: a notice whose suggestion (or comment) is no longer published when the
worker gets to it is marked done without a mail. Mails are in the language the person used when they
followed or made the alert, to their verified address, each with a one-click unsubscribe link (RFC 8058).

An alert made without an account mails the address given with it, once that address is confirmed by the
link of `send_alert_confirmation` (queued in the alert's transaction, as notices are). Its daily digest is
one mail per alert: its one-click link then deletes exactly what the mail is about.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from .contacts import CONTACT_LINK_AGE, confirmation_link, confirmation_pk
from .errors import AlertLinkInvalid
from .models import Follow, ModerationState, Notice, NoticeKind, PlaceAlert, PlanningStatus, Suggestion
from .notifications import UNSUBSCRIBE_SALT, suggestion_path, unsubscribable_mail

logger = logging.getLogger(__name__)

PUBLISHED = ModerationState.PUBLISHED


def queue_sending() -> None:
    """Called in the transaction that wrote immediate notices: the worker sends them after the commit."""
    send_notices.enqueue()


@task()
def send_notices() -> int:
    """Send every pending immediate notice, one mail each. Returns how many mails went out."""
    sent = 0
    while True:
        with transaction.atomic():
            notice = (
                Notice.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, daily=False)
                .order_by("id")
                .first()
            )
            if notice is None:
                return sent
            sent += _deliver(Recipient.of(notice), [notice], digest=False)


@dataclass(frozen=True, slots=True)
class Digests:
    mails: int
    items: int


def digests_send() -> Digests:
    """One mail per person with everything pending for their daily digest; each person in their own
    transaction, so a run that dies half-way leaves the rest for the next run and resends nobody's. Any
    immediate notice whose task was lost is sent first."""
    send_notices.call()
    mails = items = 0
    pending = Notice.objects.filter(sent_at__isnull=True, daily=True)
    users = (
        pending.filter(user__isnull=False).values_list("user_id", flat=True).distinct().order_by("user_id")
    )
    alerts = (
        pending.filter(user__isnull=True).values_list("alert_id", flat=True).distinct().order_by("alert_id")
    )
    recipients = [Recipient(user_id=pk) for pk in users] + [Recipient(alert_id=pk) for pk in alerts]
    for recipient in recipients:
        with transaction.atomic():
            notices = list(
                Notice.objects.select_for_update(skip_locked=True)
                .filter(recipient.notices(), sent_at__isnull=True, daily=True)
                .order_by("id")
            )
            if notices:
                sent = _deliver(recipient, notices, digest=True)
                mails += sent
                items += len(notices) if sent else 0
    return Digests(mails=mails, items=items)


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom notices go to: an account (its verified address), or an alert without one (its address)."""

    user_id: int | None = None
    alert_id: int | None = None

    @classmethod
    def of(cls, notice: Notice) -> "Recipient":
        if notice.user_id is not None:
            return cls(user_id=notice.user_id)
        return cls(alert_id=notice.alert_id)

    def notices(self) -> Q:
        if self.user_id is not None:
            return Q(user_id=self.user_id)
        return Q(user__isnull=True, alert_id=self.alert_id)

    def address(self) -> str | None:
        if self.user_id is not None:
            return (
                EmailAddress.objects.filter(user_id=self.user_id, verified=True, user__is_active=True)
                .order_by("-primary", "id")
                .values_list("email", flat=True)
                .first()
            )
        return (
            PlaceAlert.objects.filter(pk=self.alert_id, user__isnull=True, confirmed_at__isnull=False)
            .values_list("email", flat=True)
            .first()
        )


@dataclass
class Item:
    notice: Notice
    suggestion: Suggestion
    link: str
    status: object = ""


def _deliver(recipient: Recipient, notices: list[Notice], *, digest: bool) -> int:
    """Mail the notices still worth telling and mark all of them done. The caller holds their row locks."""
    items = list(_items(notices))
    address = recipient.address()
    count = 0
    if items and address:
        _mail(address, items, recipient=recipient, digest=digest)
        count = 1
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=timezone.now())
    return count


def _items(notices: Iterable[Notice]) -> Iterable[Item]:
    """The notices whose subject is still public; what was hidden, rejected or withdrawn since is dropped."""
    for notice in notices:
        suggestion = (
            Suggestion.objects.select_related("project", "category", "merged_into")
            .filter(pk=notice.suggestion_id)
            .first()
        )
        if suggestion is None:
            continue
        shown = suggestion
        if notice.kind == NoticeKind.MERGED:
            shown = suggestion.merged_into
            if suggestion.moderation_state != ModerationState.MERGED or shown is None:
                continue
        if shown.moderation_state != PUBLISHED:
            continue
        if notice.kind == NoticeKind.COMMENT and (
            notice.comment is None or notice.comment.moderation_state != PUBLISHED
        ):
            continue
        status = ""
        if notice.kind == NoticeKind.STATUS and notice.event is not None:
            status = PlanningStatus(notice.event.to_state).label  # lazy: in the mail's language
        yield Item(notice, suggestion, settings.SITE_URL + suggestion_path(shown), status)


def unsubscribe_token(kind: str, pk: int) -> str:
    return signing.dumps([kind, pk], salt=UNSUBSCRIBE_SALT)


def _unsubscribe(item: Item, *, recipient: Recipient, digest: bool) -> tuple[str, int]:
    """(token kind, id) the mail's one-click link stops: the follow or alert it is about, or for an
    account's digest, which gathers many, every follow and alert of the account."""
    user_id = recipient.user_id
    if user_id is None:
        return "alert", recipient.alert_id or 0
    if digest:
        return "notices", user_id
    if item.notice.alert_id is not None:
        return "alert", item.notice.alert_id
    target = item.suggestion.merged_into_id or item.suggestion.pk
    follow = Follow.objects.filter(user_id=user_id, suggestion_id=target).values_list("pk", flat=True).first()
    return ("follow", follow) if follow else ("notices", user_id)


def _mail(address: str, items: list[Item], *, recipient: Recipient, digest: bool) -> None:
    kind, pk = _unsubscribe(items[0], recipient=recipient, digest=digest)
    unsubscribe = settings.SITE_URL + reverse(
        "participation:unsubscribe", kwargs={"token": unsubscribe_token(kind, pk)}
    )
    with translation.override(items[-1].notice.language):
        context = {
            "items": items,
            "item": items[0],
            "unsubscribe": unsubscribe,
            "unsubscribe_kind": kind,
            # Without an account there is no page to manage: the link deletes the alert.
            "account": (
                settings.SITE_URL + reverse("participation:account-follows") if recipient.user_id else ""
            ),
        }
        name = "digest" if digest else "notice"
        subject = render_to_string(f"participation/email/{name}_subject.txt", context)
        body = render_to_string(f"participation/email/{name}_message.txt", context)
    unsubscribable_mail(subject=subject, body=body, address=address, unsubscribe=unsubscribe).send()


# --- Confirming the address of an alert made without an account ---------------------------------------

ALERT_LINK_SALT = "participation.alert-confirm"
# As long as an anonymous author's confirmation link; unconfirmed alerts are purged after it.
ALERT_LINK_AGE = CONTACT_LINK_AGE


def queue_alert_confirmation(alert: PlaceAlert) -> None:
    """Called in the transaction that stores the alert: the worker mails the link after the commit."""
    send_alert_confirmation.enqueue(alert.pk)


def alert_confirm_link(alert: PlaceAlert) -> str:
    return confirmation_link("participation:alert-confirm", alert.pk, salt=ALERT_LINK_SALT)


def alert_from_link(token: str) -> PlaceAlert:
    pk = confirmation_pk(token, salt=ALERT_LINK_SALT, max_age=ALERT_LINK_AGE)
    if pk is None:
        raise AlertLinkInvalid()
    # An alert made without an account, or one that was and has since joined the account of its address
    # (confirmed: its page says where it is now). An account's own alerts have no such link.
    alert = (
        PlaceAlert.objects.select_related("project")
        .filter(Q(user__isnull=True) | Q(confirmed_at__isnull=False), pk=pk)
        .first()
    )
    if alert is None:  # unsubscribed or purged meanwhile
        raise AlertLinkInvalid()
    return alert


@task()
def send_alert_confirmation(alert_id: int) -> bool:
    """The mail with the confirmation link. It carries no text the sender typed (the alert's name stays
    out), so a stranger's address typed into the form gets nothing but the question. Returns whether a
    mail went out."""
    alert = PlaceAlert.objects.select_related("project").filter(pk=alert_id, user__isnull=True).first()
    if alert is None or alert.confirmed_at is not None:
        return False
    with translation.override(alert.language):
        context = {
            "project": alert.project,
            "alert": alert,
            "link": alert_confirm_link(alert),
            "days": ALERT_LINK_AGE // (24 * 3600),
        }
        subject = render_to_string("participation/email/alert_confirm_subject.txt", context)
        body = render_to_string("participation/email/alert_confirm_message.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [alert.email])
    return True
